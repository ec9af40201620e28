// `npm start`: runs the demo pair from examples/pair/ — node "a" (primary) on
// http://127.0.0.1:7701 and node "b" (secondary) on http://127.0.0.1:7702. Prepares the demo's
// spool directories and stamps, writes each agent's pid to var/demo/NODE/agent.pid so the
// README can kill one, and keeps running while either agent does.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
process.chdir(root);
const nodes = ["a", "b"];
for (const node of nodes) {
  // Each demo starts from a clean pair: a fence persisted by the previous run's failover
  // would otherwise keep "a" out (as it would on a real server, until an operator recovers it).
  rmSync(`var/demo/${node}/state`, { recursive: true, force: true });
  rmSync(`var/demo/${node}/maintenance`, { force: true });
  mkdirSync(`var/demo/${node}/spool`, { recursive: true });
  const stamp = `var/demo/${node}/spool/.tandem-stamp`;
  if (!existsSync(stamp)) {
    spawnSync(process.execPath, ["bin/tandem.js", "stamp", "create", stamp], { stdio: "ignore" });
  }
}
writeFileSync("var/demo/README", "Scratch space of `npm start`; safe to delete.\n");

process.stderr.write(
  [
    'Tandem demo pair: node "a" (primary) on http://127.0.0.1:7701, node "b" on http://127.0.0.1:7702',
    "  in another terminal:   npx tandem status --url http://127.0.0.1:7701",
    "  kill the primary:      kill -9 $(cat var/demo/a/agent.pid)",
    "  watch b take over:     npx tandem status --url http://127.0.0.1:7702",
    "  stop: Ctrl-C",
    "",
  ].join("\n"),
);

const agents = nodes.map((node) => {
  const child = spawn(
    process.execPath,
    ["bin/tandem.js", "agent", "--config", `examples/pair/${node}.yaml`],
    {
      stdio: "inherit",
    },
  );
  writeFileSync(`var/demo/${node}/agent.pid`, `${child.pid}\n`);
  return child;
});
let running = agents.length;
let worst = 0;
for (const child of agents) {
  child.on("exit", (code, signal) => {
    // An agent killed on purpose (the failover story) is not a failure of the demo.
    if (code !== null && code !== 0) worst = Math.max(worst, code);
    if (signal === null && code === null) worst = 1;
    running--;
    if (running === 0) process.exitCode = worst;
  });
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    for (const child of agents)
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}
