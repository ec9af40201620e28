/**
 * Agent login and pause intervals for the agents and now reports, read from the sessions the
 * loader derived (`qlog_sessions`): exact at any window, however long before it an agent
 * logged in or paused.
 */
import { agentExpr, agentPartitions, type Scope } from "./scope.js";

/** One interval of an agent's state. */
export interface Interval {
  agent: string;
  partition: string;
  start: number;
  end: number;
  /** Pause reason (`""` when none was given); undefined for login intervals. */
  reason?: string;
}

/** Login and pause intervals of every agent, clipped to the window. */
export interface Sessions {
  logins: Interval[];
  pauses: Interval[];
}

/**
 * The login and pause intervals of the scope's agent partitions (those without a dash) that
 * overlap [from, until), clipped to it. Logged in means an AGENT(CALLBACK)LOGIN session or a
 * membership of at least one queue; one interval per session row (overlaps are merged by
 * {@link unionSeconds}). A session still open is cut at `until`.
 */
export async function replaySessions(s: Scope, until: number): Promise<Sessions> {
  const parts = agentPartitions(s);
  const out: Sessions = { logins: [], pauses: [] };
  if (parts.length === 0 || until <= s.from) return out;
  const name = agentExpr(s);
  let q = s.store.db
    .selectFrom("qlog_sessions")
    .select(["partition", "kind", "reason", "start_time", "end_time"])
    .select(name.as("name"))
    .where("partition", "in", parts)
    .where("kind", "in", ["login", "member", "pause"])
    .where("start_time", "<", until)
    .where((eb) => eb.or([eb("end_time", "is", null), eb("end_time", ">", s.from)]));
  if (s.agents.length > 0) q = q.where((eb) => eb(name, "in", s.agents));
  const rows = await q.orderBy("start_time").execute();
  for (const r of rows) {
    const start = Math.max(Number(r.start_time), s.from);
    const end = Math.min(r.end_time === null ? until : Number(r.end_time), until);
    if (end <= start) continue;
    const iv: Interval = { agent: r.name, partition: r.partition, start, end };
    if (r.kind === "pause") out.pauses.push({ ...iv, reason: r.reason });
    else out.logins.push(iv);
  }
  return out;
}

/**
 * Total seconds covered by the intervals, overlaps counted once (an agent logged in on two
 * servers of a cluster at the same time is logged in once).
 */
export function unionSeconds(ivs: readonly Interval[]): number {
  const sorted = [...ivs].sort((a, b) => a.start - b.start);
  let total = 0;
  let curStart = -1;
  let curEnd = -1;
  for (const i of sorted) {
    if (i.start > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = i.start;
      curEnd = i.end;
    } else if (i.end > curEnd) curEnd = i.end;
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total;
}
