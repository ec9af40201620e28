/**
 * Cutting a TCP byte stream into SIP messages by Content-Length (RFC 3261 §18.3), with a
 * bounded buffer: a peer that sends garbage or an oversize message gets an error, and the
 * connection is meant to be closed.
 */
import { canonicalHeaderName } from "./header-names.js";
import { DEFAULT_SIP_LIMITS, type SipLimits } from "./limits.js";
import { quote } from "./text.js";

/** What one {@link SipStreamFramer.push} produced. */
export interface FramerOutput {
  /** Complete messages, each exactly one start line to the end of its body. */
  messages: Buffer[];
  /** Set when the stream cannot be SIP any more; close the connection. Later pushes repeat it. */
  error?: string;
}

const FIRST_LINE = /^(?:[A-Za-z0-9\-.!%*_+`'~]+ +\S+ +SIP\/\d|SIP\/\d+\.\d+ +\d{3})/;
/** What the first 40 bytes of a start line not yet complete must look like. */
const FIRST_LINE_START = /^(?:[A-Za-z0-9\-.!%*_+`'~]{1,32} |SIP\/)/;

/**
 * Splits a stream into messages. Empty lines between messages (CRLF keep-alives,
 * RFC 5626 §4.4.1) are dropped. A message without Content-Length has an empty body.
 *
 * @example
 * ```ts
 * const framer = new SipStreamFramer();
 * socket.on("data", (chunk) => {
 *   const { messages, error } = framer.push(chunk);
 *   for (const m of messages) handle(parseSipMessage(m));
 *   if (error) socket.destroy();
 * });
 * ```
 */
export class SipStreamFramer {
  readonly #limits: SipLimits;
  #buffer: Buffer = Buffer.alloc(0);
  /** Where to resume looking for the end of the header section. */
  #scanned = 0;
  #error: string | undefined;

  constructor(limits: SipLimits = DEFAULT_SIP_LIMITS) {
    this.#limits = limits;
  }

  /** Bytes held while waiting for the rest of a message (at most the message limit). */
  get buffered(): number {
    return this.#buffer.length;
  }

  /** Adds received bytes; returns the messages they complete. */
  push(chunk: Uint8Array): FramerOutput {
    if (this.#error !== undefined) return { messages: [], error: this.#error };
    this.#buffer =
      this.#buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#buffer, chunk]);
    const messages: Buffer[] = [];
    for (;;) {
      const next = this.#next();
      if (typeof next === "string") {
        this.#error = next;
        this.#buffer = Buffer.alloc(0);
        return { messages, error: next };
      }
      if (next === undefined) return { messages };
      messages.push(next);
    }
  }

  /** The next complete message, `undefined` when more bytes are needed, or an error. */
  #next(): Buffer | undefined | string {
    let skip = 0;
    while (this.#buffer[skip] === 0x0d || this.#buffer[skip] === 0x0a) skip++;
    if (skip > 0) {
      this.#buffer = this.#buffer.subarray(skip);
      this.#scanned = 0;
    }
    const buffer = this.#buffer;
    const max = this.#limits.maxMessageBytes;
    const firstLineEnd = buffer.indexOf(0x0a);
    const firstLine = buffer.toString("latin1", 0, firstLineEnd === -1 ? 40 : firstLineEnd);
    const looksWrong =
      firstLineEnd === -1
        ? buffer.length >= 40 && !FIRST_LINE_START.test(firstLine)
        : !FIRST_LINE.test(firstLine);
    if (looksWrong) {
      return `stream does not start with a SIP start line: ${quote(firstLine.trimEnd())}`;
    }
    const end = this.#headerEnd();
    if (end === undefined) {
      return buffer.length > max
        ? `header section longer than the ${max}-byte message limit`
        : undefined;
    }
    const length = contentLength(buffer.toString("utf8", 0, end.headers));
    if (typeof length === "string") return length;
    const total = end.body + length;
    if (total > max) return `message of ${total} bytes is over the limit of ${max}`;
    if (buffer.length < total) return undefined;
    const message = Buffer.from(buffer.subarray(0, total));
    this.#buffer = buffer.subarray(total);
    this.#scanned = 0;
    return message;
  }

  #headerEnd(): { headers: number; body: number } | undefined {
    const buffer = this.#buffer;
    // Look again from just before where the last search stopped: the blank line may straddle.
    let i = buffer.indexOf(0x0a, Math.max(0, this.#scanned - 2));
    for (; i !== -1; i = buffer.indexOf(0x0a, i + 1)) {
      if (buffer[i + 1] === 0x0a) return { headers: i, body: i + 2 };
      if (buffer[i + 1] === 0x0d && buffer[i + 2] === 0x0a) return { headers: i, body: i + 3 };
      if (i + 2 >= buffer.length) break;
    }
    this.#scanned = buffer.length;
    return undefined;
  }
}

/** Content-Length from the header section (folded lines joined); 0 when absent. */
function contentLength(section: string): number | string {
  const unfolded = section.replace(/\r?\n[ \t]+/g, " ");
  let found: string | undefined;
  for (const line of unfolded.split(/\r?\n/).slice(1)) {
    const colon = line.indexOf(":");
    if (colon === -1 || canonicalHeaderName(line.slice(0, colon).trim()) !== "Content-Length") {
      continue;
    }
    const value = line.slice(colon + 1).trim();
    if (found !== undefined && found !== value) {
      return "Content-Length given twice with different values";
    }
    found = value;
  }
  if (found === undefined) return 0;
  if (!/^\d{1,10}$/.test(found)) {
    return `Content-Length ${quote(found)} is not a non-negative whole number`;
  }
  return Number(found);
}
