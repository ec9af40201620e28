/**
 * The `command` probe: runs a check command with the exit-code convention of Nagios and the
 * Monitoring Plugins, so any existing plugin (`check_disk`, `check_sip`…) can be used as is.
 */
import { type ChildProcess, spawn } from "node:child_process";
import type { ProbeConfig } from "../config/schema.js";
import { describeError, fail, settle } from "./result.js";
import type { CheckerContext, CheckResult, CheckStatus, ProbeChecker } from "./types.js";

/** The config of a `command` probe. */
export type CommandProbeConfig = Extract<ProbeConfig, { kind: "command" }>;

/** Output kept per stream; a plugin's first line is all the message needs. */
const OUTPUT_LIMIT = 65_536;
/** Longest plugin line kept in the message. */
const LINE_LIMIT = 200;
/**
 * After the command exits, how long to wait for its output pipes to close. A background
 * process it left behind may hold them open forever.
 */
const DRAIN_MS = 100;

/** The plugin states by exit code. */
const STATES: Record<number, { word: string; status: CheckStatus }> = {
  0: { word: "OK", status: "ok" },
  1: { word: "WARNING", status: "warn" },
  2: { word: "CRITICAL", status: "fail" },
  3: { word: "UNKNOWN", status: "fail" },
};

/**
 * Creates the checker of a `command` probe. Exit 0 is `ok`, 1 `warn`, 2 (CRITICAL) and 3
 * (UNKNOWN) `fail`, and so is any other code, a signal or a command that cannot start. The
 * message is the state word and the first line of standard output (else standard error),
 * without performance data (after `|`), at most 200 characters.
 *
 * A string runs with `/bin/sh -c`, a list directly. The command gets its own process group,
 * and an aborted check kills that whole group, so nothing it started outlives the check.
 *
 * @example
 * ```ts
 * const checker = createCommandChecker({ kind: "command", command: ["/usr/lib/nagios/plugins/check_disk", "-w", "10%", "-c", "5%", "-p", "/"] }, ctx);
 * await checker.check(signal); // { status: "fail", message: "CRITICAL: DISK CRITICAL - free space: / 812 MB (4%)" }
 * ```
 */
export function createCommandChecker(
  config: CommandProbeConfig,
  _ctx: CheckerContext,
): ProbeChecker {
  const [file, ...args] =
    typeof config.command === "string" ? ["/bin/sh", "-c", config.command] : config.command;
  const env = { ...process.env, ...config.env };
  return {
    check: (signal) => settle(signal, () => runOnce(file ?? "", args, env, config.cwd, signal)),
    close: async () => {},
  };
}

function runOnce(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string | undefined,
  signal: AbortSignal,
): Promise<CheckResult> {
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      env,
      cwd,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stdout = capture(child, "stdout");
    const stderr = capture(child, "stderr");
    let drainTimer: NodeJS.Timeout | undefined;
    const finish = (result: CheckResult): void => {
      signal.removeEventListener("abort", stop);
      clearTimeout(drainTimer);
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve(result);
    };
    const stop = (): void => {
      killGroup(child);
      finish(fail(`aborted; killed process group ${child.pid ?? "?"}`));
    };
    signal.addEventListener("abort", stop, { once: true });
    child.on("error", (err) =>
      finish(fail(`cannot run ${JSON.stringify(file)}: ${describeError(err)}`)),
    );
    child.on("exit", (code, killedBy) => {
      const judge = (): void => finish(interpret(code, killedBy, stdout(), stderr()));
      drainTimer = setTimeout(judge, DRAIN_MS);
      child.on("close", judge);
    });
  });
}

/** Collects up to OUTPUT_LIMIT bytes of a stream, draining the rest so the command never blocks. */
function capture(child: ChildProcess, name: "stdout" | "stderr"): () => string {
  const chunks: Buffer[] = [];
  let size = 0;
  child[name]?.on("data", (chunk: Buffer) => {
    if (size >= OUTPUT_LIMIT) return;
    chunks.push(chunk);
    size += chunk.length;
  });
  return () => Buffer.concat(chunks).subarray(0, OUTPUT_LIMIT).toString("utf8");
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    // Negative pid: the whole group, which `detached` made the child lead.
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // ESRCH: the group is already gone.
  }
}

function interpret(
  code: number | null,
  killedBy: NodeJS.Signals | null,
  stdout: string,
  stderr: string,
): CheckResult {
  const line = firstLine(stdout) || firstLine(stderr);
  if (killedBy !== null) return fail(`killed by ${killedBy}${line ? `: ${line}` : ""}`);
  const state = code === null ? undefined : STATES[code];
  if (state === undefined) return fail(`exit code ${code}${line ? `: ${line}` : ""}`);
  return { status: state.status, message: line ? `${state.word}: ${line}` : state.word };
}

function firstLine(output: string): string {
  const first = output.trimStart().split("\n", 1)[0] ?? "";
  const text = first.split("|", 1)[0]?.trim() ?? "";
  return text.slice(0, LINE_LIMIT);
}
