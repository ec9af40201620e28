/**
 * Refusals (a stream over its limit, a connection over `api.maxConnections`) come in bursts
 * of thousands when many clients reconnect at once: one log line per refusal would flood the
 * log, and none would leave an operator guessing why clients cannot connect.
 */

/**
 * Counts refusals and calls `report(count)` at once for the first, then at most once per
 * `intervalMs` with how many came since the last report.
 *
 * @example
 * ```ts
 * const refused = refusalCounter((n) => log.warn(`refused ${n} event streams`), 10_000);
 * refused(); // logs "refused 1 event streams" now; later ones are summed
 * ```
 */
export function refusalCounter(report: (count: number) => void, intervalMs = 10_000): () => void {
  let pending = 0;
  let last = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = (): void => {
    timer = null;
    if (pending === 0) return;
    last = Date.now();
    const count = pending;
    pending = 0;
    report(count);
  };
  return () => {
    pending++;
    const wait = last + intervalMs - Date.now();
    if (wait <= 0) flush();
    else if (timer === null) {
      timer = setTimeout(flush, wait);
      // A pending summary must not keep a stopping process alive.
      timer.unref();
    }
  };
}
