/**
 * The shapes a queue_log line takes once read: an event, or a malformed line kept aside.
 */

/**
 * One queue_log line: `epoch|callid|queue|agent|event[|data1|data2…]`.
 *
 * `data` holds every field after the event name, split on `|`; the line is rebuilt exactly by
 * {@link formatEvent}.
 */
export interface QueueLogEvent {
  /** Unix time in seconds. */
  time: number;
  /** Asterisk uniqueid of the caller's channel (`NONE`, `MANAGER`… for non-call events). */
  callid: string;
  queue: string;
  /** Member name or interface (`Agent/101`, `SIP/200`, `NONE`). */
  agent: string;
  /** Event name as written (`CONNECT`, or any verb Tandem does not know). */
  verb: string;
  /** Data fields after the event name; empty when the line ends at the event name. */
  data: string[];
}

/** A line that is not a queue_log event, with why. */
export interface MalformedLine {
  /** Why the line was rejected, e.g. `timestamp "17x" is not a Unix epoch in seconds`. */
  reason: string;
}

/**
 * Rebuilds the exact line an event was parsed from (without the newline).
 *
 * @example
 * ```ts
 * formatEvent({ time: 1, callid: "c", queue: "q", agent: "NONE", verb: "ENTERQUEUE", data: ["", "555"] });
 * // "1|c|q|NONE|ENTERQUEUE||555"
 * ```
 */
export function formatEvent(e: QueueLogEvent): string {
  const head = `${e.time}|${e.callid}|${e.queue}|${e.agent}|${e.verb}`;
  return e.data.length === 0 ? head : `${head}|${e.data.join("|")}`;
}
