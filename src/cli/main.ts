/**
 * The `tandem` command line.
 */
import { Command, CommanderError } from "commander";
import { isTandemError } from "../errors.js";
import { VERSION } from "../version.js";
import { registerAgent } from "./commands/agent.js";
import { registerBundle } from "./commands/bundle.js";
import { registerCheck } from "./commands/check.js";
import { registerConfig } from "./commands/config.js";
import { registerDelay } from "./commands/delay.js";
import { registerDoctor } from "./commands/doctor.js";
import { registerLog } from "./commands/log.js";
import { registerOperatorCommands } from "./commands/operator.js";
import { registerQload } from "./commands/qload.js";
import { registerRecover } from "./commands/recover.js";
import { registerReport } from "./commands/report.js";
import { registerStamp } from "./commands/stamp.js";
import { registerStatus } from "./commands/status.js";
import { registerVersion } from "./commands/version.js";

/** Builds the program with every command registered. */
export function buildProgram(): Command {
  const program = new Command("tandem")
    .description("High availability for contact-center and attendant-console telephony")
    .version(VERSION, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  registerAgent(program);
  registerStatus(program);
  registerOperatorCommands(program);
  registerRecover(program);
  registerLog(program);
  registerConfig(program);
  registerStamp(program);
  registerDelay(program);
  registerQload(program);
  registerReport(program);
  registerVersion(program);
  registerDoctor(program);
  registerCheck(program);
  registerBundle(program);
  for (const command of program.commands) applyExitOverride(command);
  return program;
}

function applyExitOverride(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) applyExitOverride(sub);
}

/**
 * Runs the CLI and resolves with the exit code: 0 success, 1 runtime failure (or not healthy
 * for `status`), 2 bad usage or config, 3 agent unreachable, 4 a listener could not bind.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv);
 * ```
 */
export async function main(argv: readonly string[]): Promise<number> {
  process.exitCode = 0;
  try {
    await buildProgram().parseAsync([...argv]);
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit with 0; every other commander error is a usage error.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (isTandemError(err)) {
      process.stderr.write(`tandem: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`tandem: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}
