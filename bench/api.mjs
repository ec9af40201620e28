// `npm run bench:api`: /monitor/role latency of a real agent (dist/) with and without 500
// half-open connections (each sends the start of a request, stalls, and is reopened as soon as
// the agent cuts it at api.headersTimeout, as a slowloris client does).
//
// Prints p50 and p99 of N sequential role checks, each on a new connection as a load
// balancer's check is, first without the crowd, then with it.
//
//   node bench/api.mjs [--requests 1000] [--half-open 500]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { freePort, stopAll, until } from "./lib.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const arg = (name) =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined;
const requests = Number(arg("--requests") ?? 1000);
const crowdSize = Number(arg("--half-open") ?? 500);

const dir = mkdtempSync(join(tmpdir(), "tandem-bench-api-"));
const port = await freePort();
const config = join(dir, "tandem.yaml");
writeFileSync(
  config,
  `node: { name: bench, stateDir: ${join(dir, "state")} }\napi: { listen: "127.0.0.1:${port}" }\nlog: { file: ${join(dir, "agent.log")} }\n`,
);
const agent = spawn(process.execPath, [join(root, "bin/tandem.js"), "agent", "--config", config], {
  stdio: "ignore",
});

function role() {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request({ host: "127.0.0.1", port, path: "/monitor/role", agent: false });
    req.setTimeout(5000, () => req.destroy(new Error("no answer within 5000 ms")));
    req.on("error", reject);
    req.on("response", (res) => {
      res.resume();
      res.on("end", () => resolve(performance.now() - started));
    });
    req.end();
  });
}

async function measure() {
  const latencies = [];
  for (let i = 0; i < requests; i += 1) latencies.push(await role());
  latencies.sort((x, y) => x - y);
  const at = (p) => latencies[Math.max(0, Math.ceil((p / 100) * latencies.length) - 1)];
  return { p50: at(50), p99: at(99) };
}

const sockets = new Set();
let stopped = false;
let cut = 0;
function openHalf() {
  const socket = connect(port, "127.0.0.1", () =>
    socket.write("GET /monitor/role HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "),
  );
  sockets.add(socket);
  // Read what the agent sends (its 408), or its close would go unnoticed here.
  socket.resume();
  socket.on("error", () => {});
  socket.on("close", () => {
    sockets.delete(socket);
    if (stopped) return;
    cut += 1;
    openHalf();
  });
}

try {
  await until(async () => (await role()) >= 0, 60_000, "the agent's API");
  for (let i = 0; i < 50; i += 1) await role();
  const without = await measure();
  for (let i = 0; i < crowdSize; i += 1) openHalf();
  await until(() => [...sockets].filter((s) => !s.connecting).length >= crowdSize, 30_000, "crowd");
  const withCrowd = await measure();
  const open = [...sockets].filter((s) => !s.connecting && !s.destroyed).length;
  const f = (ms) => `${ms.toFixed(2)} ms`;
  console.log(`/monitor/role over ${requests} checks, each on a new connection:`);
  console.log(`  without half-open connections: p50 ${f(without.p50)}, p99 ${f(without.p99)}`);
  console.log(
    `  with ${crowdSize} half-open connections: p50 ${f(withCrowd.p50)}, p99 ${f(withCrowd.p99)} (${open} open at the end, ${cut} cut by the agent and reopened)`,
  );
} finally {
  stopped = true;
  for (const s of sockets) s.destroy();
  await stopAll([agent]);
  rmSync(dir, { recursive: true, force: true });
}
