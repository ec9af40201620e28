/**
 * `tandem report hours`: call figures per hour of the day (local time of the scope's time
 * zone: `--tz`, else the machine's or `TZ`), summed over every day of the window.
 */
import { type RawBuilder, sql } from "kysely";
import { type CallFigures, type CallSums, callAggregates, figures } from "./metrics.js";
import { type Scope, scopedCalls } from "./scope.js";
import { type ZoneSegment, zoneSegments } from "./zone.js";

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
 * The hours report: 24 rows. Each call counts in the local hour of day of its enter time, to
 * the second, in any zone: half- and quarter-hour offsets (Asia/Kolkata +05:30,
 * Asia/Kathmandu +05:45) and daylight-saving changes inside the window included. The zone's
 * offsets over the calls' span are worked out first, and the store groups by local hour with
 * one offset per segment, so it still returns at most 24 rows per segment.
 */
export async function hoursReport(s: Scope): Promise<HourRow[]> {
  const span = await scopedCalls(s)
    .select((eb) => [eb.fn.min("enter_time").as("lo"), eb.fn.max("enter_time").as("hi")])
    .executeTakeFirst();
  const acc: CallSums[] = Array.from({ length: 24 }, () => {
    const z = Object.fromEntries(SUM_KEYS.map((k) => [k, 0])) as unknown as CallSums;
    z.wait_max = null;
    return z;
  });
  if (span?.lo !== null && span?.lo !== undefined && span.hi !== null) {
    const hour = localHour(
      zoneSegments(s.timeZone, Number(span.lo), Number(span.hi)),
      s.store.dialect === "mysql",
    );
    const rows = await scopedCalls(s)
      .select(hour.as("hour"))
      .select(callAggregates(s))
      .groupBy(hour)
      .execute();
    for (const r of rows) {
      const a = acc[Number(r.hour)] as CallSums;
      for (const k of SUM_KEYS) a[k] += Number(r[k] ?? 0);
      if (r.wait_max !== null && r.wait_max !== undefined) {
        a.wait_max = Math.max(a.wait_max ?? 0, Number(r.wait_max));
      }
    }
  }
  return acc.map((a, hour) => ({ hour, ...figures(a) }));
}

/**
 * The local hour of day (0–23) of `enter_time` as SQL: the local time is enter_time plus the
 * offset of its segment; its second of the day, divided by 3600 (integer division: `/` on
 * SQLite and PostgreSQL, `div` on MySQL, whose `/` gives a decimal). The numbers are inlined, not bound, so the select and the group by are one
 * expression to PostgreSQL.
 */
function localHour(segments: readonly ZoneSegment[], mysql: boolean): RawBuilder<number> {
  let local: RawBuilder<unknown> = sql`enter_time + ${sql.lit(segments[0]?.offset ?? 0)}`;
  if (segments.length > 1) {
    const arms = segments
      .slice(1)
      .reverse()
      .map(
        (seg) =>
          sql`when enter_time >= ${sql.lit(seg.start)} then enter_time + ${sql.lit(seg.offset)}`,
      );
    local = sql`case ${sql.join(arms, sql` `)} else ${local} end`;
  }
  const div = sql.raw(mysql ? "div" : "/");
  return sql<number>`(((${local}) % 86400 + 86400) % 86400) ${div} 3600`;
}
