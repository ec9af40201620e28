// `npm run bench:ui`: /monitor/role latency of a real pair's node a (dist/) with 0 and with 50
// open console pages. Each page does what the console's script does in a browser: it keeps one
// /v1/events stream open and every 2 s reads /v1/status, /v1/clients and /ui/api/pair (for
// which node a asks node b), plus a fresh read whenever an event arrives.
//
// Prints p50 and p99 of N sequential role checks, each on a new connection as a load
// balancer's check is, first without pages, then with them.
//
//   node bench/ui.mjs [--requests 1000] [--pages 50]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, get, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { freePort, stopAll, until } from "./lib.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const arg = (name) =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined;
const requests = Number(arg("--requests") ?? 1000);
const pageCount = Number(arg("--pages") ?? 50);
const REFRESH_MS = 2000;

const dir = mkdtempSync(join(tmpdir(), "tandem-bench-ui-"));
const ports = { a: await freePort(), b: await freePort() };
const agents = ["a", "b"].map((name) => {
  const config = join(dir, `${name}.yaml`);
  writeFileSync(
    config,
    `node: { name: ${name}, stateDir: ${join(dir, `state-${name}`)} }
api: { listen: "127.0.0.1:${ports[name]}" }
log: { file: ${join(dir, `${name}.log`)} }
cluster:
  secret: bench-ui-secret-0123456789
  profile: lan
  nodes:
    - { name: a, rank: 1, api: "http://127.0.0.1:${ports.a}" }
    - { name: b, rank: 2, api: "http://127.0.0.1:${ports.b}" }
`,
  );
  return spawn(process.execPath, [join(root, "bin/tandem.js"), "agent", "--config", config], {
    stdio: "ignore",
  });
});

function role() {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request({ host: "127.0.0.1", port: ports.a, path: "/monitor/role", agent: false });
    req.setTimeout(5000, () => req.destroy(new Error("no answer within 5000 ms")));
    req.on("error", reject);
    req.on("response", (res) => {
      res.resume();
      res.on("end", () => resolve({ ms: performance.now() - started, status: res.statusCode }));
    });
    req.end();
  });
}

async function measure() {
  const latencies = [];
  for (let i = 0; i < requests; i += 1) latencies.push((await role()).ms);
  latencies.sort((x, y) => x - y);
  const at = (p) => latencies[Math.max(0, Math.ceil((p / 100) * latencies.length) - 1)];
  return { p50: at(50), p99: at(99) };
}

/** One simulated page: a stream and its reads, on a browser-like pool of 6 connections. */
function openPage(stats) {
  const pool = new Agent({ keepAlive: true, maxSockets: 6 });
  const read = (path) =>
    new Promise((resolve) => {
      const req = get({ host: "127.0.0.1", port: ports.a, path, agent: pool }, (res) => {
        res.resume();
        res.on("end", () => {
          stats.reads += 1;
          if (res.statusCode !== 200) stats.failed += 1;
          resolve();
        });
      });
      req.on("error", () => {
        stats.failed += 1;
        resolve();
      });
    });
  const refresh = () =>
    Promise.all(["/v1/status", "/v1/clients", "/ui/api/pair"].map(read)).then(() => undefined);
  const stream = get(
    { host: "127.0.0.1", port: ports.a, path: "/v1/events", agent: false },
    (res) => {
      if (res.statusCode === 200) stats.streams += 1;
      res.on("data", () => void refresh());
    },
  );
  stream.on("error", () => {});
  const timer = setInterval(() => void refresh(), REFRESH_MS);
  return () => {
    clearInterval(timer);
    stream.destroy();
    pool.destroy();
  };
}

const closers = [];
try {
  await until(async () => (await role()).status === 200, 60_000, "node a serving");
  for (let i = 0; i < 50; i += 1) await role();
  const without = await measure();
  const stats = { streams: 0, reads: 0, failed: 0 };
  for (let i = 0; i < pageCount; i += 1) closers.push(openPage(stats));
  await until(() => stats.streams >= pageCount, 30_000, "the pages' streams");
  const readsBefore = stats.reads;
  const started = performance.now();
  const withPages = await measure();
  const seconds = (performance.now() - started) / 1000;
  const f = (ms) => `${ms.toFixed(2)} ms`;
  console.log(`/monitor/role of node a over ${requests} checks, each on a new connection:`);
  console.log(`  with 0 open console pages: p50 ${f(without.p50)}, p99 ${f(without.p99)}`);
  console.log(
    `  with ${pageCount} open console pages: p50 ${f(withPages.p50)}, p99 ${f(withPages.p99)} (${stats.streams} event streams, ${Math.round((stats.reads - readsBefore) / seconds)} page reads/s meanwhile, ${stats.failed} failed)`,
  );
} finally {
  for (const close of closers) close();
  await stopAll(agents);
  rmSync(dir, { recursive: true, force: true });
}
