/**
 * Agent sessions derived at load time: logins, queue memberships and pauses as rows with a
 * start and (once known) an end, saved in the same transaction as the lines. A report then
 * knows an agent's state at any moment from the rows that overlap it, however long ago the
 * login was, without replaying old lines.
 *
 * Members defined in `queues.conf`, realtime members and persistent members restored at
 * start-up never get an ADDMEMBER line: Asterisk has them from its start. Such a member is
 * known from the first line that names it (a PAUSE, a CONNECT, a RINGNOANSWER…), and its
 * membership is dated back to the start of the partition's current *epoch* — the last
 * QUEUESTART or CONFIGRELOAD — since it has been a member since then at the latest.
 */
import type { SessionTable } from "../store/schema.js";
import type { QueueLogEvent } from "./event.js";

/** A session row as stored. */
export type SessionRow = SessionTable;

type Action =
  | "login"
  | "logoff"
  | "add"
  | "remove"
  | "pause"
  | "unpause"
  | "restart"
  | "reload"
  | "member";

/** The verbs that move an agent's state, and how. */
const ACTIONS = new Map<string, Action>([
  ["AGENTLOGIN", "login"],
  ["AGENTCALLBACKLOGIN", "login"],
  ["AGENTLOGOFF", "logoff"],
  ["AGENTCALLBACKLOGOFF", "logoff"],
  ["ADDMEMBER", "add"],
  ["REMOVEMEMBER", "remove"],
  ["PAUSE", "pause"],
  ["PAUSEALL", "pause"],
  ["UNPAUSE", "unpause"],
  ["UNPAUSEALL", "unpause"],
  ["QUEUESTART", "restart"],
  ["CONFIGRELOAD", "reload"],
  // Lines only a member of the queue gets: each shows the agent was a member when written.
  ["CONNECT", "member"],
  ["RINGNOANSWER", "member"],
  ["RINGCANCELED", "member"],
  ["COMPLETECALLER", "member"],
  ["COMPLETEAGENT", "member"],
  ["TRANSFER", "member"],
  ["BLINDTRANSFER", "member"],
  ["ATTENDEDTRANSFER", "member"],
  ["AGENTDUMP", "member"],
]);

/** The verbs {@link SessionDeriver} acts on. */
export const SESSION_VERBS: readonly string[] = [...ACTIONS.keys()];

interface AgentState {
  login: SessionRow | undefined;
  members: Map<string, SessionRow>;
  pause: SessionRow | undefined;
}

/**
 * Tracks the open sessions of one partition and records each row an event opens or closes.
 *
 * @example
 * ```ts
 * const d = new SessionDeriver("A", []);
 * d.apply({ time: 100, callid: "NONE", queue: "NONE", agent: "Agent/101", verb: "AGENTLOGIN", data: ["SIP/101"] }, "k1", 0);
 * d.takeChanged(); // [{ agent: "Agent/101", kind: "login", start_time: 100, end_time: null, … }]
 * ```
 */
export class SessionDeriver {
  readonly #partition: string;
  readonly #agents = new Map<string, AgentState>();
  #changed = new Set<SessionRow>();
  /** The open epoch row: since the partition's last QUEUESTART or CONFIGRELOAD. */
  #epoch: SessionRow | undefined;

  /** @param open the partition's sessions the store still has without an end */
  constructor(partition: string, open: Iterable<SessionRow>) {
    this.#partition = partition;
    for (const row of open) {
      if (row.kind === "epoch") {
        this.#epoch = row;
        continue;
      }
      const st = this.#state(row.agent);
      if (row.kind === "login") st.login = row;
      else if (row.kind === "member") st.members.set(row.queue, row);
      else st.pause = row;
    }
  }

