/**
 * What running one hook came to, in a form the agent logs as is.
 *
 * @example
 * ```ts
 * const o: HookOutcome = { hook: "/etc/tandem/vip-up", ok: false, exitCode: 1, durationMs: 42,
 *   output: "RTNETLINK answers: File exists\n", error: "exit code 1" };
 * ```
 */
export interface HookOutcome {
  /** A short description: the command, or the method and URL without query or credentials. */
  hook: string;
  /** Exit code 0, or a 2xx answer. */
  ok: boolean;
  /** The command's exit code, when it exited by itself. */
  exitCode?: number;
  /** The webhook's HTTP status, when it answered. */
  status?: number;
  durationMs: number;
  /** The command's standard output and error (each capped), or the start of the webhook's answer. */
  output: string;
  /** Why the hook is not ok: `exit code 2`, `timed out after 10000 ms; killed process group 4242`… */
  error?: string;
}
