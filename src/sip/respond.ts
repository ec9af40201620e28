/**
 * The responder's decision, with no I/O: given what arrived, where from, and whether the node
 * is serving, the response to send and where — or silence, or a drop.
 */
import { createHash } from "node:crypto";
import { addressTag, withAddressTag } from "./address.js";
import { requestProblem } from "./check.js";
import { parseCSeq } from "./cseq.js";
import {
  headerValue,
  headerValues,
  SIP_VERSION,
  type SipHeader,
  type SipResponse,
} from "./message.js";
import type { SipParseResult } from "./parse.js";
import { responseDestination, type SipSource, stampVia } from "./route.js";
import { quote } from "./text.js";
import { formatVia, parseVia, viaParam, viaValues } from "./via.js";

/** How a listener answers while the node is not serving. */
export interface SipPolicy {
  /**
   * `reject`: OPTIONS and INVITE get `503 Service Unavailable`. `silent`: they get no answer at
   * all, which is the only thing some monitors (Asterisk chan_sip `qualify`) take as down.
   * @default "reject"
   */
  whenNotServing: "reject" | "silent";
  /** Seconds in the `Retry-After` of a 503; 0 leaves the header out. @default 30 */
  retryAfter: number;
}

/** Which counter a decision adds to (besides `requests` for every decision but a drop). */
export type SipOutcome = "ok200" | "unavailable503" | "otherResponses" | "silent" | "malformed";

/** What to do with one received message. */
export type SipDecision =
  | {
      action: "reply";
      outcome: "ok200" | "unavailable503" | "otherResponses";
      response: SipResponse;
      /** Where to send it (over TCP: the connection it came on). */
      destination: { address: string; port: number };
    }
  | { action: "silent"; outcome: "silent"; why: string }
  | { action: "drop"; outcome: "malformed"; why: string };

/** What {@link decideSipResponse} needs besides the message. */
export interface SipDecisionInput {
  /** The parsed message. */
  parsed: SipParseResult;
  /** Where it came from. */
  source: SipSource;
  /** Whether the node serves calls right now. */
  serving: boolean;
  policy: SipPolicy;
}

const SCHEMES = /^(sip|sips|tel):/i;

/**
 * Decides the answer to one received message.
 *
 * - `OPTIONS`: 200 while serving; otherwise 503 with `Retry-After`, or silence with
 *   `whenNotServing: "silent"`.
 * - `INVITE` while not serving: the same 503 or silence; while serving, 405 (the responder takes
 *   no calls).
 * - `ACK`: never answered. `CANCEL`: 481 (no transaction is ever pending here).
 * - Any other method: 405 with `Allow: OPTIONS`.
 * - A request with a problem: 400 when it holds what a response needs (Via, From, To,
 *   Call-ID, CSeq), with the problem in a `Warning`; otherwise dropped. An unsupported
 *   version gets 505, a URI scheme other than sip/sips/tel 416, a `Require` 420.
 * - Responses and unreadable input: dropped.
 *
 * @example
 * ```ts
 * const d = decideSipResponse({ parsed: parseSipMessage(bytes), source, serving: false,
 *   policy: { whenNotServing: "reject", retryAfter: 30 } });
 * if (d.action === "reply") socket.send(serializeSipMessage(d.response), d.destination.port, d.destination.address);
 * ```
 */
