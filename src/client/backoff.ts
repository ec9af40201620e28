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
  const { initial, max, factor, jitter } = settings(options);
  const full = Math.min(max, initial * factor ** Math.max(0, attempt));
  return Math.round(full * (1 - jitter * random()));
}

/** The options with their defaults filled in, jitter clamped to 0–1. */
function settings(options: BackoffOptions) {
  return {
    initial: options.initialMs ?? 250,
    max: options.maxMs ?? 10_000,
    factor: options.factor ?? 2,
    jitter: Math.min(1, Math.max(0, options.jitter ?? 0.5)),
  };
}

/**
 * Longest first retry, in ms, after an open stream breaks while the client still has another
 * server's stream (and `maxMs` allows it).
 */
export const SPREAD_RETRY_MS = 3000;

/**
 * The delay before the first retry after an open stream broke while another server's stream
 * stays open: drawn evenly from the shortest first delay up to {@link SPREAD_RETRY_MS} (or
 * `maxMs`, when shorter). When a node dies, every client of the pair loses its stream to it in
 * the same instant; the other stream still tells each one which node serves, so nothing is
 * lost by coming back later, and spreading the retries keeps the clients' machines (and the
 * node, when it restarts) from handling all of them at once, just as the other node takes over.
 *
 * @example
 * ```ts
 * spreadRetryDelay({}, () => 0); // 125
 * spreadRetryDelay({ initialMs: 100, maxMs: 500 }, () => 1); // 500
 * ```
 */
export function spreadRetryDelay(
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const { initial, max, jitter } = settings(options);
  const low = Math.min(max, initial) * (1 - jitter);
  const high = Math.min(max, Math.max(initial, SPREAD_RETRY_MS));
  return Math.round(low + (high - low) * random());
}
