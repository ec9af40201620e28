/**
 * Fall/rise counting for one probe: a pure function of the previous state, one check result
 * and the time. No timers, no I/O — the scheduler feeds it and acts on the transitions.
 */
import type { CheckStatus } from "../probes/types.js";

/** Where a probe stands: no verdict yet, up, or down. */
export type ProbeState = "pending" | "up" | "down";

/** One finished check as the scheduler saw it. */
export interface CheckObservation {
  status: CheckStatus;
  message: string;
  /** How long the check took, in milliseconds. */
  durationMs: number;
}

/** The fall/rise thresholds of a probe. */
export interface FallRise {
  /** Consecutive failures that mark an up (or pending) probe down. */
  fall: number;
  /** Consecutive successes that mark a down probe up. */
  rise: number;
}

/** Everything known about one probe, as shown by `tandem status`. */
export interface ProbeRecord {
  state: ProbeState;
  /** Successes in a row (a `warn` counts as a success). */
  consecutiveOk: number;
  /** Failures in a row. */
  consecutiveFail: number;
  /** The last check, or null before the first one. */
  last: (CheckObservation & { at: number }) | null;
  /** When `state` last changed (ms since the epoch), or null while pending. */
  since: number | null;
  /** Error of the first failure of the current (or last) failing streak. */
  firstError: string | null;
  /** Total checks and failed checks since the agent started. */
  checks: number;
  failures: number;
}

/** A state change worth one log line. */
export type ProbeTransition =
  | { type: "up"; from: ProbeState; at: number; outageMs: number | null }
  | { type: "down"; from: ProbeState; at: number; error: string; failedChecks: number };

/** The record of a probe that has not been checked yet. */
export function initialProbeRecord(): ProbeRecord {
  return {
    state: "pending",
    consecutiveOk: 0,
    consecutiveFail: 0,
    last: null,
    since: null,
    firstError: null,
    checks: 0,
    failures: 0,
  };
}

/**
 * Applies one check result. A pending probe goes up on its first success (there is no
 * history to flap against) and down after `fall` failures; afterwards an up probe needs
 * `fall` failures in a row to go down and a down probe `rise` successes in a row to come back.
 *
 * @example
 * ```ts
 * let r = initialProbeRecord();
 * ({ record: r } = observeCheck(r, { status: "ok", message: "", durationMs: 2 }, 1000, { fall: 2, rise: 2 }));
 * r.state; // "up"
 * ```
 */
export function observeCheck(
  prev: ProbeRecord,
  check: CheckObservation,
  now: number,
  limits: FallRise,
): { record: ProbeRecord; transition: ProbeTransition | null } {
  const ok = check.status !== "fail";
  const consecutiveOk = ok ? prev.consecutiveOk + 1 : 0;
  const consecutiveFail = ok ? 0 : prev.consecutiveFail + 1;
  const firstError = !ok && prev.consecutiveFail === 0 ? check.message : prev.firstError;
  const record: ProbeRecord = {
    ...prev,
    consecutiveOk,
    consecutiveFail,
    firstError,
    last: { ...check, at: now },
    checks: prev.checks + 1,
    failures: prev.failures + (ok ? 0 : 1),
  };

  const goesUp =
    ok &&
    ((prev.state === "pending" && consecutiveOk >= 1) ||
      (prev.state === "down" && consecutiveOk >= limits.rise));
  if (goesUp) {
    const outageMs = prev.state === "down" && prev.since !== null ? now - prev.since : null;
    return {
      record: { ...record, state: "up", since: now },
      transition: { type: "up", from: prev.state, at: now, outageMs },
    };
  }
  if (!ok && prev.state !== "down" && consecutiveFail >= limits.fall) {
    return {
      record: { ...record, state: "down", since: now },
      transition: {
        type: "down",
        from: prev.state,
        at: now,
        error: firstError ?? check.message,
        failedChecks: consecutiveFail,
      },
    };
  }
  return { record, transition: null };
}
