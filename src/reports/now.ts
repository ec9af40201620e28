/**
 * `tandem report now`: what is happening at this moment across the source — calls waiting and
 * talking per queue, agents logged in and paused, and how far behind each loader is.
 */
import { allPartitions, type Scope } from "./scope.js";
import { replaySessions } from "./sessions.js";

/** Open calls older than this are leftovers of a server that stopped logging, not live calls. */
export const STALE_CALL_SECONDS = 86_400;

/** The live view. */
export interface NowReport {
  at: number;
  queues: { queue: string; waiting: number; longestWait: number; talking: number }[];
  agents: { agent: string; servers: string[]; paused: boolean; reason: string | null }[];
  loaders: {
    server: string;
    host: string;
    heartbeatAge: number;
    lagBytes: number;
    lastEventTime: number | null;
  }[];
}

/** Builds the live view as of `nowSec`. */
export async function nowReport(
  s: Scope,
  nowSec = Math.floor(Date.now() / 1000),
): Promise<NowReport> {
  let q = s.store.db
    .selectFrom("qlog_calls")
    .select(["queue", "enter_time", "connect_time"])
    .where("partition", "in", allPartitions(s))
    .where("end_time", "is", null)
    .where("enter_time", ">=", nowSec - STALE_CALL_SECONDS);
  if (s.queues.length > 0) q = q.where("queue", "in", s.queues);
  const open = await q.execute();
  const queues = new Map<
    string,
    { queue: string; waiting: number; longestWait: number; talking: number }
  >();
  for (const c of open) {
    let e = queues.get(c.queue);
    if (e === undefined) {
      e = { queue: c.queue, waiting: 0, longestWait: 0, talking: 0 };
      queues.set(c.queue, e);
    }
    if (c.connect_time === null) {
      e.waiting++;
      e.longestWait = Math.max(e.longestWait, nowSec - Number(c.enter_time));
    } else e.talking++;
  }
  const live = { ...s, from: nowSec };
  const sessions = await replaySessions(live, nowSec + 1);
  const agents = new Map<
    string,
    { agent: string; servers: string[]; paused: boolean; reason: string | null }
  >();
  for (const i of sessions.logins) {
    if (i.end <= nowSec) continue;
    const a = agents.get(i.agent) ?? { agent: i.agent, servers: [], paused: false, reason: null };
    if (!a.servers.includes(i.partition)) a.servers.push(i.partition);
    agents.set(i.agent, a);
  }
  for (const p of sessions.pauses) {
    const a = agents.get(p.agent);
    if (a !== undefined && p.end > nowSec) {
      a.paused = true;
      a.reason = p.reason ?? "";
    }
  }
  const beats = await s.store.db
    .selectFrom("qlog_loaders")
    .selectAll()
    .where("partition", "in", allPartitions(s))
    .orderBy("partition")
    .execute();
  return {
    at: nowSec,
    queues: [...queues.values()].sort((a, b) => (a.queue < b.queue ? -1 : 1)),
    agents: [...agents.values()].sort((a, b) => (a.agent < b.agent ? -1 : 1)),
    loaders: beats.map((b) => ({
      server: b.partition,
      host: b.host,
      heartbeatAge: Math.max(0, Math.round((nowSec * 1000 - Number(b.heartbeat_at)) / 1000)),
      lagBytes: Math.max(0, Number(b.size) - Number(b.off)),
      lastEventTime: b.last_event_time === null ? null : Number(b.last_event_time),
    })),
  };
}
