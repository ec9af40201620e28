/**
 * Replays agent events (logins, memberships, pauses) into intervals: when each agent was
 * logged in and when paused, with the pause reason. Used by the agents and now reports.
 */
import { agentExpr, agentPartitions, type Scope } from "./scope.js";

/** Verbs that move an agent's session or pause state. */
export const SESSION_VERBS = [
  "AGENTLOGIN",
  "AGENTLOGOFF",
  "AGENTCALLBACKLOGIN",
  "AGENTCALLBACKLOGOFF",
  "ADDMEMBER",
  "REMOVEMEMBER",
  "PAUSE",
  "UNPAUSE",
  "PAUSEALL",
  "UNPAUSEALL",
] as const;

/** How far before the window start the replay begins, to know who was already logged in. */
export const LOOKBACK_SECONDS = 86_400;

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

interface AgentState {
  login: number | null;
  queues: Set<string>;
  since: number | null;
  pause: { start: number; reason: string } | null;
}

/**
 * Replays the agent events of the scope's agent partitions (those without a dash) from
 * {@link LOOKBACK_SECONDS} before the window up to `until`, clipping intervals to
 * [from, until). A `QUEUESTART` ends the sessions of its own partition only.
 */
export async function replaySessions(s: Scope, until: number): Promise<Sessions> {
  const parts = agentPartitions(s);
  const out: Sessions = { logins: [], pauses: [] };
  if (parts.length === 0) return out;
  let q = s.store.db
    .selectFrom("qlog_events")
    .select(["partition", "time", "queue", "verb", "data1"])
    .select(agentExpr(s).as("name"))
    .where("partition", "in", parts)
    .where("time", ">=", Math.max(0, s.from - LOOKBACK_SECONDS))
    .where("time", "<", until)
    .where((eb) => eb.or([eb("verb", "in", [...SESSION_VERBS]), eb("verb", "=", "QUEUESTART")]));
  if (s.agents.length > 0) {
    q = q.where((eb) => eb.or([eb(agentExpr(s), "in", s.agents), eb("verb", "=", "QUEUESTART")]));
  }
  const rows = await q
    .orderBy("time")
    .orderBy("partition")
    .orderBy("file_key")
    .orderBy("off")
    .execute();
  const states = new Map<string, AgentState>();
  const clip = (i: Interval) => {
    const start = Math.max(i.start, s.from);
    const end = Math.min(i.end, until);
    return end > start ? { ...i, start, end } : null;
  };
  const closeLogin = (key: string, st: AgentState, t: number) => {
    if (st.since === null) return;
    const [partition, agent] = splitKey(key);
    const iv = clip({ agent, partition, start: st.since, end: t });
    if (iv !== null) out.logins.push(iv);
    st.since = null;
  };
  const closePause = (key: string, st: AgentState, t: number) => {
    if (st.pause === null) return;
    const [partition, agent] = splitKey(key);
    const iv = clip({ agent, partition, start: st.pause.start, end: t, reason: st.pause.reason });
    if (iv !== null) out.pauses.push(iv);
    st.pause = null;
  };
  const refresh = (key: string, st: AgentState, t: number) => {
    const on = st.login !== null || st.queues.size > 0;
    if (on && st.since === null) st.since = t;
    if (!on) {
      closeLogin(key, st, t);
      closePause(key, st, t);
    }
  };
  for (const r of rows) {
    const t = Number(r.time);
    if (r.verb === "QUEUESTART") {
      for (const [key, st] of states) {
        if (!key.startsWith(`${r.partition}\u0000`)) continue;
        closeLogin(key, st, t);
        closePause(key, st, t);
        st.login = null;
        st.queues.clear();
      }
      continue;
    }
    const key = `${r.partition}\u0000${r.name}`;
    let st = states.get(key);
    if (st === undefined) {
      st = { login: null, queues: new Set(), since: null, pause: null };
      states.set(key, st);
    }
    switch (r.verb) {
      case "AGENTLOGIN":
      case "AGENTCALLBACKLOGIN":
        st.login = t;
        break;
      case "AGENTLOGOFF":
      case "AGENTCALLBACKLOGOFF":
        st.login = null;
        break;
      case "ADDMEMBER":
        st.queues.add(r.queue);
        break;
      case "REMOVEMEMBER":
        st.queues.delete(r.queue);
        break;
      case "PAUSE":
      case "PAUSEALL":
        // Paused in several queues at once (FreePBX writes one line per queue) is one pause.
        if (st.pause === null) st.pause = { start: t, reason: r.data1 };
        break;
      default:
        closePause(key, st, t);
    }
    refresh(key, st, t);
  }
  for (const [key, st] of states) {
    closeLogin(key, st, until);
    closePause(key, st, until);
  }
  return out;
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf("\u0000");
  return [key.slice(0, i), key.slice(i + 1)];
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
