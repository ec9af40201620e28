/**
 * Per-call derivation: turns the event stream of one partition into call rows as it is loaded,
 * so reports read one row per call instead of re-scanning raw events.
 *
 * A call is one ENTERQUEUE of a callid into a queue, up to the event that ends it. The
 * deriver keeps the calls still open; the loader saves the rows it changed in the same
 * transaction as the lines, and rebuilds the deriver from the store after a restart.
 */
import type { CallTable } from "../store/schema.js";
import type { QueueLogEvent } from "./event.js";
import { verbKind } from "./verbs.js";

/** A call row as stored. */
export type CallRow = CallTable;

/** The call rows one batch changed, split by whether an earlier batch already stored them. */
export interface ChangedCalls {
  /** Calls no earlier batch stored: plain inserts (COPY on PostgreSQL). */
  inserted: CallRow[];
  /** Calls an earlier batch (or an earlier run) stored: updated in place by their key. */
  updated: CallRow[];
}

/** Takes the calls no earlier batch stored as they are now (encoding or copying them). */
export interface CallSink {
  add(row: CallRow): void;
}

/** Verbs after which the call counts as answered and ended normally. */
const TALK_ENDS = new Set(["COMPLETECALLER", "COMPLETEAGENT"]);
const TRANSFERS = new Set(["TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER"]);

/**
 * Tracks the open calls of one partition and records each call row an event changes.
 *
 * @example
 * ```ts
 * const d = new CallDeriver("A", []);
 * d.apply(enterEvent, "k1", 0);
 * d.apply(connectEvent, "k1", 70);
 * d.takeChanged(); // [{ partition: "A", callid: "…", connect_time: …, agent: "Agent/101", … }]
 * ```
 */
export class CallDeriver {
  readonly #partition: string;
  readonly #open = new Map<string, CallRow>();
  #changed = new Set<CallRow>();
  // Open rows handed to a batch before (a row that ended is never looked up again). A batch
  // that fails ends the loader's session and the next session starts from a deriver rebuilt
  // from the store, so "handed to a batch" means "stored" for every batch that can still
  // commit.
  readonly #stored = new Set<CallRow>();
  #ended: CallSink | undefined;

  /** @param open the partition's calls the store still has without an end */
  constructor(partition: string, open: Iterable<CallRow>) {
    this.#partition = partition;
    for (const c of open) {
      this.#open.set(callKey(c.callid, c.queue), c);
      this.#stored.add(c);
    }
  }

  /**
   * From now on, a call that ends before any batch stored it goes straight to `sink` (the
   * batch being cut), rather than waiting for {@link CallDeriver.takeChanged}: it never
   * changes again, and rows that wait for the cut pile up for the garbage collector to trace.
   * `undefined` stops that.
   */
  sendEndedTo(sink: CallSink | undefined): void {
    this.#ended = sink;
  }

  /** Number of calls currently open. */
  get openCount(): number {
    return this.#open.size;
  }

  /** Applies one event found at byte `off` of the file with content key `fileKey`. */
  apply(e: QueueLogEvent, fileKey: string, off: number): void {
    const kind = verbKind(e.verb);
    if (kind === "enter") this.#enter(e, fileKey, off);
    else if (kind === "connect") this.#connect(e);
    else if (kind === "end") this.#end(e);
    else if (e.verb === "QUEUESTART") this.#restart(e.time);
  }

  /**
   * The rows changed since the last call, each once, as copies (the loader keeps parsing the
   * next batch while this one commits, and open calls keep changing), and forgets them. With
   * `inserted`, the rows no earlier batch stored go to it instead, as they are now, and the
   * result's `inserted` stays empty.
   */
  takeChanged(inserted?: CallSink): ChangedCalls {
    const out: ChangedCalls = { inserted: [], updated: [] };
    for (const row of this.#changed) {
      const open = row.end_time === null;
      if (this.#stored.has(row)) {
        out.updated.push({ ...row });
        if (!open) this.#stored.delete(row);
      } else {
        if (inserted !== undefined) inserted.add(row);
        else out.inserted.push({ ...row });
        if (open) this.#stored.add(row);
      }
    }
    this.#changed = new Set();
    return out;
  }