export function decideSipResponse(input: SipDecisionInput): SipDecision {
  const { parsed, source, serving, policy } = input;
  if (!parsed.ok) {
    const { startLine, headers } = parsed;
    if (startLine === undefined || headers === undefined || startLine.startsWith("SIP/")) {
      return drop(parsed.reason);
    }
    if (headerValues({ headers }, "CSeq").some((v) => parseCSeq(v)?.method === "ACK")) {
      return drop(`${parsed.reason} (an ACK, never answered)`);
    }
    return badRequest(headers, source, parsed.reason);
  }
  const message = parsed.message;
  if (message.kind === "response") {
    return drop(`a ${message.status} response; this responder sends no requests`);
  }
  if (message.method === "ACK") return { action: "silent", outcome: "silent", why: "ACK" };
  const problem = requestProblem(message);
  if (problem !== undefined) return badRequest(message.headers, source, problem);
  const reply = (status: number, reason: string, extra: SipHeader[] = []): SipDecision =>
    build(message.headers, source, status, reason, extra) ?? drop("no usable Via");
  if (message.version !== SIP_VERSION) return reply(505, "Version Not Supported");
  if (!SCHEMES.test(message.uri)) return reply(416, "Unsupported URI Scheme");
  const wanted = message.method === "OPTIONS" || message.method === "INVITE";
  if (wanted && !serving) {
    if (policy.whenNotServing === "silent") {
      return { action: "silent", outcome: "silent", why: `${message.method} while not serving` };
    }
    const retry: SipHeader[] =
      policy.retryAfter > 0 ? [{ name: "Retry-After", value: String(policy.retryAfter) }] : [];
    return reply(503, "Service Unavailable", retry);
  }
  if (message.method === "CANCEL") return reply(481, "Call/Transaction Does Not Exist");
  const required = headerValues(message, "Require")
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");
  if (required.length > 0) {
    return reply(420, "Bad Extension", [{ name: "Unsupported", value: required.join(", ") }]);
  }
  if (message.method === "OPTIONS") {
    return reply(200, "OK", [{ name: "Allow", value: "OPTIONS" }]);
  }
  return reply(405, "Method Not Allowed", [{ name: "Allow", value: "OPTIONS" }]);
}

function drop(why: string): SipDecision {
  return { action: "drop", outcome: "malformed", why };
}

function badRequest(headers: SipHeader[], source: SipSource, problem: string): SipDecision {
  return (
    build(headers, source, 400, "Bad Request", [
      { name: "Warning", value: `399 tandem ${quote(problem)}` },
    ]) ?? drop(problem)
  );
}

/**
 * A response copying Via, From, To, Call-ID and CSeq (RFC 3261 §8.2.6), or `undefined` when
 * the request lacks one of them or its top Via cannot be read.
 */
function build(
  headers: SipHeader[],
  source: SipSource,
  status: number,
  reason: string,
  extra: SipHeader[],
): SipDecision | undefined {
  const holder = { headers };
  const vias = viaValues(holder);
  const top = parseVia(vias[0] ?? "");
  const from = headerValue(holder, "From");
  const to = headerValue(holder, "To");
  const callId = headerValue(holder, "Call-ID");
  const cseq = headerValue(holder, "CSeq");
  if (
    !top ||
    from === undefined ||
    to === undefined ||
    callId === undefined ||
    cseq === undefined
  ) {
    return undefined;
  }
  const stamped = stampVia(top, source);
  const branch = viaParam(top, "branch") ?? "";
  const tag = createHash("sha256")
    .update(`${callId}\0${addressTag(from) ?? ""}\0${branch}`)
    .digest("hex")
    .slice(0, 16);
  const response: SipResponse = {
    kind: "response",
    version: SIP_VERSION,
    status,
    reason,
    headers: [
      { name: "Via", value: formatVia(stamped) },
      ...vias.slice(1).map((value) => ({ name: "Via", value })),
      { name: "From", value: from },
      { name: "To", value: withAddressTag(to, tag) },
      { name: "Call-ID", value: callId },
      { name: "CSeq", value: cseq },
      ...extra,
      { name: "Server", value: "Tandem" },
    ],
    body: Buffer.alloc(0),
  };
  const outcome =
    status === 200 ? "ok200" : status === 503 ? "unavailable503" : ("otherResponses" as const);
  return {
    action: "reply",
    outcome,
    response,
    destination: responseDestination(top, source),
  };
}
