/**
 * The `ordered` policy, for resources that are not pair members (media servers, directory
 * servers): each entry has a health URL, checked in turn; the entry to use is the first
 * healthy one in list order. A check that errs or gets no answer in time counts as unhealthy.
 */

/** One entry of an ordered list. */
export interface OrderedServer {
  /** What the application uses (returned as `current`). */
  url: string;
  /** Answers 2xx while the entry is healthy. @default url */
  health?: string;
}

/** The health of each entry: `null` while unknown. */
export type Healths = ReadonlyArray<boolean | null>;

/**
 * The first healthy entry in list order, as long as no entry before it is still unknown.
 *
 * @example
 * ```ts
 * firstHealthy([{ url: "a" }, { url: "b" }], [false, true]); // "b"
 * ```
 */
export function firstHealthy(
  servers: readonly OrderedServer[],
  healths: Healths,
): string | null | undefined {
  for (const [i, s] of servers.entries()) {
    const h = healths[i];
    if (h === null || h === undefined) return undefined;
    if (h) return s.url;
  }
  return null;
}

/** Checks `url` once: true on a 2xx within `timeoutMs`. */
export async function checkHealth(
  url: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<boolean> {
  try {
    const res = await fetch(url, {
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}
