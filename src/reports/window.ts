/**
 * The report window from `--from` and `--to`, read on the wall clock of the report's time zone
 * (`--tz`): a bare date is that day's first second there, and a bare date as `--to` is the
 * first second of the next day, so `--from D --to D` is the whole day D — 23 or 25 hours long
 * on a daylight-saving change.
 */
import { UsageError } from "../errors.js";
import { offsetAt } from "./zone.js";

/** A window in Unix seconds; either end may be open. */
export interface Window {
  from?: number;
  to?: number;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The Unix second at which the wall clock of `zone` shows `wall` (the local date and time
 * written as if it were UTC, in seconds). A time shown twice (the repeated hour when clocks go
 * back) is its first pass; a time never shown (the hour skipped when clocks go forward) is
 * read with the offset before the change, which lands as far after the change as the time is
 * after the start of the gap (02:30 on a spring-forward day at 02:00 is 03:30).
 *
 * @example
 * ```ts
 * // Midnight starting 31 March 2024 in Paris (+01:00), then midnight of 1 April (+02:00):
 * zonedTime(Date.UTC(2024, 2, 31) / 1000, "Europe/Paris"); // 1711839600
 * zonedTime(Date.UTC(2024, 3, 1) / 1000, "Europe/Paris");  // 1711922400 (23 h later)
 * ```
 */
export function zonedTime(wall: number, zone: string): number {
  // Offsets never change twice within 14 hours: these three cover both sides of any change.
  const offsets = new Set([
    offsetAt(zone, wall - 50_400),
    offsetAt(zone, wall),
    offsetAt(zone, wall + 50_400),
  ]);
  let best: number | undefined;
  for (const o of offsets) {
    const t = wall - o;
    if (offsetAt(zone, t) === o && (best === undefined || t < best)) best = t;
  }
  return best ?? wall - offsetAt(zone, wall - 50_400);
}

/**
 * Parses a report time: Unix seconds, `YYYY-MM-DD` (midnight), `YYYY-MM-DD HH:MM[:SS]` — both
 * on the wall clock of `zone` — or ISO 8601 with an offset or `Z`. With `dayEnd`, a bare date
 * is the midnight that ends that day instead.
 *
 * @example
 * ```ts
 * parseTime("--from", "2023-11-14 23:13:20", "Europe/Paris"); // 1700000000
 * parseTime("--to", "2024-03-31", "Europe/Paris", true);      // 1711922400 (1 April, 00:00)
 * ```
 * @throws UsageError naming the flag, the value and the forms expected
 */
export function parseTime(flag: string, v: string, zone: string, dayEnd = false): number {
  if (/^\d+$/.test(v)) return Number(v);
  const local = LOCAL.exec(v);
  if (local !== null) {
    const [y, mo, d, h, mi, s] = local.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
    const date = new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0));
    const valid =
      date.getUTCMonth() === (mo ?? 1) - 1 &&
      date.getUTCDate() === d &&
      (h ?? 0) < 24 &&
      (mi ?? 0) < 60 &&
      (s ?? 0) < 60;
    if (valid) {
      const next = dayEnd && DAY.test(v) ? 1 : 0;
      return zonedTime(Date.UTC(y ?? 0, (mo ?? 1) - 1, (d ?? 1) + next, h, mi, s) / 1000, zone);
    }
  } else if (/[zZ]|[+-]\d{2}:?\d{2}$/.test(v)) {
    const ms = Date.parse(v);
    if (!Number.isNaN(ms)) return Math.floor(ms / 1000);
  }
  throw new UsageError(
    `${flag} "${v}" is not a time: expected YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] (on the clock of --tz, ${zone}), ISO 8601 with an offset, or Unix seconds`,
  );
}

/**
 * The window of `--from` and `--to` in `zone`; a bare date as `to` ends with that day.
 *
 * @example
 * ```ts
 * // 27 October 2024, when Paris sets its clocks back: a 25-hour day.
 * const w = parseWindow("2024-10-27", "2024-10-27", "Europe/Paris");
 * (w.to! - w.from!) / 3600; // 25
 * ```
 * @throws UsageError for a value that is not a time, or `to` not after `from`
 */
export function parseWindow(
  from: string | undefined,
  to: string | undefined,
  zone: string,
): Window {
  const w: Window = {};
  if (from !== undefined) w.from = parseTime("--from", from, zone);
  if (to !== undefined) w.to = parseTime("--to", to, zone, true);
  if (w.from !== undefined && w.to !== undefined && w.to <= w.from) {
    throw new UsageError(`--to (${to}) must be later than --from (${from})`);
  }
  return w;
}
