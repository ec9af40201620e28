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
  /** The line's text without its newline (decoded as Latin-1 when it is not UTF-8). */
  text?: string;
  /** True when the line's bytes were not valid UTF-8 and were decoded as Latin-1. */
  latin1?: boolean;
  /** Why the bytes cannot be a line (set instead of `text`). */
  reason?: string;
}

/**
 * The complete lines of one chunk, column by column: one string holds them all and each line
 * is a range of it, so cutting a megabyte into lines allocates a few arrays, not an object and
 * a string per line.
 */
export interface LineBlock {
  /** Every line's text; line `i` is `text.slice(from[i], to[i])`. */
  text: string;
  /** Number of lines. */
  count: number;
  from: number[];
  to: number[];
  /** Byte offset in the file of each line, plus one more entry: the offset after the last. */
  offsets: number[];
  /** Lines whose bytes cannot be a line (index → why); their range is empty. */
  bad: Map<number, string> | undefined;
  /** Lines that were not valid UTF-8 and were decoded as Latin-1 (ISO-8859-1), by index. */
  latin1: Set<number> | undefined;
  /**
   * The bytes `text` was decoded from, when they are all ASCII: then character `i` of `text`
   * is byte `i`, and a line can be copied as bytes without encoding its text again.
   */
  ascii?: Buffer;
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

  /** Adds bytes and returns every line they complete, one object per line. */
  push(chunk: Buffer): SplitLine[] {
    const b = this.cut(chunk);
    const out: SplitLine[] = [];
    for (let i = 0; i < b.count; i++) {
      const at = { offset: b.offsets[i] as number, next: b.offsets[i + 1] as number };
      const reason = b.bad?.get(i);
      if (reason !== undefined) out.push({ ...at, reason });
      else {
        const text = b.text.slice(b.from[i], b.to[i]);
        out.push(b.latin1?.has(i) === true ? { ...at, text, latin1: true } : { ...at, text });
      }
    }
    return out;
  }

  /** Adds bytes and returns every line they complete as one {@link LineBlock}. */
  cut(chunk: Buffer): LineBlock {
    const buf = this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : chunk;
    const b: LineBlock = {
      text: "",
      count: 0,
      from: [],
      to: [],
      offsets: [],
      bad: undefined,
      latin1: undefined,
    };
    const lastNl = buf.lastIndexOf(10);
    if (lastNl < 0) {
      this.#pending = Buffer.from(buf);
    } else {
      const body = buf.subarray(0, lastNl + 1);
      // Copy the tail so the (large) chunk it came from can be collected.
      this.#pending = Buffer.from(buf.subarray(lastNl + 1));
      if (isAscii(body)) cutAscii(body, this.#offset, b);
      else cutBytes(body, this.#offset, b);
      this.#offset += body.length;
    }
    this.#cutOverlong(b);
    b.offsets.push(this.#offset);
    return b;
  }

  // A "line" that keeps growing without a newline is binary garbage or a broken writer; keep
  // memory bounded by giving up on it in MAX_LINE_BYTES pieces, each kept aside.
  #cutOverlong(b: LineBlock): void {
    while (this.#pending.length > MAX_LINE_BYTES) {
      addBad(b, this.#offset, `more than ${MAX_LINE_BYTES} bytes without a newline`);
      this.#pending = Buffer.from(this.#pending.subarray(MAX_LINE_BYTES));
      this.#offset += MAX_LINE_BYTES;
    }
  }
}

function addBad(b: LineBlock, offset: number, reason: string): void {
  b.bad ??= new Map();
  b.bad.set(b.count, reason);
  b.from.push(0);
  b.to.push(0);
  b.offsets.push(offset);
  b.count++;
}

function cutAscii(body: Buffer, base: number, b: LineBlock): void {
  // One latin1 decode for the whole chunk; for ASCII a character index is a byte index.
  const text = body.toString("latin1");
  b.text = text;
  b.ascii = body;
  let pos = 0;
  const end = text.length;
  while (pos < end) {
    const nl = text.indexOf("\n", pos);
    if (nl - pos > MAX_LINE_BYTES) addBad(b, base + pos, tooLong(nl - pos));
    else {
      b.from.push(pos);
      b.to.push(nl);
      b.offsets.push(base + pos);
      b.count++;
    }
    pos = nl + 1;
  }
}

function cutBytes(body: Buffer, base: number, b: LineBlock): void {
  // A newline byte never falls inside a UTF-8 sequence, so when the whole chunk is UTF-8 so is
  // every line of it: one check per chunk, per line only when it is not.
  const allUtf8 = isUtf8(body);
  const parts: string[] = [];
  let chars = 0;
  let pos = 0;
  while (pos < body.length) {
    const nl = body.indexOf(10, pos);
    const line = body.subarray(pos, nl);
    if (line.length > MAX_LINE_BYTES) addBad(b, base + pos, tooLong(line.length));
    else {
      // Not UTF-8: most likely ISO-8859-1 (a caller name written by an older system), where
      // every byte is a character. Binary garbage decodes too, and the parser then finds its
      // control bytes.
      const utf8 = allUtf8 || isUtf8(line);
      if (!utf8) {
        b.latin1 ??= new Set();
        b.latin1.add(b.count);
      }
      const t = line.toString(utf8 ? "utf8" : "latin1");
      parts.push(t);
      b.from.push(chars);
      b.to.push(chars + t.length);
      b.offsets.push(base + pos);
      b.count++;
      chars += t.length + 1;
    }
    pos = nl + 1;
  }
  b.text = parts.join("\n");
}

function tooLong(n: number): string {
  return `line is ${n} bytes long, more than the ${MAX_LINE_BYTES} a queue_log line can be`;
}
