// `npm start`: runs the demo node from examples/pair/a.yaml on http://127.0.0.1:7701.
// Prepares the demo's spool directory and stamp, then runs the agent in the foreground.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
process.chdir(root);
mkdirSync("var/demo/a/spool", { recursive: true });
if (!existsSync("var/demo/a/spool/.tandem-stamp")) {
  const child = spawn(
    process.execPath,
    ["bin/tandem.js", "stamp", "create", "var/demo/a/spool/.tandem-stamp"],
    {
      stdio: "ignore",
    },
  );
  await new Promise((resolve) => child.on("exit", resolve));
}
writeFileSync("var/demo/README", "Scratch space of `npm start`; safe to delete.\n");

process.stderr.write(
  [
    'Tandem demo: node "a" on http://127.0.0.1:7701',
    "  in another terminal:  npx tandem status --url http://127.0.0.1:7701",
    "  fail a critical probe: touch var/demo/a/maintenance   (rm it to recover)",
    "  stop: Ctrl-C",
    "",
  ].join("\n"),
);
const agent = spawn(
  process.execPath,
  ["bin/tandem.js", "agent", "--config", "examples/pair/a.yaml"],
  {
    stdio: "inherit",
  },
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => agent.kill(signal));
agent.on("exit", (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
