// `npm run bench:agent`: CPU and memory of an agent at rest with ten probes at 1 s.
//
// Starts a real agent (dist/) with ten probes of eight kinds against local targets (an HTTP and
// a TCP server in this process, the machine's PostgreSQL and MariaDB, real files), lets it
// settle, then samples /proc for the measuring window. Prints the agent's CPU % (user+system
// over wall time), its RSS, and the RSS of its file-probe helper processes.
//
//   node bench/agent-at-rest.mjs [--seconds 60] [--probes http,tcp,pg,maria,spool,disk,load,memory,pbx,plugin]
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttp } from "node:http";
import { createServer as createTcp } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const arg = (name) =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined;
const seconds = Number(arg("--seconds") ?? 60);
// --probes http,tcp,… keeps only those probes (to see what each kind costs).
const only = arg("--probes")?.split(",");
const CLK_TCK = 100;

const http = createHttp((_req, res) => res.end("OK")).listen(0, "127.0.0.1");
const tcp = createTcp((s) => s.destroy()).listen(0, "127.0.0.1");
await Promise.all([http, tcp].map((s) => new Promise((r) => s.once("listening", r))));
const dir = mkdtempSync(join(tmpdir(), "tandem-bench-"));
writeFileSync(join(dir, ".tandem-stamp"), "bench-stamp\n");
writeFileSync(join(dir, "pbx.pid"), `${process.pid}\n`);
const apiPort = 17700 + Math.floor(Math.random() * 200);
const config = join(dir, "bench.yaml");
const ALL_PROBES = `  http: { kind: http, url: "http://127.0.0.1:${http.address().port}/", expectBody: OK }
  tcp: { kind: tcp, port: ${tcp.address().port} }
  pg: { kind: sql, driver: postgres, url: "postgres://postgres@127.0.0.1:5432/test" }
  maria: { kind: sql, driver: mysql, url: "mysql://root@127.0.0.1:3306/test" }
  spool: { kind: file, stamp: ${join(dir, ".tandem-stamp")}, stampId: bench-stamp }
  disk: { kind: disk, path: /, maxUsedPercent: 100 }
  load: { kind: load, maxPerCore: 1000 }
  memory: { kind: memory, minAvailablePercent: 0 }
  pbx: { kind: process, pidFile: ${join(dir, "pbx.pid")} }
  plugin: { kind: command, command: ["true"] }
`;
writeFileSync(
  config,
  `node: { name: bench, stateDir: ${join(dir, "state")} }
api: { listen: "127.0.0.1:${apiPort}" }
log: { file: ${join(dir, "agent.log")} }
probeDefaults: { interval: 1s, timeout: 800ms, fall: 2, rise: 2 }
probes:
${ALL_PROBES.split("\n")
  .filter((l) => l && (!only || only.includes(l.trim().split(":")[0])))
  .join("\n")}
`,
);

const agent = spawn(process.execPath, [join(root, "bin/tandem.js"), "agent", "--config", config], {
  stdio: ["ignore", "ignore", "inherit"],
});
const base = `http://127.0.0.1:${apiPort}`;

function cpuTicks(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return Number(fields[11]) + Number(fields[12]);
}
function rssKiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) : 0;
}
function childrenOf(pid) {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/stat`, "utf8").split(") ")[1].split(" ")[1] === String(pid);
      } catch {
        return false;
      }
    })
    .map(Number);
}

try {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/monitor/role`)).status === 200) break;
    } catch {}
    if (Date.now() > deadline)
      throw new Error(`agent did not become ACTIVE; see its log in ${dir}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const status = await (await fetch(`${base}/v1/status`)).json();
  const down = status.probes.filter((p) => p.state !== "up").map((p) => p.name);
  if (down.length) throw new Error(`probes not up: ${down.join(", ")}`);
  await new Promise((r) => setTimeout(r, 10_000));
  const t0 = Date.now();
  const c0 = cpuTicks(agent.pid);
  let maxRss = 0;
  while (Date.now() - t0 < seconds * 1000) {
    maxRss = Math.max(maxRss, rssKiB(agent.pid));
    await new Promise((r) => setTimeout(r, 1000));
  }
  const cpuPct = ((cpuTicks(agent.pid) - c0) / CLK_TCK / ((Date.now() - t0) / 1000)) * 100;
  const helpers = childrenOf(agent.pid);
  const helperRss = helpers.reduce((sum, pid) => sum + rssKiB(pid), 0);
  const checks = (await (await fetch(`${base}/v1/status`)).json()).probes.reduce(
    (n, p) => n + p.checks,
    0,
  );
  console.log(`agent at rest, 10 probes at 1 s, ${seconds} s window (node ${process.version})`);
  console.log(`  CPU:        ${cpuPct.toFixed(2)} % of one core (target <= 1 %)`);
  console.log(`  RSS:        ${(maxRss / 1024).toFixed(1)} MiB max (target <= 100 MiB)`);
  console.log(
    `  helpers:    ${helpers.length} child processes, ${(helperRss / 1024).toFixed(1)} MiB RSS together`,
  );
  console.log(`  checks run: ${checks}`);
} finally {
  agent.kill("SIGTERM");
  http.close();
  tcp.close();
  await new Promise((r) => agent.once("exit", r));
  rmSync(dir, { recursive: true, force: true });
}
