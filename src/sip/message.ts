/**
 * The SIP message model: a request or a response, its header fields in the order received
 * (names in their full canonical form), and the body. `Content-Length` is not kept as a header:
 * the body's length is the truth, and the serializer writes it.
 */

/** One header field. A line such as `Via: a, b` is one field whose value holds both. */
export interface SipHeader {
  /** Canonical full name, e.g. `Via` for `v` or `VIA`; unknown names keep their spelling. */
  name: string;
  /** The value with surrounding whitespace removed and folded lines joined by one space. */
  value: string;
}

/** A SIP request, e.g. `OPTIONS sip:pbx@10.0.0.1 SIP/2.0`. */
export interface SipRequest {
  kind: "request";
  /** The method, case-sensitive as RFC 3261 says (`OPTIONS`, not `options`). */
  method: string;
  /** The Request-URI as written. */
  uri: string;
  /** The protocol version, normally `SIP/2.0`. */
  version: string;
  headers: SipHeader[];
  body: Buffer;
}

/** A SIP response, e.g. `SIP/2.0 200 OK`. */
export interface SipResponse {
  kind: "response";
  /** The protocol version, normally `SIP/2.0`. */
  version: string;
  /** The status code, 100–699. */
  status: number;
  /** The reason phrase, possibly empty. */
  reason: string;
  headers: SipHeader[];
  body: Buffer;
}

/** A request or a response. */
export type SipMessage = SipRequest | SipResponse;

/** The only protocol version Tandem speaks. */
export const SIP_VERSION = "SIP/2.0";

/**
 * The first value of header `name` (canonical full name, any case), or `undefined`.
 *
 * @example
 * ```ts
 * headerValue(request, "call-id"); // "a84b4c76e66710@pc33.example.com"
 * ```
 */
export function headerValue(
  message: { headers: readonly SipHeader[] },
  name: string,
): string | undefined {
  const wanted = name.toLowerCase();
  return message.headers.find((h) => h.name.toLowerCase() === wanted)?.value;
}

/**
 * Every value of header `name` (canonical full name, any case) in order, one per field line.
 *
 * @example
 * ```ts
 * headerValues(request, "Via"); // ["SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2"]
 * ```
 */
export function headerValues(message: { headers: readonly SipHeader[] }, name: string): string[] {
  const wanted = name.toLowerCase();
  return message.headers.filter((h) => h.name.toLowerCase() === wanted).map((h) => h.value);
}
