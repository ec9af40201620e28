/**
 * Login rate limit: at most `limit` failed logins per client address in a sliding minute.
 */

/**
 * Counts failures per address.
 *
 * @example
 * ```ts
 * const limiter = new LoginLimiter(5);
 * limiter.fail("10.0.0.5");
 * limiter.retryAfter("10.0.0.5"); // 0 until the fifth failure, then seconds to wait
 * ```
 */
export class LoginLimiter {
  readonly #failures = new Map<string, number[]>();
  readonly #limit: number;
  readonly #windowMs: number;

  constructor(limit: number, windowMs = 60_000) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /** Seconds this address must wait before trying again; 0 when it may try now. */
  retryAfter(address: string, now = Date.now()): number {
    const recent = this.#recent(address, now);
    if (recent.length < this.#limit) return 0;
    const oldest = recent[recent.length - this.#limit] as number;
    return Math.max(1, Math.ceil((oldest + this.#windowMs - now) / 1000));
  }

  /** Records a failed login from `address`. */
  fail(address: string, now = Date.now()): void {
    const recent = this.#recent(address, now);
    recent.push(now);
    this.#failures.set(address, recent);
    if (this.#failures.size > 10_000) {
      for (const [a, times] of this.#failures) {
        if ((times.at(-1) ?? 0) <= now - this.#windowMs) this.#failures.delete(a);
      }
    }
  }

  /** Forgets the failures of an address that logged in. */
  succeed(address: string): void {
    this.#failures.delete(address);
  }

  #recent(address: string, now: number): number[] {
    return (this.#failures.get(address) ?? []).filter((t) => t > now - this.#windowMs);
  }
}
