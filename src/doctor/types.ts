/**
 * The shape every doctor check returns, and how a list of them becomes an exit code.
 */

/** How one check came out: `ok`, `warn` (works, but fix it), `fail` (the pair is at risk). */
export type CheckStatus = "ok" | "warn" | "fail";

/**
 * One line of `tandem doctor`.
 *
 * @example
 * ```ts
 * const c: DoctorCheck = {
 *   id: "a/state-dir", status: "fail",
 *   message: 'state dir "/var/lib/tandem" is not writable: permission denied',
 *   fix: "chown tandem: /var/lib/tandem",
 * };
 * ```
 */
export interface DoctorCheck {
  /** `NODE/CHECK` for a node's own checks, `pair/CHECK` for checks across both. */
  id: string;
  status: CheckStatus;
  message: string;
  /** What to do about it; empty when the check is OK. */
  fix: string;
}

const RANK: Record<CheckStatus, number> = { ok: 0, warn: 1, fail: 2 };

/**
 * The worst status of a list (`ok` for an empty list).
 *
 * @example
 * ```ts
 * worstStatus([ok, warn]); // "warn"
 * ```
 */
export function worstStatus(checks: readonly DoctorCheck[]): CheckStatus {
  let worst: CheckStatus = "ok";
  for (const c of checks) if (RANK[c.status] > RANK[worst]) worst = c.status;
  return worst;
}

/**
 * The doctor's exit code: 0 all OK, 1 at least one WARN, 2 at least one FAIL.
 *
 * @example
 * ```ts
 * doctorExitCode([{ id: "pair/clock", status: "warn", message: "skew 1.2 s", fix: "run NTP" }]); // 1
 * ```
 */
export function doctorExitCode(checks: readonly DoctorCheck[]): 0 | 1 | 2 {
  return RANK[worstStatus(checks)] as 0 | 1 | 2;
}

/**
 * Builds a check; `fix` is dropped for an OK one.
 *
 * @example
 * ```ts
 * check("a/hooks", "ok", "2 hooks, all executable");
 * ```
 */
export function check(id: string, status: CheckStatus, message: string, fix = ""): DoctorCheck {
  return { id, status, message, fix: status === "ok" ? "" : fix };
}
