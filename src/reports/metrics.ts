/**
 * The per-call aggregates every call report shares (queues, hours, servers), as one list of
 * SQL expressions valid on SQLite and PostgreSQL, and the arithmetic that turns their sums into
 * the figures of `docs/reports.md`.
 */
import { sql } from "kysely";
import type { Scope } from "./scope.js";

const TRANSFERS = sql.raw(`('TRANSFER','BLINDTRANSFER','ATTENDEDTRANSFER')`);

/** The aggregate columns over `qlog_calls`, judged as of the window end `s.to`. */
export function callAggregates(s: Scope) {
  const to = s.to;
  const answered = sql`connect_time is not null and connect_time < ${to}`;
  const ended = (verb: string) =>
    sql`connect_time is null and end_time < ${to} and end_verb = ${sql.lit(verb)}`;
  const count = (cond: ReturnType<typeof sql>) =>
    sql<number>`sum(case when ${cond} then 1 else 0 end)`;
  return [
    sql<number>`count(*)`.as("offered"),
    count(answered).as("answered"),
    count(ended("ABANDON")).as("abandoned"),
    count(sql`${ended("ABANDON")} and wait <= ${s.shortAbandon}`).as("short_abandoned"),
    count(ended("EXITWITHTIMEOUT")).as("timeouts"),
    count(ended("EXITWITHKEY")).as("exit_with_key"),
    count(ended("EXITEMPTY")).as("exit_empty"),
    count(sql`${answered} and end_time < ${to} and end_verb in ${TRANSFERS}`).as("transferred"),
    count(sql`end_time is null or end_time >= ${to}`).as("open"),
    count(sql`${answered} and wait <= ${s.sl}`).as("answered_in_sl"),
    sql<number>`sum(case when ${answered} then wait else 0 end)`.as("wait_sum"),
    sql<number | null>`max(case when ${answered} then wait end)`.as("wait_max"),
    count(sql`${answered} and end_time < ${to}`).as("talk_n"),
    sql<number>`sum(case when ${answered} and end_time < ${to} then talk else 0 end)`.as(
      "talk_sum",
    ),
    sql<number>`sum(case when ${ended("ABANDON")} then wait else 0 end)`.as("abandon_wait_sum"),
  ] as const;
}

/** The raw sums of {@link callAggregates}, one row. */
export interface CallSums {
  offered: number;
  answered: number;
  abandoned: number;
  short_abandoned: number;
  timeouts: number;
  exit_with_key: number;
  exit_empty: number;
  transferred: number;
  open: number;
  answered_in_sl: number;
  wait_sum: number;
  wait_max: number | null;
  talk_n: number;
  talk_sum: number;
  abandon_wait_sum: number;
}

/** The figures of a group of calls, as the reports print them. Times in seconds. */
export interface CallFigures {
  offered: number;
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  timeouts: number;
  exitWithKey: number;
  exitEmpty: number;
  transferred: number;
  /** Entered in the window and not ended at its end (waiting or talking). */
  open: number;
  /** Percent of answered calls answered within `--sl` seconds. */
  serviceLevel: number | null;
  /** Percent of answered + abandoned (minus short abandons) answered within `--sl`. */
  serviceLevelWithAbandons: number | null;
  avgWait: number | null;
  maxWait: number | null;
  avgTalk: number | null;
  avgAbandonWait: number | null;
}

/** Turns sums into figures (see docs/reports.md for each formula). */
export function figures(r: CallSums): CallFigures {
  const n = (v: unknown) => Number(v ?? 0);
  const answered = n(r.answered);
  const abandoned = n(r.abandoned);
  const short = n(r.short_abandoned);
  const inSl = n(r.answered_in_sl);
  const talkN = n(r.talk_n);
  const slBase = answered + abandoned - short;
  return {
    offered: n(r.offered),
    answered,
    abandoned,
    shortAbandoned: short,
    timeouts: n(r.timeouts),
    exitWithKey: n(r.exit_with_key),
    exitEmpty: n(r.exit_empty),
    transferred: n(r.transferred),
    open: n(r.open),
    serviceLevel: answered > 0 ? round((100 * inSl) / answered) : null,
    serviceLevelWithAbandons: slBase > 0 ? round((100 * inSl) / slBase) : null,
    avgWait: answered > 0 ? round(n(r.wait_sum) / answered) : null,
    maxWait: r.wait_max === null || r.wait_max === undefined ? null : n(r.wait_max),
    avgTalk: talkN > 0 ? round(n(r.talk_sum) / talkN) : null,
    avgAbandonWait: abandoned > 0 ? round(n(r.abandon_wait_sum) / abandoned) : null,
  };
}

/** Rounds to one decimal (reports show seconds and percents to 0.1). */
export function round(x: number): number {
  return Math.round(x * 10) / 10;
}
