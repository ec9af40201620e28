/**
 * Reconnect delays: exponential, capped, with random jitter so that thousands of clients that
 * lost the same server do not all come back in the same millisecond.
 */

/** Options of {@link backoffDelay}. */
export interface BackoffOptions {
  /** Delay before the first retry, in ms. @default 250 */
  initialMs?: number;
  /** Longest delay, in ms. @default 10000 */
  maxMs?: number;
  /** Growth per failed attempt. @default 2 */
  factor?: number;
  /** Share of the delay drawn at random (0 none, 1 anywhere from 0 to the delay). @default 0.5 */
  jitter?: number;
}

/**
 * The delay before retry number `attempt` (0 for the first retry).
 *
 * @example
 * ```ts
 * backoffDelay(3, { initialMs: 100, jitter: 0 }); // 800
 * ```
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const initial = options.initialMs ?? 250;
  const max = options.maxMs ?? 10_000;
  const factor = options.factor ?? 2;
  const jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
  const full = Math.min(max, initial * factor ** Math.max(0, attempt));
  return Math.round(full * (1 - jitter * random()));
}
