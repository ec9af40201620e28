/**
 * Running a command hook in its own process group, so a timeout or shutdown kills everything
 * the hook started (a `sleep`, an `ip` call stuck on a dead interface), not just its shell.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { describeHook } from "./describe.js";
import type { HookOutcome } from "./outcome.js";
import { captureOutput } from "./output.js";

/** Bytes kept of each output stream: enough for any useful message, small enough for a log line. */
const OUTPUT_LIMIT = 16_384;
/**
 * After the command exits, how long to wait for its output pipes to close. A background
 * process it left running on purpose may hold them open forever.
 */
const DRAIN_MS = 100;

/** A command hook as {@link runCommandHook} needs it. */
export interface CommandHook {
  command: string | string[];
  cwd?: string | undefined;
  timeout: number;
}

/**
 * Runs `hook.command` (a string with `/bin/sh -c`, a list directly) with `env` added to the
 * agent's environment. At `hook.timeout` or on `signal` its whole process group is killed.
 * Never rejects: a command that cannot start is an outcome too.
 *
 * @example
 * ```ts
 * await runCommandHook({ command: "ip addr add 10.0.0.5/24 dev eth0", timeout: 5000 }, { TANDEM_TO: "ACTIVE" });
 * // { hook: "ip addr add 10.0.0.5/24 dev eth0", ok: true, exitCode: 0, durationMs: 12, output: "" }
 * ```
 */
export function runCommandHook(
  hook: CommandHook,
  env: Record<string, string>,
  signal?: AbortSignal,
): Promise<HookOutcome> {
  const [file = "", ...args] =
    typeof hook.command === "string" ? ["/bin/sh", "-c", hook.command] : hook.command;
  const started = performance.now();
  const outcome = (fields: Omit<HookOutcome, "hook" | "durationMs">): HookOutcome => ({
    hook: describeHook(hook),
    durationMs: Math.round(performance.now() - started),
    ...fields,
  });

  return new Promise((resolve) => {
    const child = spawn(file, args, {
      env: { ...process.env, ...env },
      cwd: hook.cwd,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output = captureOutput(child, OUTPUT_LIMIT);
    let stoppedBy: string | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    const stop = (why: string): void => {
      stoppedBy ??= `${why}; killed process group ${child.pid ?? "?"}`;
      killGroup(child);
    };
    const onAbort = (): void => stop("aborted");
    const timer = setTimeout(() => stop(`timed out after ${hook.timeout} ms`), hook.timeout);
    signal?.addEventListener("abort", onAbort, { once: true });

    let settled = false;
    const finish = (fields: Omit<HookOutcome, "hook" | "durationMs" | "output">): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(drainTimer);
      signal?.removeEventListener("abort", onAbort);
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve(outcome({ ...fields, output: output() }));
    };
    child.on("error", (err) =>
      finish({ ok: false, error: `cannot run ${JSON.stringify(file)}: ${err.message}` }),
    );
    child.on("exit", (code, killedBy) => {
      // The hook ended by itself: what it left running in the background is not timed out.
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      const judge = (): void => {
        if (stoppedBy !== undefined) finish({ ok: false, error: stoppedBy });
        else if (code === 0) finish({ ok: true, exitCode: 0 });
        else if (code !== null) finish({ ok: false, exitCode: code, error: `exit code ${code}` });
        else finish({ ok: false, error: `killed by ${killedBy}` });
      };
      drainTimer = setTimeout(judge, DRAIN_MS);
      child.on("close", judge);
    });
    if (signal?.aborted) onAbort();
  });
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
