/**
 * Time-zone offsets over a span of time, exact to the second, for reports that bucket by local
 * time: the offset of a zone is constant between its transitions (daylight saving, changes of
 * law), so a span splits into a few segments, each with one offset.
 */

/** The zone reports use when none is given: the machine's, or `TZ`. */
export function defaultTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * True when `zone` is an IANA time-zone name this runtime knows (`Asia/Kolkata`, `UTC`).
 *
 * @example
 * ```ts
 * isTimeZone("Asia/Kathmandu"); // true
 * isTimeZone("Mars/Olympus");   // false
 * ```
 */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** From `start` (Unix seconds) on, local time is UTC + `offset` seconds. */
export interface ZoneSegment {
  start: number;
  offset: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The offset from UTC, in seconds, of `zone` at Unix second `t` (`+19800` for Asia/Kolkata).
 * Read from the wall-clock fields the runtime's zone data gives, so offsets that are not whole
 * hours or minutes come out exact.
 */
export function offsetAt(zone: string, t: number): number {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, f);
  }
  // Queue logs are stamped in Unix seconds, so every year here is after 1970 (no eras).
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(t * 1000)) {
    if (part.type !== "literal") p[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    p.year ?? 1970,
    (p.month ?? 1) - 1,
    p.day ?? 1,
    p.hour ?? 0,
    p.minute ?? 0,
    p.second ?? 0,
  );
  return wall / 1000 - t;
}

/** How far apart the offset is sampled; zones never change offset twice within this. */
const PROBE_SECONDS = 6 * 3600;

/**
 * The offset segments of `zone` covering [`from`, `to`] (Unix seconds): the first starts at
 * `from`, each later one at a transition, found to the second.
 *
 * @example
 * ```ts
 * // Europe/Berlin around the 2023 spring change (01:00 UTC on 26 March):
 * zoneSegments("Europe/Berlin", 1679788800, 1679799600);
 * // [{ start: 1679788800, offset: 3600 }, { start: 1679792400, offset: 7200 }]
 * ```
 */
export function zoneSegments(zone: string, from: number, to: number): ZoneSegment[] {
  const out: ZoneSegment[] = [{ start: from, offset: offsetAt(zone, from) }];
  let t = from;
  let cur = out[0]?.offset ?? 0;
  while (t < to) {
    const next = Math.min(t + PROBE_SECONDS, to);
    const o = offsetAt(zone, next);
    if (o !== cur) {
      // The change lies in (t, next]: find its first second.
      let lo = t;
      let hi = next;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetAt(zone, mid) === cur) lo = mid;
        else hi = mid;
      }
      out.push({ start: hi, offset: o });
      cur = o;
    }
    t = next;
  }
  return out;
}

/**
 * Unix seconds as `YYYY-MM-DD HH:MM:SS±hh:mm`, read on the wall clock of `timeZone` (with `T`
 * instead of the space when `iso`: ISO 8601 with the offset).
 *
 * @example
 * ```ts
 * formatTime(1700000000, "Europe/Paris");       // "2023-11-14 23:13:20+01:00"
 * formatTime(1700000000, "Asia/Kolkata", true); // "2023-11-15T03:43:20+05:30"
 * ```
 */
export function formatTime(t: number, timeZone: string, iso = false): string {
  const off = Math.round(offsetAt(timeZone, t) / 60);
  const wall = new Date((t + off * 60) * 1000).toISOString();
  const sign = off < 0 ? "-" : "+";
  const a = Math.abs(off);
  const zone = `${sign}${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
  return `${wall.slice(0, 10)}${iso ? "T" : " "}${wall.slice(11, 19)}${zone}`;
}
