// `npm run bench:clients`: N clients of tandem-ha/client (policy `follow`) on a real pair,
// SIGKILL of the active agent, and how long each client takes to report `switch` to the new
// active after it serves; plus the agents' memory and CPU with that many streams open.
//
// For each N (1 000, then 10 000): start agents a and b (lan timers) on free loopback ports,
// open N clients spread over child processes of at most --per-proc clients each (each client
// streams from both agents), each process keeping at most --window clients connecting at a
// time (a ramp that follows the CPU the machine has to spare), wait until every client
// follows a, read each agent's RSS (/proc) before and after the clients connected and its CPU
// over 10 s with every stream open, SIGKILL a, poll b's /monitor/role every 5 ms for the
// moment it serves, and collect every client's `switch` time. Every 5 s while connecting, a
// progress line on stderr gives the agents' open files and CPU, the children's worst
// event-loop delay and each stream's state.
//
// Why a ramp and many processes: four processes opening 250 clients each at once (500 fetch
// streams each) stalled their event loops for up to 11.7 s on this shared 2-core machine
// (each stream costs its client about 8 ms of CPU to open), so they sent their requests'
// headers seconds after connecting, the agents cut those connections with 408 at their 2 s
// header deadline (api.headersTimeout), the clients retried, and so on.
//
// Open files: each agent holds N streams plus the connections of the clients' follow reports
// (1 288 open files with 1 000 clients), each child up to 4 per client. The bench raises its soft limit to the hard
// one and stops with a message when the hard limit is too low.
//
//   node bench/clients.mjs [--clients 1000,10000] [--per-proc 250] [--window 20] [--profile lan]
//                          [--cpu-prof DIR]
import { execFileSync, fork, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { get as httpGet } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, until } from "./lib.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const argOf = (name, fallback) =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback;
const COUNTS = argOf("--clients", "1000,10000").split(",").map(Number);
const PER_PROC = Number(argOf("--per-proc", "250"));
const WINDOW = Number(argOf("--window", "20"));
// The pair's timers: `wan` keeps a CPU-starved pair (10 000 clients here) from failing over
// on its own; the failover then takes longer, which the switch times do not count.
const PROFILE = argOf("--profile", "lan");
// A directory for the first child process's CPU profile of the failover (none by default).
const CPU_PROF = argOf("--cpu-prof", null);
const SECRET = "bench-clients-secret-0123456789";

/** A child process: opens its share of clients and reports to the parent. */
async function child() {
  const { connect } = await import("tandem-ha/client");
  const [count, a, b, window] = process.argv
    .slice(3)
    .map((x, i) => (i === 1 || i === 2 ? x : Number(x)));
  const { monitorEventLoopDelay } = await import("node:perf_hooks");
  const lag = monitorEventLoopDelay({ resolution: 20 });
  lag.enable();
  const clients = [];
  const switched = [];
  const reasons = {};
  const bothUp = (c) => c.servers.every((v) => v.state === "up");
  // Counts every 250 ms; each stream's state (for the progress line) every 5 s only, so that
  // the bench itself takes little of the CPU the clients need when they switch.
  let ticks = 0;
  let states = {};
  setInterval(() => {
    if (ticks++ % 20 === 0) states = streamStates();
    let onA = 0;
    let onB = 0;
    for (const c of clients) {
      if (c.current === a) onA++;
      else if (c.current === b) onB++;
    }
    process.send({ onA, onB, switched: switched.length, states, lagMs: Math.round(lag.max / 1e6) });
    lag.reset();
  }, 250);
  const streamStates = () => {
    const states = {};
    for (const c of clients) {
      for (const v of c.servers) {
        const key = `${v.url === a ? "a" : "b"} ${v.state}${v.error ? ` (${v.error})` : ""}`;
        states[key] = (states[key] ?? 0) + 1;
      }
    }
    return states;
  };
  let profiler = null;
  process.on("message", async (m) => {
    if (m === "report") process.send({ times: switched, reasons });
    // --cpu-prof: this process's CPU profile from just before the SIGKILL to the last switch.
    if (m?.profile === "start") {
      const { Session } = await import("node:inspector/promises");
      profiler = new Session();
      profiler.connect();
      await profiler.post("Profiler.enable");
      await profiler.post("Profiler.setSamplingInterval", { interval: 500 });
      await profiler.post("Profiler.start");
    }
    if (m?.profile === "stop" && profiler) {
      const { profile } = await profiler.post("Profiler.stop");
      const { writeFileSync: write } = await import("node:fs");
      write(m.file, JSON.stringify(profile));
      process.send({ profiled: m.file });
    }
  });
  for (let i = 0; i < count; i++) {
    // The ramp: at most `window` of this process's clients are still connecting.
    while (clients.length - clients.filter(bothUp).length >= window) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const c = connect({
      servers: [a, b],
      policy: "follow",
      transport: "fetch",
      keepAliveMs: 15_000,
      identity: { name: `bench-${process.pid}-${i}`, version: "1" },
    });
    c.on("switch", (_from, to, reason) => {
      if (to !== b) return;
      switched.push(Date.now());
      // The reason without the node's term and error codes, to count the kinds.
      const kind = reason.replace(/\d+/g, "N");
      reasons[kind] = (reasons[kind] ?? 0) + 1;
    });
    clients.push(c);
  }
}

