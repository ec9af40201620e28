/**
 * `tandem report hours`: call figures per hour of the day (local time of the machine running
 * the report, or `TZ`), summed over every day of the window.
 */
import { sql } from "kysely";
import { type CallFigures, type CallSums, callAggregates, figures } from "./metrics.js";
import { type Scope, scopedCalls } from "./scope.js";

/** One hour of the day. */
export interface HourRow extends CallFigures {
  /** 0–23, local time. */
  hour: number;
}

const SUM_KEYS = [
  "offered",
  "answered",
  "abandoned",
  "short_abandoned",
  "timeouts",
  "exit_with_key",
  "exit_empty",
  "transferred",
  "open",
  "answered_in_sl",
  "wait_sum",
  "talk_n",
  "talk_sum",
  "abandon_wait_sum",
] as const;

/**
 * The hours report: 24 rows. The store groups by absolute hour; the local hour of each is
 * found here, so days with a daylight-saving change land in the right rows.
 */
export async function hoursReport(s: Scope): Promise<HourRow[]> {
  const rows = await scopedCalls(s)
    .select(sql<number>`enter_time - enter_time % 3600`.as("bucket"))
    .select(callAggregates(s))
    .groupBy(sql`enter_time - enter_time % 3600`)
    .execute();
  const acc: CallSums[] = Array.from({ length: 24 }, () => {
    const z = Object.fromEntries(SUM_KEYS.map((k) => [k, 0])) as unknown as CallSums;
    z.wait_max = null;
    return z;
  });
  for (const r of rows) {
    const hour = new Date(Number(r.bucket) * 1000).getHours();
    const a = acc[hour] as CallSums;
    for (const k of SUM_KEYS) a[k] += Number(r[k] ?? 0);
    if (r.wait_max !== null && r.wait_max !== undefined) {
      a.wait_max = Math.max(a.wait_max ?? 0, Number(r.wait_max));
    }
  }
  return acc.map((a, hour) => ({ hour, ...figures(a) }));
}
