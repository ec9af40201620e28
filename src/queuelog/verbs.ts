/**
 * The queue_log verbs Asterisk has written from 1.4 to 22, with the data-field layouts each
 * version used. The loader stores every line as it is; these layouts only tell the call
 * derivation and the reports which data field means what.
 *
 * @example
 * ```ts
 * VERBS.CONNECT.layouts; // [["holdtime","bridgedchanneluniqueid"], ["holdtime","bridgedchanneluniqueid","ringtime"]]
 * ```
 */

/** How a verb is used by the call derivation and by the cluster sources. */
export type VerbKind =
  /** Starts a call (ENTERQUEUE). */
  | "enter"
  /** An answered call is bridged to an agent (CONNECT). */
  | "connect"
  /** Ends a call. */
  | "end"
  /** Happens during a call but neither starts nor ends it (RINGNOANSWER, DID, INFO…). */
  | "call"
  /** Agent session, membership or pause state (dropped for `B-` partitions). */
  | "agent"
  /** The queue engine itself (QUEUESTART, CONFIGRELOAD). */
  | "system";

/** One verb of the table. */
export interface VerbSpec {
  kind: VerbKind;
  /** Every data-field layout this verb has had, shortest first, with the versions. */
  layouts: readonly (readonly string[])[];
  /** Asterisk versions that wrote each layout, same order as `layouts`. */
  versions: readonly string[];
}

/** Every verb Tandem knows; lines with any other verb are kept verbatim as kind `call`. */
export const VERBS: Readonly<Record<string, VerbSpec>> = {
  ENTERQUEUE: {
    kind: "enter",
    layouts: [
      ["url", "callerid"],
      ["url", "callerid", "position"],
    ],
    versions: ["1.4–1.8", "10–22"],
  },
  CONNECT: {
    kind: "connect",
    layouts: [
      ["holdtime", "bridgedchanneluniqueid"],
      ["holdtime", "bridgedchanneluniqueid", "ringtime"],
    ],
    versions: ["1.4", "1.6–22"],
  },
  COMPLETECALLER: {
    kind: "end",
    layouts: [
      ["holdtime", "calltime"],
      ["holdtime", "calltime", "origposition"],
    ],
    versions: ["1.2", "1.4–22"],
  },
  COMPLETEAGENT: {
    kind: "end",
    layouts: [
      ["holdtime", "calltime"],
      ["holdtime", "calltime", "origposition"],
    ],
    versions: ["1.2", "1.4–22"],
  },
  ABANDON: {
    kind: "end",
    layouts: [["position", "origposition", "waittime"]],
    versions: ["1.4–22"],
  },
  EXITWITHTIMEOUT: {
    kind: "end",
    layouts: [["position"], ["position", "origposition", "waittime"]],
    versions: ["1.4", "1.6–22"],
  },
  EXITWITHKEY: {
    kind: "end",
    layouts: [
      ["key", "position"],
      ["key", "position", "origposition", "waittime"],
    ],
    versions: ["1.4", "1.6–22"],
  },
  EXITEMPTY: {
    kind: "end",
    layouts: [["position", "origposition", "waittime"]],
    versions: ["1.4–22"],
  },
  TRANSFER: {
    kind: "end",
    layouts: [
      ["extension", "context", "holdtime", "calltime"],
      ["extension", "context", "holdtime", "calltime", "origposition"],
    ],
    versions: ["1.4", "1.6–11"],
  },
  BLINDTRANSFER: {
    kind: "end",
    layouts: [["extension", "context", "holdtime", "calltime", "origposition"]],
    versions: ["12–22"],
  },
  ATTENDEDTRANSFER: {
    kind: "end",
    layouts: [
      ["method", "target", "holdtime", "calltime", "origposition"],
      ["method", "channel1", "channel2", "holdtime", "calltime", "origposition"],
    ],
    versions: ["12–22 (BRIDGE, APP)", "12–22 (LINK)"],
  },
  SYSCOMPAT: { kind: "end", layouts: [[]], versions: ["1.4–22"] },
  RINGNOANSWER: { kind: "call", layouts: [["ringtime"]], versions: ["1.4–22"] },
  RINGCANCELED: { kind: "call", layouts: [["ringtime"]], versions: ["16–22"] },
  DID: { kind: "call", layouts: [["did"]], versions: ["dialplan QueueLog()"] },
  INFO: { kind: "call", layouts: [[]], versions: ["dialplan QueueLog()"] },
  WITHDRAW: { kind: "call", layouts: [["withdrawinfo"]], versions: ["16–22"] },
  AGENTDUMP: { kind: "call", layouts: [[]], versions: ["1.4–1.8"] },
  ADDMEMBER: { kind: "agent", layouts: [[], ["interface"]], versions: ["1.4", "1.6–22"] },
  REMOVEMEMBER: { kind: "agent", layouts: [[], ["interface"]], versions: ["1.4", "1.6–22"] },
  PAUSE: { kind: "agent", layouts: [[], ["reason"]], versions: ["1.4", "1.6–22"] },
  UNPAUSE: { kind: "agent", layouts: [[], ["reason"]], versions: ["1.4", "1.6–22"] },
  PAUSEALL: { kind: "agent", layouts: [[], ["reason"]], versions: ["1.4", "1.6–22"] },
  UNPAUSEALL: { kind: "agent", layouts: [[], ["reason"]], versions: ["1.4", "1.6–22"] },
  PENALTY: { kind: "agent", layouts: [["penalty"]], versions: ["1.8–22"] },
  AGENTLOGIN: {
    kind: "agent",
    layouts: [["channel"]],
    versions: ["1.4–11 (chan_agent), 12–22 (app_agent_pool)"],
  },
  AGENTLOGOFF: {
    kind: "agent",
    layouts: [["channel", "logintime"]],
    versions: ["1.4–22"],
  },
  AGENTCALLBACKLOGIN: { kind: "agent", layouts: [["exten@context"]], versions: ["1.2–1.4"] },
  AGENTCALLBACKLOGOFF: {
    kind: "agent",
    layouts: [["exten@context", "logintime", "reason"]],
    versions: ["1.2–1.4"],
  },
  QUEUESTART: { kind: "system", layouts: [[]], versions: ["1.4–22"] },
  CONFIGRELOAD: { kind: "system", layouts: [[]], versions: ["1.4–22"] },
};

/** The kind of `verb`; unknown verbs count as call events so they are never dropped. */
export function verbKind(verb: string): VerbKind {
  return KINDS.get(verb) ?? "call";
}

// A Map answers for a freshly cut string faster than an object's property lookup, and this
// runs once per loaded line.
const KINDS = new Map(Object.entries(VERBS).map(([v, spec]) => [v, spec.kind]));

/**
 * The named data fields of `verb` for the layout with `data.length` fields, or `undefined`
 * when no Asterisk version wrote that many fields for this verb.
 *
 * @example
 * ```ts
 * namedFields("EXITWITHTIMEOUT", ["3"]); // { position: "3" }
 * ```
 */
export function namedFields(
  verb: string,
  data: readonly string[],
): Record<string, string> | undefined {
  const spec = VERBS[verb];
  if (spec === undefined) return undefined;
  // An empty trailing field ("…|QUEUESTART|") counts as no data at all.
  const n = data.length === 1 && data[0] === "" ? 0 : data.length;
  const layout = spec.layouts.find((l) => l.length === n);
  if (layout === undefined) return undefined;
  const out: Record<string, string> = {};
  layout.forEach((name, i) => {
    out[name] = data[i] ?? "";
  });
  return out;
}
