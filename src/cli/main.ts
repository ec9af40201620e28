/**
 * The `tandem` command line.
 */
import { Command, CommanderError } from "commander";
import { isTandemError } from "../errors.js";
import { VERSION } from "../version.js";
import { registerAgent } from "./commands/agent.js";
import { registerBundle } from "./commands/bundle.js";
import { registerCheck } from "./commands/check.js";
import { registerClients } from "./commands/clients.js";
import { registerConfig } from "./commands/config.js";
import { registerDelay } from "./commands/delay.js";
import { registerDoctor } from "./commands/doctor.js";
import { registerInit } from "./commands/init.js";
import { registerLog } from "./commands/log.js";
import { registerOperatorCommands } from "./commands/operator.js";
import { registerOperatorAccount } from "./commands/operator-account.js";
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
  registerOperatorAccount(program);
  registerRecover(program);
  registerClients(program);
  registerLog(program);
  registerConfig(program);
  registerStamp(program);
  registerDelay(program);
  registerQload(program);
  registerReport(program);
  registerVersion(program);
  registerInit(program);
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
  endQuietlyOnClosedPipe();
  const json = wantsJson(argv);
  try {
    await buildProgram().parseAsync([...argv]);
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit with 0; every other commander error is a usage error.
      if (err.exitCode === 0) return 0;
      if (json) writeJsonError("TANDEM_ERR_USAGE", err.message.replace(/^error: /, ""));
      return 2;
    }
    if (isTandemError(err)) {
      if (json) writeJsonError(err.code, err.message, err.details);
      process.stderr.write(`tandem: ${err.message}\n`);
      return err.exitCode;
    }
    if (json) writeJsonError("TANDEM_ERR_INTERNAL", (err as Error).message ?? String(err));
    process.stderr.write(`tandem: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}

/** Whether the command line asks for JSON (`--json` before any `--`). */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).includes("--json");
}

/**
 * The JSON error object every `--json` command prints on failure, on standard output where a
 * script reads the answer: `{ "error": { "code", "message", "details"? } }`.
 */
function writeJsonError(code: string, message: string, details?: unknown): void {
  const error = details === undefined ? { code, message } : { code, message, details };
  process.stdout.write(`${JSON.stringify({ error }, null, 2)}\n`);
}

let pipeGuarded = false;

/**
 * `tandem log --follow | head` closes the pipe under us: end quietly (as `cat` does) instead
 * of dying with an unhandled EPIPE error event.
 */
function endQuietlyOnClosedPipe(): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE") process.exit(Number(process.exitCode ?? 0));
      throw err;
    });
  }
}
