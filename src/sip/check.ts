/**
 * Whether a parsed request carries what RFC 3261 §8.1.1 requires, judged before answering.
 */
import { parseCSeq } from "./cseq.js";
import { headerValue, type SipRequest } from "./message.js";
import { quote } from "./text.js";
import { parseVia, viaValues } from "./via.js";

const SINGLE = ["From", "To", "Call-ID", "CSeq", "Max-Forwards"] as const;
const REQUIRED = ["Via", "From", "To", "Call-ID", "CSeq"] as const;

/**
 * The first problem that makes `request` a bad request (answered 400), or `undefined` when it
 * is well formed: a bare Request-URI, required headers present once, a valid top Via, CSeq `NUMBER METHOD` with
 * the request's method, Max-Forwards 0–255.
 *
 * @example
 * ```ts
 * requestProblem(request); // undefined, or e.g. 'CSeq "-1 OPTIONS" is not "NUMBER METHOD"'
 * ```
 */
export function requestProblem(request: SipRequest): string | undefined {
  if (/[<>"]/.test(request.uri)) {
    return `Request-URI ${quote(request.uri)} contains "<", ">" or a quote`;
  }
  const counts = new Map<string, number>();
  for (const { name } of request.headers) {
    const key = name.toLowerCase();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  for (const name of REQUIRED) {
    if (!counts.has(name.toLowerCase())) return `missing ${name} header`;
  }
  for (const name of SINGLE) {
    const count = counts.get(name.toLowerCase()) ?? 0;
    if (count > 1) return `${count} ${name} headers, expected one`;
  }
  const [top = ""] = viaValues(request);
  if (!parseVia(top)) return `top Via ${quote(top)} is not "SIP/2.0/TRANSPORT HOST[:PORT];..."`;
  const cseqValue = headerValue(request, "CSeq") ?? "";
  const cseq = parseCSeq(cseqValue);
  if (!cseq) {
    return `CSeq ${quote(cseqValue)} is not "NUMBER METHOD" with a number from 0 to 2147483647`;
  }
  if (cseq.method !== request.method) {
    return `CSeq method ${quote(cseq.method)} differs from the request method ${quote(request.method)}`;
  }
  const maxForwards = headerValue(request, "Max-Forwards");
  if (
    maxForwards !== undefined &&
    !(/^\d{1,10}$/.test(maxForwards) && Number(maxForwards) <= 255)
  ) {
    return `Max-Forwards ${quote(maxForwards)} is not a number from 0 to 255`;
  }
  return undefined;
}