  #enter(e: QueueLogEvent, fileKey: string, off: number): void {
    const key = callKey(e.callid, e.queue);
    const prev = this.#open.get(key);
    // The same call entering the same queue again without an end line in between: the end was
    // lost (a crash of Asterisk, a cut log); close the old entry rather than merge the two.
    if (prev !== undefined) this.#close(prev, e.time, "REENTER");
    const pos = e.data.length >= 3 ? toInt(e.data[2]) : null;
    const call: CallRow = {
      partition: this.#partition,
      file_key: fileKey,
      off,
      callid: e.callid,
      queue: e.queue,
      caller: e.data[1] ?? "",
      enter_time: e.time,
      connect_time: null,
      end_time: null,
      end_verb: null,
      agent: null,
      wait: null,
      talk: null,
      position: pos,
    };
    this.#open.set(key, call);
    this.#changed.add(call);
  }

  #connect(e: QueueLogEvent): void {
    const call = this.#open.get(callKey(e.callid, e.queue));
    if (call === undefined || call.connect_time !== null) return;
    call.connect_time = e.time;
    call.agent = e.agent;
    call.wait = toInt(e.data[0]) ?? e.time - call.enter_time;
    this.#changed.add(call);
  }

  #end(e: QueueLogEvent): void {
    const key = callKey(e.callid, e.queue);
    const call = this.#open.get(key);
    if (call === undefined) return;
    const d = e.data;
    if (TALK_ENDS.has(e.verb) || TRANSFERS.has(e.verb)) {
      // holdtime and calltime are the 3rd and 2nd field from the end in the 5- and 6-field
      // transfer layouts, fields 1–2 in COMPLETE*, fields 3–4 in the 1.4 TRANSFER.
      let hold: number | null;
      let talk: number | null;
      if (TALK_ENDS.has(e.verb)) {
        hold = toInt(d[0]);
        talk = toInt(d[1]);
      } else if (d.length === 4) {
        hold = toInt(d[2]);
        talk = toInt(d[3]);
      } else {
        hold = toInt(d[d.length - 3]);
        talk = toInt(d[d.length - 2]);
      }
      if (call.connect_time === null) {
        // CONNECT missing (cut log): the end line still says who talked and for how long.
        call.connect_time = talk !== null ? e.time - talk : e.time;
        call.agent = e.agent;
        call.wait = hold ?? call.connect_time - call.enter_time;
      }
      call.talk = talk ?? e.time - call.connect_time;
    } else if (e.verb !== "SYSCOMPAT") {
      call.wait = waitOf(e) ?? e.time - call.enter_time;
    }
    this.#open.delete(key);
    this.#close(call, e.time, e.verb);
  }

  // Asterisk restarted on this partition: its calls are gone. Only this partition's calls are
  // closed, so a restart of one server does not touch the others in a cluster report.
  #restart(time: number): void {
    for (const call of this.#open.values()) this.#close(call, time, "QUEUESTART");
    this.#open.clear();
  }

  #close(call: CallRow, time: number, verb: string): void {
    call.end_time = time;
    call.end_verb = verb;
    if (call.connect_time === null && call.wait === null) call.wait = time - call.enter_time;
    if (call.connect_time !== null && call.talk === null) call.talk = time - call.connect_time;
    if (this.#ended !== undefined && !this.#stored.has(call)) {
      this.#changed.delete(call);
      this.#ended.add(call);
    } else this.#changed.add(call);
  }
}

/** The wait an unanswered end event reports, per layout (1.4 EXITWITHTIMEOUT has none). */
function waitOf(e: QueueLogEvent): number | null {
  const d = e.data;
  switch (e.verb) {
    case "ABANDON":
    case "EXITEMPTY":
      return toInt(d[2]);
    case "EXITWITHTIMEOUT":
      return d.length >= 3 ? toInt(d[2]) : null;
    case "EXITWITHKEY":
      return d.length >= 4 ? toInt(d[3]) : null;
    default:
      return null;
  }
}

function callKey(callid: string, queue: string): string {
  return `${callid}\u0000${queue}`;
}

/** A non-negative decimal integer field, or null. */
export function toInt(s: string | undefined): number | null {
  if (s === undefined || s === "" || s.length > 15) return null;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  return Number(s);
}
