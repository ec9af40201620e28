/**
 * Header names: SIP names are case-insensitive and many have a one-letter compact form
 * (RFC 3261 §7.3.3, RFC 3262, RFC 3265, RFC 3515, RFC 3841, RFC 4028, RFC 4474).
 */

const CANONICAL = [
  "Accept",
  "Accept-Contact",
  "Accept-Encoding",
  "Allow",
  "Allow-Events",
  "Call-ID",
  "Contact",
  "Content-Encoding",
  "Content-Length",
  "Content-Type",
  "CSeq",
  "Event",
  "From",
  "Identity",
  "Max-Forwards",
  "Refer-To",
  "Referred-By",
  "Reject-Contact",
  "Request-Disposition",
  "Require",
  "Retry-After",
  "Route",
  "Record-Route",
  "Server",
  "Session-Expires",
  "Subject",
  "Supported",
  "To",
  "Unsupported",
  "User-Agent",
  "Via",
  "Warning",
  "WWW-Authenticate",
] as const;

const COMPACT: Record<string, string> = {
  a: "Accept-Contact",
  b: "Referred-By",
  c: "Content-Type",
  d: "Request-Disposition",
  e: "Content-Encoding",
  f: "From",
  i: "Call-ID",
  j: "Reject-Contact",
  k: "Supported",
  l: "Content-Length",
  m: "Contact",
  o: "Event",
  r: "Refer-To",
  s: "Subject",
  t: "To",
  u: "Allow-Events",
  v: "Via",
  x: "Session-Expires",
  y: "Identity",
};

const BY_LOWER = new Map<string, string>(CANONICAL.map((name) => [name.toLowerCase(), name]));

/**
 * The canonical full name of a header name as written: compact forms expanded, known names in
 * their usual spelling, unknown names unchanged.
 *
 * @example
 * ```ts
 * canonicalHeaderName("v");       // "Via"
 * canonicalHeaderName("call-id"); // "Call-ID"
 * canonicalHeaderName("X-Foo");   // "X-Foo"
 * ```
 */
export function canonicalHeaderName(name: string): string {
  const lower = name.toLowerCase();
  return COMPACT[lower] ?? BY_LOWER.get(lower) ?? name;
}