  /** Applies one event found at byte `off` of the file with content key `fileKey`. */
  apply(e: QueueLogEvent, fileKey: string, off: number): void {
    const action = ACTIONS.get(e.verb);
    if (action === undefined) return;
    if (action === "restart" || action === "reload") {
      if (action === "restart") {
        // Asterisk restarted on this partition: its agents are logged out and unpaused. The
        // other servers of a cluster keep theirs.
        for (const st of this.#agents.values()) {
          if (st.login !== undefined) this.#close(st.login, e.time);
          for (const m of st.members.values()) this.#close(m, e.time);
          if (st.pause !== undefined) this.#close(st.pause, e.time);
        }
        this.#agents.clear();
      }
      // A reload keeps every member and pause; it only starts the epoch that members first
      // seen from now on are dated back to (the reload may have added them).
      if (this.#epoch !== undefined) this.#close(this.#epoch, e.time);
      this.#epoch = this.#opened(e, fileKey, "epoch", "", "", e.time, off);
      return;
    }
    if (e.agent === "NONE" || e.agent === "") return;
    const st = this.#state(e.agent);
    if (!on(st) && (action === "member" || action === "pause" || action === "unpause")) {
      // A member Asterisk had without an ADDMEMBER (queues.conf, realtime, persistent). Keyed
      // by the line that revealed it, negated (-1 - offset): that line may open a pause too,
      // and no line has a negative offset.
      const since = this.#epoch !== undefined ? this.#epoch.start_time : e.time;
      const start = Math.min(since, e.time);
      st.members.set(e.queue, this.#opened(e, fileKey, "member", e.queue, "", start, -1 - off));
    }
    switch (action) {
      case "login":
        st.login ??= this.#opened(e, fileKey, "login", "", "", e.time, off);
        break;
      case "logoff":
        if (st.login !== undefined) this.#close(st.login, e.time);
        st.login = undefined;
        break;
      case "add":
        if (!st.members.has(e.queue)) {
          st.members.set(e.queue, this.#opened(e, fileKey, "member", e.queue, "", e.time, off));
        }
        break;
      case "remove": {
        const m = st.members.get(e.queue);
        if (m !== undefined) this.#close(m, e.time);
        st.members.delete(e.queue);
        break;
      }
      case "pause":
        // Paused in several queues at once (FreePBX writes one line per queue) is one pause.
        if (st.pause === undefined && on(st)) {
          st.pause = this.#opened(e, fileKey, "pause", "", e.data[0] ?? "", e.time, off);
        }
        break;
      case "unpause":
        if (st.pause !== undefined) this.#close(st.pause, e.time);
        st.pause = undefined;
        break;
    }
    if (!on(st)) {
      if (st.pause !== undefined) this.#close(st.pause, e.time);
      this.#agents.delete(e.agent);
    }
  }

  /** The rows opened or closed since the last call, each once, as copies; forgets them. */
  takeChanged(): SessionRow[] {
    const out = [...this.#changed].map((r) => ({ ...r }));
    this.#changed = new Set();
    return out;
  }

  /** A row the line `e` opens (a method, not a closure per line: most lines come here). */
  #opened(
    e: QueueLogEvent,
    fileKey: string,
    kind: SessionRow["kind"],
    queue: string,
    reason: string,
    start: number,
    at: number,
  ): SessionRow {
    const row: SessionRow = {
      partition: this.#partition,
      file_key: fileKey,
      off: at,
      agent: kind === "epoch" ? "NONE" : e.agent,
      kind,
      queue,
      reason,
      start_time: start,
      end_time: null,
    };
    this.#changed.add(row);
    return row;
  }

  #state(agent: string): AgentState {
    let st = this.#agents.get(agent);
    if (st === undefined) {
      st = { login: undefined, members: new Map(), pause: undefined };
      this.#agents.set(agent, st);
    }
    return st;
  }

  #close(row: SessionRow, time: number): void {
    row.end_time = time;
    this.#changed.add(row);
  }
}

/** Logged in, or a member of at least one queue. */
function on(st: AgentState): boolean {
  return st.login !== undefined || st.members.size > 0;
}
