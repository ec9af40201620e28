/**
 * Splits a byte stream into queue_log lines while keeping the byte offset of each one, which
 * is what rows are keyed by and what the checkpoint stores.
 */
import { isAscii, isUtf8 } from "node:buffer";
import { MAX_LINE_BYTES } from "./parse.js";

/** One complete line cut from the stream. */
export interface SplitLine {
  /** Byte offset of the line's first byte in the file. */
  offset: number;
  /** Byte offset just after the line's newline: where the next line starts. */
  next: number;
  /** The line's text without its newline, when it is valid UTF-8 of sane length. */
  text?: string;
  /** Why the bytes cannot be a line (set instead of `text`). */
  reason?: string;
}

/**
 * Cuts complete lines out of chunks; a partial last line waits for the rest of its bytes.
 *
 * @example
 * ```ts
 * const s = new LineSplitter(0);
 * s.push(Buffer.from("1|a|q|NONE|X\n2|b"));   // [{ offset: 0, next: 13, text: "1|a|q|NONE|X" }]
 * s.push(Buffer.from("|q|NONE|Y\n"));          // [{ offset: 13, next: 23, text: "2|b|q|NONE|Y" }]
 * ```
 */
export class LineSplitter {
  #pending: Buffer = Buffer.alloc(0);
  #offset: number;

  /** @param offset byte offset in the file of the first byte that will be pushed */
  constructor(offset: number) {
    this.#offset = offset;
  }

  /** Offset of the first byte not yet returned as part of a complete line. */
  get offset(): number {
    return this.#offset;
  }

  /** Bytes of the partial last line held back. */
  get pendingBytes(): number {
    return this.#pending.length;
  }

  /** Adds bytes and returns every line they complete. */
  push(chunk: Buffer): SplitLine[] {
    const buf = this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : chunk;
    const out: SplitLine[] = [];
    const lastNl = buf.lastIndexOf(10);
    if (lastNl < 0) {
      this.#pending = Buffer.from(buf);
      this.#cutOverlong(out);
      return out;
    }
    const body = buf.subarray(0, lastNl + 1);
    // Copy the tail so the (large) chunk it came from can be collected.
    this.#pending = Buffer.from(buf.subarray(lastNl + 1));
    const base = this.#offset;
    if (isAscii(body)) splitAscii(body, base, out);
    else splitBytes(body, base, out);
    this.#offset = base + body.length;
    this.#cutOverlong(out);
    return out;
  }

  // A "line" that keeps growing without a newline is binary garbage or a broken writer; keep
  // memory bounded by giving up on it in MAX_LINE_BYTES pieces, each kept aside.
  #cutOverlong(out: SplitLine[]): void {
    while (this.#pending.length > MAX_LINE_BYTES) {
      out.push({
        offset: this.#offset,
        next: this.#offset + MAX_LINE_BYTES,
        reason: `more than ${MAX_LINE_BYTES} bytes without a newline`,
      });
      this.#pending = Buffer.from(this.#pending.subarray(MAX_LINE_BYTES));
      this.#offset += MAX_LINE_BYTES;
    }
  }
}

function splitAscii(body: Buffer, base: number, out: SplitLine[]): void {
  // One latin1 decode for the whole chunk; every line is then a cheap slice of it, and for
  // ASCII a character index is a byte index.
  const text = body.toString("latin1");
  let pos = 0;
  const end = text.length;
  while (pos < end) {
    const nl = text.indexOf("\n", pos);
    const len = nl - pos;
    if (len > MAX_LINE_BYTES) {
      out.push({ offset: base + pos, next: base + nl + 1, reason: tooLong(len) });
    } else {
      out.push({ offset: base + pos, next: base + nl + 1, text: text.slice(pos, nl) });
    }
    pos = nl + 1;
  }
}

function splitBytes(body: Buffer, base: number, out: SplitLine[]): void {
  let pos = 0;
  while (pos < body.length) {
    const nl = body.indexOf(10, pos);
    const line = body.subarray(pos, nl);
    const at = { offset: base + pos, next: base + nl + 1 };
    if (line.length > MAX_LINE_BYTES) out.push({ ...at, reason: tooLong(line.length) });
    else if (isUtf8(line)) out.push({ ...at, text: line.toString("utf8") });
    else out.push({ ...at, reason: "not valid UTF-8 text (binary data?)" });
    pos = nl + 1;
  }
}

function tooLong(n: number): string {
  return `line is ${n} bytes long, more than the ${MAX_LINE_BYTES} a queue_log line can be`;
}
