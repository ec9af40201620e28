/**
 * `tandem report agents`: per agent — calls answered, talk time, rings not answered, time
 * logged in and time paused by reason.
 */
import { sql } from "kysely";
import { round } from "./metrics.js";
import { agentExpr, allPartitions, END_OF_TIME, type Scope, scopedCalls } from "./scope.js";
import { type Interval, replaySessions, unionSeconds } from "./sessions.js";

/** One agent's figures. Times in seconds. */
export interface AgentRow {
  agent: string;
  answered: number;
  talkTime: number;
  avgTalk: number | null;
  ringNoAnswer: number;
  loggedIn: number;
  paused: number;
  /** Seconds paused per reason (`""` for no reason). */
  pauses: Record<string, number>;
}

/**
 * The agents report, sorted by agent name. Calls come from every partition of the source;
 * sessions and pauses only from partitions without a dash.
 *
 * @example
 * ```ts
 * await agentsReport(scope);
 * // [{ agent: "Agent/101", answered: 3, talkTime: 420, loggedIn: 28800, pauses: { Lunch: 1800 }, … }]
 * ```
 */
export async function agentsReport(
  s: Scope,
  nowSec = Math.floor(Date.now() / 1000),
): Promise<AgentRow[]> {
  const to = s.to;
  const name = agentExpr(s);
  const calls = await scopedCalls(s)
    .where("connect_time", "is not", null)
    .where("connect_time", "<", to)
    .select(name.as("name"))
    .select([
      sql<number>`count(*)`.as("answered"),
      sql<number>`sum(case when end_time < ${to} then talk else 0 end)`.as("talk"),
      sql<number>`sum(case when end_time < ${to} then 1 else 0 end)`.as("talk_n"),
    ])
    .groupBy(name)
    .execute();
  let rna = s.store.db
    .selectFrom("qlog_events")
    .where("partition", "in", allPartitions(s))
    .where("verb", "=", "RINGNOANSWER")
    .where("time", ">=", s.from)
    .where("time", "<", to);
  if (s.queues.length > 0) rna = rna.where("queue", "in", s.queues);
  if (s.agents.length > 0) rna = rna.where((eb) => eb(name, "in", s.agents));
  const rings = await rna
    .select(name.as("name"))
    .select(sql<number>`count(*)`.as("n"))
    .groupBy(name)
    .execute();
  const sessions = await replaySessions(s, to === END_OF_TIME ? nowSec : to);

  const rows = new Map<string, AgentRow>();
  const row = (agent: string): AgentRow => {
    let r = rows.get(agent);
    if (r === undefined) {
      r = {
        agent,
        answered: 0,
        talkTime: 0,
        avgTalk: null,
        ringNoAnswer: 0,
        loggedIn: 0,
        paused: 0,
        pauses: {},
      };
      rows.set(agent, r);
    }
    return r;
  };
  for (const c of calls) {
    const r = row(c.name);
    r.answered = Number(c.answered);
    r.talkTime = Number(c.talk ?? 0);
    r.avgTalk = Number(c.talk_n) > 0 ? round(r.talkTime / Number(c.talk_n)) : null;
  }
  for (const g of rings) row(g.name).ringNoAnswer = Number(g.n);
  for (const [agent, ivs] of group(sessions.logins, (i) => i.agent))
    row(agent).loggedIn = unionSeconds(ivs);
  for (const [agent, ivs] of group(sessions.pauses, (i) => i.agent)) {
    const r = row(agent);
    r.paused = unionSeconds(ivs);
    for (const [reason, byReason] of group(ivs, (i) => i.reason ?? ""))
      r.pauses[reason] = unionSeconds(byReason);
  }
  return [...rows.values()].sort((a, b) => (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0));
}

function group(ivs: readonly Interval[], key: (i: Interval) => string): Map<string, Interval[]> {
  const m = new Map<string, Interval[]>();
  for (const i of ivs) {
    const k = key(i);
    const list = m.get(k);
    if (list === undefined) m.set(k, [i]);
    else list.push(i);
  }
  return m;
}
