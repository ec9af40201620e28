/**
 * The SIP message parser (RFC 3261 §7, the subset a monitoring responder needs): start line,
 * header fields with folding and compact names, and a body bounded by Content-Length.
 * Never throws: every problem is a {@link SipParseResult} with a reason.
 */
import { canonicalHeaderName } from "./header-names.js";
import { DEFAULT_SIP_LIMITS, type SipLimits } from "./limits.js";
import type { SipHeader, SipMessage } from "./message.js";
import { quote } from "./text.js";

/** The outcome of {@link parseSipMessage}. */
export type SipParseResult =
  | { ok: true; message: SipMessage }
  | {
      ok: false;
      /** What is wrong, for logs, e.g. `Content-Length "abc" is not a number`. */
      reason: string;
      /** The first line, when it was read (tells a request from a response). */
      startLine?: string;
      /** The header fields, when the header section could be read (enough to answer 400). */
      headers?: SipHeader[];
    };

const TOKEN = "[A-Za-z0-9\\-.!%*_+`'~]+";
const REQUEST_LINE = new RegExp(`^(${TOKEN}) +(\\S+) +(SIP/\\d+\\.\\d+) *$`);
const STATUS_LINE = /^(SIP\/\d+\.\d+) +([1-6]\d\d)(?: +(.*))?$/s;
const HEADER_LINE = new RegExp(`^(${TOKEN})[ \\t]*:(.*)$`, "s");

/**
 * Parses one SIP message: a whole UDP datagram, or one message cut from a TCP stream by
 * {@link SipStreamFramer}. Empty lines before the start line are skipped (RFC 3261 §7.5).
 * Without Content-Length the body is the rest of the input; a body longer than
 * Content-Length is cut to it (RFC 3261 §18.3).
 *
 * @example
 * ```ts
 * const result = parseSipMessage(datagram);
 * if (result.ok && result.message.kind === "request") console.log(result.message.method);
 * else if (!result.ok) console.log(result.reason); // e.g. "no empty line after the header fields"
 * ```
 */
export function parseSipMessage(
  data: Uint8Array,
  limits: SipLimits = DEFAULT_SIP_LIMITS,
): SipParseResult {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.length > limits.maxMessageBytes) {
    return fail(`message of ${bytes.length} bytes is over the limit of ${limits.maxMessageBytes}`);
  }
  let start = 0;
  while (bytes[start] === 0x0d || bytes[start] === 0x0a) start++;
  const end = headerEnd(bytes, start);
  if (end === undefined) return fail("no empty line after the header fields");
  const lines = bytes.toString("utf8", start, end.headers).split(/\r?\n/);
  const startLine = lines[0] ?? "";
  const headers = unfold(lines.slice(1), limits.maxHeaders);
  if (typeof headers === "string") return { ok: false, reason: headers, startLine };
  const partial = { startLine, headers: headers.filter((h) => h.name !== "Content-Length") };
  const length = contentLength(headers);
  if (typeof length === "string") return { ok: false, reason: length, ...partial };
  const available = bytes.length - end.body;
  if (length !== undefined && length > available) {
    return {
      ok: false,
      reason: `Content-Length ${length} is more than the ${available} bytes of body received`,
      ...partial,
    };
  }
  const body = Buffer.from(bytes.subarray(end.body, end.body + (length ?? available)));
  const request = REQUEST_LINE.exec(startLine);
  if (request) {
    const [, method = "", uri = "", version = ""] = request;
    return {
      ok: true,
      message: { kind: "request", method, uri, version, headers: partial.headers, body },
    };
  }
  const status = STATUS_LINE.exec(startLine);
  if (status) {
    const [, version = "", code = "", reason = ""] = status;
    return {
      ok: true,
      message: {
        kind: "response",
        version,
        status: Number(code),
        reason: reason.trim(),
        headers: partial.headers,
        body,
      },
    };
  }
  return {
    ok: false,
    reason: `start line ${quote(startLine)} is neither "METHOD URI SIP/2.0" nor "SIP/2.0 CODE REASON"`,
    ...partial,
  };
}

function fail(reason: string): SipParseResult {
  return { ok: false, reason };
}

/** Where the header section ends (before its empty line) and the body starts. */
function headerEnd(bytes: Buffer, from: number): { headers: number; body: number } | undefined {
  for (let i = bytes.indexOf(0x0a, from); i !== -1; i = bytes.indexOf(0x0a, i + 1)) {
    // The header section ends before the line end of its last line, CRLF or LF.
    const headers = bytes[i - 1] === 0x0d ? i - 1 : i;
    if (bytes[i + 1] === 0x0a) return { headers, body: i + 2 };
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) return { headers, body: i + 3 };
  }
  return undefined;
}

/** Joins folded lines (a line starting with space or tab continues the previous one). */
function unfold(lines: string[], maxHeaders: number): SipHeader[] | string {
  const headers: SipHeader[] = [];
  let current: { name: string; value: string } | undefined;
  let lineNo = 1;
  for (const line of lines) {
    lineNo++;
    if (line.startsWith(" ") || line.startsWith("\t")) {
      if (!current) return `line ${lineNo} continues a header field, but none came before`;
      current.value = `${current.value.trimEnd()} ${line.trim()}`;
      continue;
    }
    if (current) headers.push({ name: current.name, value: current.value.trim() });
    const m = HEADER_LINE.exec(line);
    if (!m?.[1]) return `line ${lineNo} ${quote(line)} is not "Name: value"`;
    if (headers.length >= maxHeaders) return `more than ${maxHeaders} header fields`;
    current = { name: canonicalHeaderName(m[1]), value: m[2] ?? "" };
  }
  if (current) headers.push({ name: current.name, value: current.value.trim() });
  return headers;
}

function contentLength(headers: SipHeader[]): number | undefined | string {
  const values = [
    ...new Set(headers.filter((h) => h.name === "Content-Length").map((h) => h.value)),
  ];
  if (values.length === 0) return undefined;
  if (values.length > 1) return `Content-Length given twice with different values`;
  const value = values[0] ?? "";
  if (!/^\d{1,10}$/.test(value)) {
    return `Content-Length ${quote(value)} is not a non-negative whole number`;
  }
  return Number(value);
}
