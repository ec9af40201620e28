/**
 * The replay guard: every nonce accepted within the timestamp window is remembered until a
 * request carrying it would be refused for its timestamp anyway, so a captured request can never
 * be played back. Memory is bounded: at the cap the cache refuses new requests instead of
 * forgetting unexpired nonces, because forgetting one would reopen the replay it guards against.
 */

/**
 * Options of {@link NonceCache}.
 *
 * @example
 * ```ts
 * const o: NonceCacheOptions = { windowMs: 30_000, capacity: 10_000 };
 * ```
 */
export interface NonceCacheOptions {
  /** How far a request's timestamp may be from this node's clock, in ms. @default 30000 */
  windowMs?: number;
  /** Most nonces remembered at once. @default 10000 */
  capacity?: number;
}

/**
 * What {@link NonceCache.remember} decided.
 *
 * @example
 * ```ts
 * const v: NonceVerdict = nonces.remember(nonce, timestampMs, Date.now()); // "replayed"
 * ```
 */
export type NonceVerdict = "fresh" | "replayed" | "full";

/**
 * Remembers the nonces of accepted requests for as long as their timestamps are in the window.
 *
 * @example
 * ```ts
 * const nonces = new NonceCache({ windowMs: 30_000, capacity: 10_000 });
 * nonces.remember("9f86d081884c7d659a2feaa0c55ad015", Date.now(), Date.now()); // "fresh"
 * nonces.remember("9f86d081884c7d659a2feaa0c55ad015", Date.now(), Date.now()); // "replayed"
 * ```
 */
export class NonceCache {
  readonly windowMs: number;
  readonly capacity: number;
  /** Nonce → wall-clock ms after which its request is outside the window. */
  readonly #expiries = new Map<string, number>();

  constructor(options: NonceCacheOptions = {}) {
    this.windowMs = options.windowMs ?? 30_000;
    this.capacity = options.capacity ?? 10_000;
  }

  /** Nonces currently remembered. */
  get size(): number {
    return this.#expiries.size;
  }

  /**
   * Records `nonce` of a request stamped `timestampMs` (already checked to be in the window)
   * unless it was seen before or the cache is full of unexpired nonces.
   */
  remember(nonce: string, timestampMs: number, nowMs: number): NonceVerdict {
    this.#dropExpiredFromFront(nowMs);
    if (this.#expiries.has(nonce)) return "replayed";
    if (this.#expiries.size >= this.capacity) {
      this.#sweep(nowMs);
      if (this.#expiries.size >= this.capacity) return "full";
    }
    this.#expiries.set(nonce, timestampMs + this.windowMs);
    return "fresh";
  }

  /**
   * Peers stamp requests in order, so expiries mostly grow with insertion order: dropping from
   * the front keeps the common case O(1) amortised. Skewed stragglers wait for {@link #sweep}.
   */
  #dropExpiredFromFront(nowMs: number): void {
    for (const [nonce, expiresAt] of this.#expiries) {
      if (expiresAt >= nowMs) return;
      this.#expiries.delete(nonce);
    }
  }

  #sweep(nowMs: number): void {
    for (const [nonce, expiresAt] of this.#expiries) {
      if (expiresAt < nowMs) this.#expiries.delete(nonce);
    }
  }
}
