// `npm start`: runs the demo pair from examples/pair/ — node "a" (primary) on
// http://127.0.0.1:7701 and node "b" (secondary) on http://127.0.0.1:7702, their SIP
// responders on 127.0.0.1:5071 and :5072. Prepares the demo's spool directories and stamps,
// writes each agent's pid to var/demo/NODE/agent.pid so the README can kill one, prints a short
// banner once both answer, and keeps running while either agent does.
//
//   node scripts/demo.js [--dir DIR] [--ports API_A,API_B,SIP_A,SIP_B]
//
// --dir and --ports run a second demo beside the first (the test suite does): the configs are
// written to DIR/a.yaml and DIR/b.yaml with those ports and DIR as the scratch space.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = fileURLToPath(new URL("..", import.meta.url));
const DEFAULT_PORTS = [7701, 7702, 5071, 5072];
const { values } = parseArgs({
  options: { dir: { type: "string" }, ports: { type: "string" }, help: { type: "boolean" } },
});
if (values.help) {
  process.stdout.write(
    "usage: node scripts/demo.js [--dir DIR] [--ports API_A,API_B,SIP_A,SIP_B]\n" +
      "Runs the demo pair (default: var/demo, ports 7701,7702,5071,5072). Ctrl-C stops it.\n",
  );
  process.exit(0);
}
const ports = values.ports ? values.ports.split(",").map(Number) : DEFAULT_PORTS;
if (ports.length !== 4 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
  process.stderr.write(
    `--ports "${values.ports}": expected four ports, e.g. 7701,7702,5071,5072\n`,
  );
  process.exit(2);
}
const dir = resolve(values.dir ?? resolve(root, "var/demo"));
const [apiA, apiB, sipA, sipB] = ports;
const nodes = ["a", "b"];

/** The example config with this demo's ports and scratch directory. */
function demoConfig(node) {
  return readFileSync(resolve(root, `examples/pair/${node}.yaml`), "utf8")
    .replaceAll("../../var/demo/", `${dir}/`)
    .replaceAll("127.0.0.1:7701", `127.0.0.1:${apiA}`)
    .replaceAll("127.0.0.1:7702", `127.0.0.1:${apiB}`)
    .replaceAll("port: 5071", `port: ${sipA}`)
    .replaceAll("port: 5072", `port: ${sipB}`);
}

for (const node of nodes) {
  // Each demo starts from a clean pair: a fence persisted by the previous run's failover
  // would otherwise keep "a" out (as it would on a real server, until an operator recovers it).
  rmSync(`${dir}/${node}/state`, { recursive: true, force: true });
  rmSync(`${dir}/${node}/maintenance`, { force: true });
  mkdirSync(`${dir}/${node}/spool`, { recursive: true });
  writeFileSync(`${dir}/${node}.yaml`, demoConfig(node));
  const stamp = `${dir}/${node}/spool/.tandem-stamp`;
  if (!existsSync(stamp)) {
    spawnSync(process.execPath, [resolve(root, "bin/tandem.js"), "stamp", "create", stamp], {
      stdio: "ignore",
    });
  }
}
writeFileSync(`${dir}/README`, "Scratch space of `npm start`; safe to delete.\n");

const agents = nodes.map((node) => {
  const child = spawn(
    process.execPath,
    [resolve(root, "bin/tandem.js"), "agent", "--config", `${dir}/${node}.yaml`],
    { cwd: root, stdio: "inherit" },
  );
  writeFileSync(`${dir}/${node}/agent.pid`, `${child.pid}\n`);
  return child;
});

const shown = relative(root, dir).startsWith("..") ? dir : relative(root, dir);
const config = values.dir ? `${shown}/a.yaml` : "examples/pair/a.yaml";
const banner = [
  "",
  "Tandem demo pair is up:",
  `  a (primary)    http://127.0.0.1:${apiA}   SIP 127.0.0.1:${sipA}`,
  `  b (secondary)  http://127.0.0.1:${apiB}   SIP 127.0.0.1:${sipB}`,
  "Try, in another terminal:",
  `  npx tandem status --url http://127.0.0.1:${apiA}     # who serves, the probes, the peer`,
  `  kill -9 $(cat ${shown}/a/agent.pid)                   # the primary dies; b takes over`,
  `  npx tandem log --config ${config}          # why, in one line`,
  `  npx tandem agent --config ${config} &      # bring a back (it stays out)`,
  `  npx tandem recover --config ${config}      # hand the calls back to a`,
  "Ctrl-C stops both.",
  "",
].join("\n");

// The banner comes once both agents answer, so it is the last thing on the screen at start-up.
const bannerTimer = setInterval(async () => {
  const live = await Promise.all(
    [apiA, apiB].map((port) =>
      fetch(`http://127.0.0.1:${port}/monitor/live`, { signal: AbortSignal.timeout(500) }).then(
        (r) => r.ok,
        () => false,
      ),
    ),
  );
  if (live.every(Boolean)) {
    clearInterval(bannerTimer);
    process.stderr.write(`${banner}\n`);
  }
}, 200);

let running = agents.length;
let worst = 0;
for (const child of agents) {
  child.on("exit", (code, signal) => {
    // An agent killed on purpose (the failover story) is not a failure of the demo.
    if (code !== null && code !== 0) worst = Math.max(worst, code);
    if (signal === null && code === null) worst = 1;
    running--;
    if (running === 0) {
      clearInterval(bannerTimer);
      process.exitCode = worst;
    }
  });
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    clearInterval(bannerTimer);
    for (const child of agents)
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}
