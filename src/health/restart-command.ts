/**
 * Running a probe's restart command the way hooks run commands (own process group, killed
 * whole at its timeout), with no shell for a plain command line.
 */
import type { HookOutcome } from "../hooks/index.js";
import { runCommandHook } from "../hooks/run-command.js";

/** Words made only of these characters need no shell to mean what they say. */
const PLAIN_COMMAND = /^[\w./:=@%+,-]+( +[\w./:=@%+,-]+)*$/;

/**
 * What to execute: a list as is, a plain string split on spaces, any other string (quotes,
 * `$`, `&`, `|`, redirections…) for `/bin/sh -c`.
 *
 * @example
 * ```ts
 * restartArgv("systemctl restart asterisk"); // ["systemctl", "restart", "asterisk"]
 * restartArgv("asterisk -rx 'core restart now'"); // the same string, run by /bin/sh -c
 * ```
 */
export function restartArgv(command: string | string[]): string | string[] {
  if (typeof command !== "string") return command;
  const trimmed = command.trim();
  return PLAIN_COMMAND.test(trimmed) ? trimmed.split(/ +/) : command;
}

/**
 * Runs a restart command with `TANDEM_PROBE`, `TANDEM_REASON` and `TANDEM_ATTEMPT` (0 for a
 * scheduled restart) in its environment. Never rejects.
 *
 * @example
 * ```ts
 * const outcome = await runRestartCommand({ command: "systemctl restart asterisk", timeout: 30_000 },
 *   { probe: "pbx", reason: "down: connection refused", attempt: 1 });
 * outcome.ok; // true when it exited 0
 * ```
 */
export function runRestartCommand(
  restart: { command: string | string[]; timeout: number },
  context: { probe: string; reason: string; attempt: number },
  signal?: AbortSignal,
): Promise<HookOutcome> {
  return runCommandHook(
    { command: restartArgv(restart.command), timeout: restart.timeout },
    {
      TANDEM_PROBE: context.probe,
      TANDEM_REASON: context.reason,
      TANDEM_ATTEMPT: String(context.attempt),
    },
    signal,
  );
}
