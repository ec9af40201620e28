// `npm run bench:clients`: N clients of tandem-ha/client (policy `follow`) on a real pair,
// SIGKILL of the active agent, and how long each client takes to report `switch` to the new
// active after it serves; plus the agents' memory and CPU with that many streams open.
//
// For each N (1 000, then 10 000): start agents a and b (lan timers) on free loopback ports,
// open N clients spread over 4 child processes (each client streams from both agents), wait
// until every client follows a, read each agent's RSS (/proc) before and after the clients
// connected and its CPU over 10 s with every stream open, SIGKILL a, poll b's /monitor/role
// every 5 ms for the moment it serves, and collect every client's `switch` time.
//
// Sockets: each agent holds N streams and each child process 2·N/4; the agents and children
// are started under `ulimit -n` raised to the hard limit (20 000 here), which N = 10 000 needs.
//
//   node bench/clients.mjs [--clients 1000,10000] [--procs 4]
import { fork, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, until } from "./lib.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const argOf = (name, fallback) =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback;
const COUNTS = argOf("--clients", "1000,10000").split(",").map(Number);
const PROCS = Number(argOf("--procs", "4"));
const SECRET = "bench-clients-secret-0123456789";

/** A child process: opens its share of clients and reports to the parent. */
async function child() {
  const { connect } = await import("tandem-ha/client");
  const [count, a, b] = [Number(process.argv[3]), process.argv[4], process.argv[5]];
  const clients = [];
  const switched = [];
  for (let i = 0; i < count; i++) {
    const c = connect({
      servers: [a, b],
      policy: "follow",
      transport: "fetch",
      keepAliveMs: 15_000,
      identity: { name: `bench-${process.pid}-${i}`, version: "1" },
    });
    c.on("switch", (_from, to) => {
      if (to === b) switched.push(Date.now());
    });
    clients.push(c);
  }
  const timer = setInterval(() => {
    process.send({ onA: clients.filter((c) => c.current === a).length, switched: switched.length });
  }, 250);
  process.on("message", (m) => {
    if (m === "report") process.send({ times: switched });
    if (m === "stop") {
      clearInterval(timer);
      for (const c of clients) c.close();
      process.disconnect();
    }
  });
}

function writeConfigs(dir, ports, streams) {
  for (const name of ["a", "b"]) {
    writeFileSync(
      join(dir, `${name}.yaml`),
      `node: { name: ${name}, stateDir: ${join(dir, `state-${name}`)} }
api: { listen: "127.0.0.1:${ports[name]}", maxEventStreams: ${streams} }
log: { file: ${join(dir, `${name}.log`)} }
probes:
  mem: { kind: memory, minAvailablePercent: 0, interval: 500ms, timeout: 400ms }
cluster:
  secret: ${SECRET}
  profile: lan
  nodes:
    - { name: a, rank: 1, api: "http://127.0.0.1:${ports.a}" }
    - { name: b, rank: 2, api: "http://127.0.0.1:${ports.b}" }
`,
    );
  }
}

/** Starts `node ARGS` with the open-files limit raised to the hard limit. */
function raised(args, stdio) {
  const quoted = [process.execPath, ...args].map((a) => `'${a}'`).join(" ");
  return spawn("bash", ["-c", `ulimit -n "$(ulimit -Hn)" && exec ${quoted}`], { stdio });
}

const rssKiB = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
const cpuTicks = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return Number(fields[11]) + Number(fields[12]);
};
const pct = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function status(port, path = "/monitor/role") {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      signal: AbortSignal.timeout(500),
    });
    return res.status;
  } catch {
    return 0;
  }
}

async function run(n) {
  const dir = mkdtempSync(join(tmpdir(), "tandem-bench-clients-"));
  const ports = { a: await freePort(), b: await freePort() };
  writeConfigs(dir, ports, n + 100);
  const agents = {};
  for (const name of ["a", "b"]) {
    agents[name] = raised(
      [join(root, "bin/tandem.js"), "agent", "--config", join(dir, `${name}.yaml`)],
      ["ignore", "ignore", "inherit"],
    );
  }
  const children = [];
  try {
    await until(async () => (await status(ports.a)) === 200, 60_000, "a ACTIVE");
    await until(async () => (await status(ports.b)) === 503, 30_000, "b STANDBY");
    await sleep(2000);
    const before = { a: rssKiB(agents.a.pid), b: rssKiB(agents.b.pid) };
    const urls = { a: `http://127.0.0.1:${ports.a}`, b: `http://127.0.0.1:${ports.b}` };
    const state = [];
    for (let i = 0; i < PROCS; i++) {
      const share = Math.floor(n / PROCS) + (i < n % PROCS ? 1 : 0);
      const c = fork(fileURLToPath(import.meta.url), ["--child", String(share), urls.a, urls.b], {
        execArgv: [],
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      state.push({ onA: 0, switched: 0 });
      c.on("message", (m) => {
        if (m.onA !== undefined) state[i] = m;
      });
      children.push(c);
    }
    const started = Date.now();
    await until(
      () => state.reduce((s, x) => s + x.onA, 0) === n,
      300_000,
      `${n} clients on a`,
      250,
    );
    const connectS = (Date.now() - started) / 1000;
    await sleep(3000);
    const after = { a: rssKiB(agents.a.pid), b: rssKiB(agents.b.pid) };
    const cpu0 = cpuTicks(agents.b.pid);
    await sleep(10_000);
    const idleCpu = (cpuTicks(agents.b.pid) - cpu0) / 100 / 10;

    agents.a.kill("SIGKILL");
    const killedAt = Date.now();
    while ((await status(ports.b)) !== 200) await sleep(5);
    const servedAt = Date.now();
    await until(
      () => state.reduce((s, x) => s + x.switched, 0) === n,
      120_000,
      `${n} clients switched`,
      100,
    );
    const times = [];
    await Promise.all(
      children.map(
        (c) =>
          new Promise((resolve) => {
            c.on("message", (m) => {
              if (m.times) {
                times.push(...m.times);
                resolve();
              }
            });
            c.send("report");
          }),
      ),
    );
    const lat = times.map((t) => (t - servedAt) / 1000).sort((x, y) => x - y);
    const perStream = (name) => ((after[name] - before[name]) / n).toFixed(1);
    return {
      clients: n,
      connectSeconds: connectS.toFixed(1),
      takeoverSeconds: ((servedAt - killedAt) / 1000).toFixed(2),
      switchAfterServingSeconds: {
        p50: pct(lat, 50).toFixed(3),
        p99: pct(lat, 99).toFixed(3),
        max: lat[lat.length - 1].toFixed(3),
      },
      agentRssMiB: {
        aBefore: (before.a / 1024).toFixed(1),
        aAfter: (after.a / 1024).toFixed(1),
        bBefore: (before.b / 1024).toFixed(1),
        bAfter: (after.b / 1024).toFixed(1),
      },
      kibPerStream: { a: perStream("a"), b: perStream("b") },
      standbyCpuWithStreamsOpen: `${(idleCpu * 100).toFixed(1)} % of one core`,
    };
  } finally {
    for (const c of children) {
      if (c.connected) c.send("stop");
      c.kill("SIGKILL");
    }
    for (const a of Object.values(agents)) a.kill("SIGKILL");
    await sleep(500);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  for (const n of COUNTS) {
    const result = await run(n);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  }
}

// Last: the helpers above are `const`s, which must be initialised before either runs.
if (process.argv[2] === "--child") await child();
else await main();
