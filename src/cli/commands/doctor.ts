/**
 * `tandem doctor`: checks this node and its pair, one line per check with a fix.
 */
import type { Command } from "commander";
import { loadConfig } from "../../config/index.js";
import { doctorExitCode, renderChecks, runDoctor, worstStatus } from "../../doctor/index.js";
import { UsageError } from "../../errors.js";
import { palette } from "../colors.js";
import { DEFAULT_CONFIG_PATH } from "../pair-config.js";

interface DoctorOptions {
  config?: string;
  json?: boolean;
  timeout: string;
}

/** Registers `tandem doctor`. */
export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description(
      "Check this node and its pair: config, clocks, ports, secret, state dir, hooks, timers",
    )
    .option(
      "-c, --config <file>",
      `this node's configuration; default $TANDEM_CONFIG or ${DEFAULT_CONFIG_PATH}`,
    )
    .option("--json", "print the checks as JSON")
    .option("--timeout <ms>", "how long to wait for each agent", "8000")
    .addHelpText(
      "after",
      "\nRun it on either node: the peer's agent runs its own checks and tries this node's ports.\nExit codes: 0 every check OK, 1 a WARN, 2 a FAIL (or bad usage or config).",
    )
    .action(async (opts: DoctorOptions) => {
      process.exitCode = await doctorCommand(opts);
    });
}

async function doctorCommand(opts: DoctorOptions): Promise<number> {
  const timeoutMs = Number(opts.timeout);
  if (!(timeoutMs > 0)) {
    throw new UsageError(`--timeout "${opts.timeout}" must be a number of milliseconds above 0`);
  }
  const path = opts.config ?? process.env.TANDEM_CONFIG ?? DEFAULT_CONFIG_PATH;
  const { config } = await loadConfig(path);
  const checks = await runDoctor(config, { timeoutMs });
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify({ node: config.node.name, status: worstStatus(checks), checks }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(
      renderChecks(config.node.name, checks, palette(process.stdout.isTTY === true)),
    );
  }
  return doctorExitCode(checks);
}