/** Room for N streams, and (api-checks) twice as many connections for the follow reports. */
function writeConfigs(dir, ports, n) {
  const streams = n + 10;
  for (const name of ["a", "b"]) {
    writeFileSync(
      join(dir, `${name}.yaml`),
      `node: { name: ${name}, stateDir: ${join(dir, `state-${name}`)} }
api: { listen: "127.0.0.1:${ports[name]}", maxEventStreams: ${streams}, maxConnections: ${2 * streams} }
log: { file: ${join(dir, `${name}.log`)} }
probes:
  mem: { kind: memory, minAvailablePercent: 0, interval: 500ms, timeout: ${PROFILE === "lan" ? "400ms" : "2s"} }
cluster:
  secret: ${SECRET}
  profile: ${PROFILE}
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
  writeConfigs(dir, ports, n);
  const agents = {};
  for (const name of ["a", "b"]) {
    agents[name] = raised(
      [join(root, "bin/tandem.js"), "agent", "--config", join(dir, `${name}.yaml`)],
      ["ignore", "ignore", "inherit"],
    );
  }
  const children = [];
  let progress = null;
  let failed = false;
  const cleanup = () => {
    clearInterval(progress);
    for (const c of children) c.kill("SIGKILL");
    for (const a of Object.values(agents)) a.kill("SIGKILL");
    if (failed) process.stderr.write(`the agents' logs are kept in ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  };
  const interrupted = () => {
    cleanup();
    process.exit(130);
  };
  process.once("SIGINT", interrupted).once("SIGTERM", interrupted);
  try {
    await until(async () => (await status(ports.a)) === 200, 60_000, "a ACTIVE");
    await until(async () => (await status(ports.b)) === 503, 30_000, "b STANDBY");
    await sleep(2000);
    const before = { a: rssKiB(agents.a.pid), b: rssKiB(agents.b.pid) };
    const urls = { a: `http://127.0.0.1:${ports.a}`, b: `http://127.0.0.1:${ports.b}` };
    const state = [];
    // The worst event-loop delay any child saw since it was last read.
    let worstLag = 0;
    const procs = Math.ceil(n / PER_PROC);
    for (let i = 0; i < procs; i++) {
      const share = Math.floor(n / procs) + (i < n % procs ? 1 : 0);
      const args = ["--child", String(share), urls.a, urls.b, String(WINDOW)];
      const c = fork(fileURLToPath(import.meta.url), args, {
        execArgv: [],
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      state.push({ onA: 0, switched: 0 });
      c.on("message", (m) => {
        if (m.onA === undefined) return;
        state[i] = m;
        worstLag = Math.max(worstLag, m.lagMs);
      });
      children.push(c);
    }
    const started = Date.now();
    let lastCpu = { a: cpuTicks(agents.a.pid), b: cpuTicks(agents.b.pid) };
    progress = setInterval(() => {
      const states = {};
      for (const x of state)
        for (const [k, v] of Object.entries(x.states ?? {})) states[k] = (states[k] ?? 0) + v;
      const fds = (pid) => readdirSync(`/proc/${pid}/fd`).length;
      const lag = worstLag;
      worstLag = 0;
      const cpu = { a: cpuTicks(agents.a.pid), b: cpuTicks(agents.b.pid) };
      const used = `cpu a ${cpu.a - lastCpu.a} b ${cpu.b - lastCpu.b} ticks/5s; child lag ${lag} ms`;
      lastCpu = cpu;
      process.stderr.write(
        `${((Date.now() - started) / 1000).toFixed(0)} s: on a ${state.reduce((s, x) => s + x.onA, 0)}/${n}, on b ${state.reduce((s, x) => s + (x.onB ?? 0), 0)}; fds a ${fds(agents.a.pid)} b ${fds(agents.b.pid)}; ${used}; ${JSON.stringify(states)}\n`,
      );
    }, 5000);
    await until(
      () => state.reduce((s, x) => s + x.onA, 0) === n,
      Math.max(300_000, n * 60),
      `${n} clients on a`,
      250,
    );
    clearInterval(progress);
    const connectS = (Date.now() - started) / 1000;
    await sleep(3000);
    const after = { a: rssKiB(agents.a.pid), b: rssKiB(agents.b.pid) };
    const cpu0 = { a: cpuTicks(agents.a.pid), b: cpuTicks(agents.b.pid) };
    await sleep(10_000);
    const cpuOpen = (name) =>
      `${((cpuTicks(agents[name].pid) - cpu0[name]) / 10).toFixed(1)} % of one core`;
    const openCpu = { aActive: cpuOpen("a"), bStandby: cpuOpen("b") };
    worstLag = 0;

    // One plain HTTP stream on b, beside the clients: when b's `serving` event reaches a reader
    // that does nothing else, which tells the agent's share of the delay from the clients'.
    let servingEventAt = null;
    const observer = httpGet(`${urls.b}/v1/events`, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        text += chunk;
        if (servingEventAt === null && /event: serving\ndata: [^\n]*"serving":true/.test(text)) {
          servingEventAt = Date.now();
        }
      });
    });
    observer.on("error", () => {});
    await sleep(500);
    const childCpu = () => children.reduce((sum, c) => sum + cpuTicks(c.pid), 0);
    if (CPU_PROF) children[0].send({ profile: "start" });
    await sleep(CPU_PROF ? 200 : 0);
    const childCpuAtKill = childCpu();
    agents.a.kill("SIGKILL");
    const killedAt = Date.now();
    while ((await status(ports.b)) !== 200) await sleep(5);
    const servedAt = Date.now();
    const bCpuAtServe = cpuTicks(agents.b.pid);
    const switchedNow = () => state.reduce((s, x) => s + x.switched, 0);
    await until(() => switchedNow() === n, 120_000, `${n} clients switched`, 100).catch((err) => {
      const after = ((Date.now() - servedAt) / 1000).toFixed(1);
      throw new Error(`${err.message}: ${switchedNow()} had, ${after} s after b served`);
    });
    const bCpuSwitch = (cpuTicks(agents.b.pid) - bCpuAtServe) / 100;
    const childCpuSwitch = (childCpu() - childCpuAtKill) / 100;
    observer.destroy();
    if (CPU_PROF) {
      const file = join(CPU_PROF, `clients-${n}-child-0-${Date.now()}.cpuprofile`);
      await new Promise((resolve) => {
        children[0].on("message", (m) => m.profiled && resolve());
        children[0].send({ profile: "stop", file });
      });
      process.stderr.write(`CPU profile of child 0 from the kill to the last switch: ${file}\n`);
    }
    const switchLag = worstLag;
    const times = [];
    // Each child process's first and last switch: one slow process shows as a late last.
    const perChild = [];
    const reasons = {};
    await Promise.all(
      children.map(
        (c) =>
          new Promise((resolve) => {
            c.on("message", (m) => {
              if (m.times) {
                times.push(...m.times);
                const own = m.times.map((t) => (t - servedAt) / 1000);
                perChild.push(`${Math.min(...own).toFixed(2)}–${Math.max(...own).toFixed(2)}`);
                for (const [k, v] of Object.entries(m.reasons)) reasons[k] = (reasons[k] ?? 0) + v;
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
      servingEventToPlainReaderAfterServingSeconds:
        servingEventAt === null ? "never" : ((servingEventAt - servedAt) / 1000).toFixed(3),
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
      cpuOver10sWithStreamsOpen: openCpu,
      bCpuSecondsFromServingToLastSwitch: bCpuSwitch.toFixed(2),
      childProcesses: procs,
      childCpuSecondsFromKillToLastSwitch: childCpuSwitch.toFixed(2),
      switchReasons: reasons,
      switchSecondsPerChildFirstToLast: perChild.join(", "),
      worstChildEventLoopDelayDuringSwitchMs: switchLag,
    };
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    process.off("SIGINT", interrupted).off("SIGTERM", interrupted);
    cleanup();
  }
}

/** Stops with a message when the hard open-files limit cannot hold N clients' sockets. */
function checkOpenFiles(n) {
  const hard = execFileSync("bash", ["-c", "ulimit -Hn"], { encoding: "utf8" }).trim();
  // Measured: with 1 000 clients an agent held up to 1 288 open files.
  const agentNeeds = Math.ceil(1.5 * n) + 200;
  const childNeeds = 4 * PER_PROC + 100;
  const need = Math.max(agentNeeds, childNeeds);
  if (hard !== "unlimited" && Number(hard) < need) {
    throw new Error(
      `${n} clients need about ${need} open files in each agent (a stream and a follow-report connection per client), but the hard limit (ulimit -Hn) is ${hard}; raise it (as root: ulimit -Hn ${need}, or LimitNOFILE= under systemd) or pass fewer --clients`,
    );
  }
}

async function main() {
  for (const n of COUNTS) checkOpenFiles(n);
  for (const n of COUNTS) {
    const result = await run(n);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  }
}

// Last: the helpers above are `const`s, which must be initialised before either runs.
if (process.argv[2] === "--child") await child();
else await main();
