// `npm run bench:failover`: failover time of a real pair, side by side with keepalived.
//
// Each run starts a fresh pair (a rank 1, b rank 2), waits until a answers 200 ACTIVE and b
// is STANDBY, lets the heartbeats settle, injects the fault into a and times until b answers
// 200 ACTIVE on /monitor/role (polled every 5 ms):
//   - process death: SIGKILL of a's agent (its port refuses connections at once);
//   - host death: SIGSTOP of a's agent — nothing answers and nothing is closed, so for b it
//     is the silence of a host whose packets are dropped.
// Timer sets: the `fast` profile, and the `tight` profile (a beat every 20 ms, lost after 130 ms
// of silence: keepalived's class at advert_int 0.05), or any timers given with --tight. With `--quorum` (default on when
// etcd is installed) both faults again with a quorum on a one-member etcd (lease ttl 2s,
// keepAlive 500ms, margin 500ms). keepalived (VRRPv3, advert_int 0.05, two network namespaces;
// bench/keepalived.mjs) is measured in the same run when installed and run as root.
//
// Then the soak: the `fast` pair talks through fault-injecting proxies (5 % of heartbeats
// held past the timeout, 0–20 ms jitter on the rest) while `stress-ng --cpu 2` saturates both
// cores; both role URLs are sampled every 20 ms. Counts takeovers (all false: nothing is
// killed), samples with both serving and samples with none serving.
//
//   node bench/failover.mjs [--runs 20] [--soak-seconds 600] [--soak-only] [--no-quorum] [--no-keepalived]
//     [--tight "interval: 50ms, timeout: 40ms"] [--soak-timers "interval: 20ms, timeout: 90ms"]
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { getPriority, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { raisePriority } from "../dist/agent/priority.js";
import { keepalivedMissing, keepalivedPair } from "./keepalived.mjs";
import { freePort, until } from "./lib.mjs";
import { hasEtcd, role, startEtcd, startPairInOrder, summary, writeConfigs } from "./pair-lib.mjs";

const arg = (name, fallback) =>
  process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback;
const RUNS = arg("--runs", 20);
const SOAK_SECONDS = arg("--soak-seconds", 600);
const ONLY_SOAK = process.argv.includes("--soak-only");
const withQuorum = !process.argv.includes("--no-quorum") && hasEtcd();
const withKeepalived = !process.argv.includes("--no-keepalived");

const str = (name, fallback) =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback;
// A second timer set measured beside `fast` (YAML of `cluster.heartbeat`'s fields): by default
// the `tight` profile's own timers (fall and rise 3 as in `fast`).
const TIGHT_TIMERS = str("--tight", "interval: 20ms, timeout: 90ms");
const TIGHT = `heartbeat: { ${TIGHT_TIMERS} }`;
// The soak's timers: the profile's own unless given.
const SOAK_TIMERS = str("--soak-timers", "");

/** One fault on a fresh pair; returns ms from the fault to b answering 200. */
async function tandemRun(fault, extra) {
  const dir = mkdtempSync(join(tmpdir(), "tandem-failover-"));
  const ports = { a: await freePort(), b: await freePort() };
  writeConfigs(
    dir,
    ports,
    { a: `http://127.0.0.1:${ports.a}`, b: `http://127.0.0.1:${ports.b}` },
    extra,
  );
  let pair = null;
  try {
    pair = await startPairInOrder(dir, ports);
    const { a } = pair;
    await new Promise((r) => setTimeout(r, 1000));
    const t0 = performance.now();
    a.kill(fault === "kill" ? "SIGKILL" : "SIGSTOP");
    await until(async () => (await role(ports.b)) === 200, 20_000, "b ACTIVE", 5);
    return performance.now() - t0;
  } catch (err) {
    const tail = (n) =>
      readFileSync(join(dir, `${n}.log`), "utf8")
        .trim()
        .split("\n")
        .slice(-15)
        .join("\n");
    throw new Error(`${err.message}\n--- a\n${tail("a")}\n--- b\n${tail("b")}`);
  } finally {
    pair?.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function series(label, runs, once) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    times.push(await once());
    process.stderr.write(`${label}: run ${i + 1}/${runs} ${(times.at(-1) / 1000).toFixed(3)} s\n`);
  }
  return { label, runs, ...summary(times) };
}

async function soak() {
  // The sampler at the agents' own priority (node.nice -10, on every thread) so stress-ng does
  // not make it miss samples; the proxies stand for the network and run in their own process.
  raisePriority(-10, {
    info: () => {},
    warn: (_o, m) => process.stderr.write(`soak: ${m}: the sampler competes with stress-ng\n`),
  });
  const dir = mkdtempSync(join(tmpdir(), "tandem-soak-"));
  const ports = { a: await freePort(), b: await freePort() };
  const proxy = spawn(
    process.execPath,
    [join(import.meta.dirname, "soak-proxy.mjs"), ports.a, ports.b],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const proxyLines = createInterface({ input: proxy.stdout })[Symbol.asyncIterator]();
  const proxied = JSON.parse((await proxyLines.next()).value);
  writeConfigs(
    dir,
    ports,
    { a: `http://127.0.0.1:${proxied.a}`, b: `http://127.0.0.1:${proxied.b}` },
    SOAK_TIMERS ? `  heartbeat: { ${SOAK_TIMERS} }\n` : "",
  );
  const hasStress = spawnSync("sh", ["-c", "command -v stress-ng"]).status === 0;
  let stress = null;
  let pair = null;
  try {
    pair = await startPairInOrder(dir, ports);
    if (hasStress) {
      // At the default priority, like the PBX and the rest of the machine's work: a child
      // inherits this process's raised nice value unless told otherwise.
      const toDefault = String(-getPriority());
      stress = spawn(
        "nice",
        ["-n", toDefault, "stress-ng", "--cpu", "2", "--timeout", `${SOAK_SECONDS + 5}s`],
        { stdio: "ignore" },
      );
    }
    const counts = { samples: 0, both: 0, none: 0 };
    const startedAt = performance.now();
    const pending = [];
    while (performance.now() - startedAt < SOAK_SECONDS * 1000) {
      // Sampled without waiting for slow answers, so a stalled agent shows as not serving.
      pending.push(
        Promise.all([role(ports.a, 1000), role(ports.b, 1000)]).then(([ra, rb]) => {
          counts.samples++;
          if (ra === 200 && rb === 200) counts.both++;
          if (ra !== 200 && rb !== 200) counts.none++;
        }),
      );
      await new Promise((r) => setTimeout(r, 20));
    }
    await Promise.all(pending);
    const lines = ["a", "b"]
      .map((n) => readFileSync(join(dir, `${n}.log`), "utf8"))
      .join("\n")
      .split("\n");
    const takeoverLines = lines
      .filter((l) => /"event":"(takeover|peer-lost|freeze)"/.test(l))
      .map((l) => {
        const { time, node, msg } = JSON.parse(l);
        return `    ${time} ${node}: ${msg}`;
      });
    // a's own election at start-up (STARTING → ACTIVE) is not a takeover from a serving node.
    const takeovers = lines.filter(
      (l) => l.includes('"event":"takeover"') && !l.includes("STARTING →"),
    ).length;
    proxy.kill("SIGTERM");
    const stats = JSON.parse((await proxyLines.next()).value);
    return {
      ...counts,
      takeovers,
      takeoverLines,
      heartbeats: stats.total,
      dropped: stats.dropped,
      hasStress,
    };
  } finally {
    stress?.kill("SIGKILL");
    pair?.kill();
    proxy.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

async function failoverTable() {
  const rows = [];
  const kaProblem = withKeepalived ? keepalivedMissing() : "skipped (--no-keepalived)";
  let keepalived = null;
  if (!kaProblem) {
    const k = keepalivedPair();
    try {
      keepalived = {
        kill: await series("keepalived advert_int 0.05, SIGKILL", RUNS, () => k.run("kill")),
        stop: await series("keepalived advert_int 0.05, SIGSTOP", RUNS, () => k.run("stop")),
      };
    } finally {
      await k.close();
    }
  }
  for (const [name, extra] of [
    ["tandem fast", ""],
    [
      TIGHT_TIMERS === "interval: 20ms, timeout: 90ms" ? "tandem tight" : `tandem ${TIGHT_TIMERS}`,
      `  ${TIGHT}\n`,
    ],
  ]) {
    rows.push(await series(`${name}, process death`, RUNS, () => tandemRun("kill", extra)));
    rows.push(await series(`${name}, host death`, RUNS, () => tandemRun("stop", extra)));
  }
  if (withQuorum) {
    const etcd = await startEtcd();
    const q = `  quorum: { kind: etcd, endpoints: ["${etcd.url}"], lease: { ttl: 2s, keepAlive: 500ms, margin: 500ms } }\n`;
    const quorumRuns = Math.max(3, Math.ceil(RUNS / 2));
    try {
      rows.push(
        await series("tandem fast + etcd quorum, process death", quorumRuns, () =>
          tandemRun("kill", q),
        ),
      );
      rows.push(
        await series("tandem fast + etcd quorum, host death", quorumRuns, () =>
          tandemRun("stop", q),
        ),
      );
    } finally {
      etcd.stop();
    }
  }
  if (keepalived) rows.push(keepalived.kill, keepalived.stop);

  console.log(
    `failover: fault on the active → the other node serving (${RUNS} runs each unless noted)`,
  );
  console.log(
    `${"".padEnd(52)}${"runs".padStart(5)}${"median".padStart(9)}${"p90".padStart(8)}${"p99".padStart(8)}${"max".padStart(8)}  vs keepalived`,
  );
  for (const r of rows) {
    const ref = !keepalived
      ? null
      : r.label.includes("host death") || r.label.includes("SIGSTOP")
        ? keepalived.stop
        : keepalived.kill;
    const ratio =
      ref && !r.label.startsWith("keepalived") ? `${(r.medianMs / ref.medianMs).toFixed(2)}×` : "";
    console.log(
      `${r.label.padEnd(52)}${String(r.runs).padStart(5)}${r.median.padStart(9)}${r.p90.padStart(8)}${r.p99.padStart(8)}${r.max.padStart(8)}  ${ratio}`,
    );
  }
  if (kaProblem) console.log(`keepalived: not measured: ${kaProblem}`);
  console.log(
    "targets: process death median ≤ 0.100 s, p99 ≤ 0.200 s; host death median ≤ keepalived's",
  );
}

if (!ONLY_SOAK) await failoverTable();
if (SOAK_SECONDS > 0) {
  const s = await soak();
  console.log(
    `soak ${SOAK_SECONDS} s, ${SOAK_TIMERS === "interval: 20ms, timeout: 90ms" ? "tight profile's timers" : `fast profile${SOAK_TIMERS ? ` with ${SOAK_TIMERS}` : ""}`}, ${s.hasStress ? "stress-ng --cpu 2 saturating both cores" : "no stress-ng (cores not saturated)"}, heartbeats through proxies: 0–20 ms jitter, 5 % held past the timeout`,
  );
  console.log(
    `  heartbeats ${s.heartbeats}, held ${s.dropped}; samples ${s.samples}: takeovers ${s.takeovers}, both serving ${s.both}, none serving ${s.none}  (target 0, 0, 0)`,
  );
  for (const line of s.takeoverLines.slice(0, 10)) console.log(line);
}
process.exit(0);
