// `npm run bench:failover`: failover time of a real pair with the `fast` timer profile.
//
// 1. Kill runs: start agents a (rank 1) and b, wait until a answers 200 ACTIVE and b is
//    STANDBY, SIGKILL a, and time until b answers 200 ACTIVE on /monitor/role (polled every
//    5 ms). Prints median, p90, p99 and max over the runs.
// 2. Soak: the agents talk through a fault-injecting HTTP proxy that delays every heartbeat by
//    0–20 ms and drops 5 % of them (holds them past the timeout); counts takeovers, which are
//    all false failovers since nothing is killed.
//
//   node bench/failover.mjs [--runs 20] [--soak-seconds 120]
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, until } from "./lib.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const arg = (name, fallback) =>
  process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback;
const RUNS = arg("--runs", 20);
const SOAK_SECONDS = arg("--soak-seconds", 120);
const SECRET = "bench-failover-secret-0123456789";

function writeConfigs(dir, ports, peerUrls) {
  for (const name of ["a", "b"]) {
    writeFileSync(
      join(dir, `${name}.yaml`),
      `node: { name: ${name}, stateDir: ${join(dir, `state-${name}`)} }
api: { listen: "127.0.0.1:${ports[name]}" }
log: { file: ${join(dir, `${name}.log`)} }
probes:
  mem: { kind: memory, minAvailablePercent: 0, interval: 100ms, timeout: 80ms }
cluster:
  secret: ${SECRET}
  profile: fast
  nodes:
    - { name: a, rank: 1, api: "${peerUrls.a}" }
    - { name: b, rank: 2, api: "${peerUrls.b}" }
`,
    );
  }
}

function startAgent(dir, name) {
  return spawn(
    process.execPath,
    [join(root, "bin/tandem.js"), "agent", "--config", join(dir, `${name}.yaml`)],
    {
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
}

async function role(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/monitor/role`, {
      signal: AbortSignal.timeout(200),
    });
    return res.status;
  } catch {
    return 0;
  }
}

const pct = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function killRuns() {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = mkdtempSync(join(tmpdir(), "tandem-failover-"));
    const ports = { a: await freePort(), b: await freePort() };
    writeConfigs(dir, ports, {
      a: `http://127.0.0.1:${ports.a}`,
      b: `http://127.0.0.1:${ports.b}`,
    });
    const a = startAgent(dir, "a");
    const b = startAgent(dir, "b");
    try {
      await until(async () => (await role(ports.a)) === 200, 20_000, "a ACTIVE", 5);
      await until(async () => (await role(ports.b)) === 503, 5000, "b STANDBY", 5);
      // Let the pair settle into steady heartbeats before the kill.
      await new Promise((r) => setTimeout(r, 500));
      const t0 = performance.now();
      a.kill("SIGKILL");
      await until(async () => (await role(ports.b)) === 200, 10_000, "b ACTIVE", 5);
      times.push(performance.now() - t0);
      process.stderr.write(`run ${i + 1}/${RUNS}: ${(times.at(-1) / 1000).toFixed(3)} s\n`);
    } finally {
      a.kill("SIGKILL");
      b.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const sorted = [...times].sort((x, y) => x - y);
  const s = (ms) => `${(ms / 1000).toFixed(3)} s`;
  console.log(`kill the active, fast profile, ${RUNS} runs (kill → peer answers 200 ACTIVE):`);
  console.log(
    `  median ${s(pct(sorted, 50))}, p90 ${s(pct(sorted, 90))}, p99 ${s(pct(sorted, 99))}, max ${s(sorted.at(-1))}  (targets: median ≤ 0.3 s, p99 ≤ 0.6 s)`,
  );
}

/** An HTTP proxy that delays each request 0–20 ms and holds 5 % of them forever. */
function faultyProxy(targetPort, stats) {
  return createServer((req, res) => {
    stats.total++;
    if (Math.random() < 0.05) {
      stats.dropped++;
      req.resume();
      return; // never answered: the sender's timeout counts it as a miss
    }
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      setTimeout(() => {
        const out = request(
          {
            host: "127.0.0.1",
            port: targetPort,
            method: req.method,
            path: req.url,
            headers: req.headers,
          },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        out.on("error", () => res.destroy());
        out.end(Buffer.concat(chunks));
      }, Math.random() * 20);
    });
  });
}

async function soak() {
  const dir = mkdtempSync(join(tmpdir(), "tandem-soak-"));
  const ports = { a: await freePort(), b: await freePort() };
  const stats = { total: 0, dropped: 0 };
  const proxies = { a: faultyProxy(ports.a, stats), b: faultyProxy(ports.b, stats) };
  await Promise.all(
    Object.values(proxies).map((p) => new Promise((r) => p.listen(0, "127.0.0.1", r))),
  );
  writeConfigs(dir, ports, {
    a: `http://127.0.0.1:${proxies.a.address().port}`,
    b: `http://127.0.0.1:${proxies.b.address().port}`,
  });
  const a = startAgent(dir, "a");
  const b = startAgent(dir, "b");
  try {
    await until(async () => (await role(ports.a)) === 200, 20_000, "a ACTIVE", 5);
    await until(async () => (await role(ports.b)) === 503, 5000, "b STANDBY", 5);
    const startedAt = Date.now();
    let bothActive = 0;
    while (Date.now() - startedAt < SOAK_SECONDS * 1000) {
      const [ra, rb] = await Promise.all([role(ports.a), role(ports.b)]);
      if (ra === 200 && rb === 200) bothActive++;
      await new Promise((r) => setTimeout(r, 50));
    }
    const takeovers = readFileSync(join(dir, "b.log"), "utf8")
      .split("\n")
      .filter((l) => l.includes('"event":"takeover"')).length;
    console.log(
      `soak ${SOAK_SECONDS} s, fast profile, heartbeats through a proxy: 0–20 ms jitter, 5 % dropped`,
    );
    console.log(
      `  heartbeats ${stats.total}, dropped ${stats.dropped}; false failovers (takeovers by b) ${takeovers}; samples with both ACTIVE ${bothActive}  (target 0)`,
    );
  } finally {
    a.kill("SIGKILL");
    b.kill("SIGKILL");
    for (const p of Object.values(proxies)) p.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await killRuns();
await soak();
process.exit(0);
