/**
 * `tandem report calls`: the calls themselves, with the server that took each one, and the
 * calls still open at the end of the window listed apart.
 */
import type { Scope } from "./scope.js";
import { agentName, scopedCalls } from "./scope.js";

/** One call. Times are Unix seconds; durations in seconds. */
export interface CallLine {
  server: string;
  callid: string;
  queue: string;
  caller: string;
  entered: number;
  /** How it ended as of the window end (`ANSWERED` while still talking, `WAITING`). */
  outcome: string;
  agent: string | null;
  wait: number | null;
  talk: number | null;
}

/** The calls report. */
export interface CallsReport {
  /** Calls ended within the window. */
  closed: CallLine[];
  /** Calls that entered in the window and had not ended at its end. */
  open: CallLine[];
}

/** Lists the calls entering in the window, oldest first, at most `limit` of each kind. */
export async function callsReport(s: Scope, limit = 10_000): Promise<CallsReport> {
  const rows = await scopedCalls(s)
    .selectAll()
    .orderBy("enter_time")
    .orderBy("partition")
    .orderBy("off")
    .execute();
  const out: CallsReport = { closed: [], open: [] };
  for (const r of rows) {
    const connected = r.connect_time !== null && r.connect_time < s.to;
    const ended = r.end_time !== null && r.end_time < s.to;
    const line: CallLine = {
      server: r.partition,
      callid: r.callid,
      queue: r.queue,
      caller: r.caller,
      entered: Number(r.enter_time),
      outcome: ended ? (r.end_verb ?? "") : connected ? "ANSWERED" : "WAITING",
      agent: connected && r.agent !== null ? agentName(s, r.partition, r.agent) : null,
      wait: connected || ended ? r.wait : null,
      talk: ended && connected ? r.talk : null,
    };
    const list = ended ? out.closed : out.open;
    if (list.length < limit) list.push(line);
  }
  return out;
}
