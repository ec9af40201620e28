/**
 * The contract between a probe kind and the scheduler that runs it.
 *
 * A checker performs one check of one resource. It never enforces its own timeout: the
 * scheduler races every check against the probe's `timeout` and aborts `signal` when it
 * expires, so a checker only has to stop work and release resources when aborted.
 */

/** Outcome of one check: `ok`, `warn` (counts as up, reported), or `fail`. */
export type CheckStatus = "ok" | "warn" | "fail";

/** What one check found. */
export interface CheckResult {
  /** `ok` and `warn` count as success for fall/rise; `fail` counts as a failure. */
  status: CheckStatus;
  /** One line for people: the error on failure, a short reading on success. */
  message: string;
}

/** Runs checks of one configured probe. */
export interface ProbeChecker {
  /** Performs one check. Must settle soon after `signal` aborts; must not throw. */
  check(signal: AbortSignal): Promise<CheckResult>;
  /** Releases long-lived resources (child processes, pools). Idempotent. */
  close(): Promise<void>;
}

/** What a checker may know about where it runs. */
export interface CheckerContext {
  /** The probe's name from the config. */
  probeName: string;
  /** This machine's host name (used for per-host test files). */
  hostname: string;
  /** The probe's timeout in milliseconds (for drivers that take their own timeouts). */
  timeoutMs: number;
}
