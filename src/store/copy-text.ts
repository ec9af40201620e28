/**
 * Rows of COPY's text format (which MySQL's `LOAD DATA` reads too) encoded straight into
 * buffers: no string per row or per batch, no concatenation of the buffers before they are
 * sent, and the buffers of a committed batch are reused by the next one. Building the rows as
 * strings and encoding them afterwards took more of the loader's time than parsing the lines.
 */
import { copyField } from "./copy.js";

/** Size of each buffer rows are written into. */
export const COPY_BUFFER_BYTES = 1 << 20;

/** Buffers kept for reuse once a batch committed (two batches' worth at the largest size). */
const SPARE_LIMIT = 16;
const spare: Buffer[] = [];

const TAB = 9;
const NEWLINE = 10;
const BACKSLASH = 92;
const PIPE = 124;

/**
 * A growing run of COPY text rows. Fields are appended one by one (each row ends with
 * {@link CopyText.endRow}). {@link CopyText.parts} are one stream of text: a row continues in
 * the next buffer when it did not fit, unless {@link CopyText.room} was asked for it whole
 * (COPY's CopyData messages and `LOAD DATA`'s packets may cut rows anywhere).
 *
 * @example
 * ```ts
 * const t = new CopyText();
 * t.text("A"); t.tab(); t.int(42); t.tab(); t.nullable(null); t.endRow();
 * Buffer.concat(t.parts()).toString(); // "A\t42\t\\N\n"
 * t.release(); // once the database has read it
 * ```
 */
export class CopyText {
  /** Buffers filled, each cut to the bytes written. */
  readonly #done: Buffer[] = [];
  /** Whole buffers taken from the spare list (returned by {@link CopyText.release}). */
  readonly #owned: Buffer[] = [];
  #out: Buffer = Buffer.alloc(0);
  #start = 0;
  #pos = 0;
  #bytes = 0;

  /** Bytes written so far. */
  get byteLength(): number {
    return this.#bytes + this.#pos - this.#start;
  }

  /**
   * Makes room for `n` more bytes in the current buffer (a new buffer when it has less): asked
   * at the start of a row with the row's largest size, the row stays in one buffer.
   */
  room(n: number): void {
    if (this.#out.length - this.#pos >= n) return;
    this.#seal();
    let b: Buffer;
    if (n <= COPY_BUFFER_BYTES) {
      b = spare.pop() ?? Buffer.allocUnsafeSlow(COPY_BUFFER_BYTES);
      this.#owned.push(b);
    } else b = Buffer.allocUnsafeSlow(n);
    this.#out = b;
    this.#start = 0;
    this.#pos = 0;
  }

  /** A text field, escaped as COPY's text format requires, encoded as UTF-8. */
  text(s: string): void {
    const n = s.length;
    this.room(2 * n);
    const out = this.#out;
    let p = this.#pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.#textUtf8(s);
        return;
      }
      if (c === BACKSLASH || c === TAB || c === NEWLINE || c === 13) {
        out[p++] = BACKSLASH;
        out[p++] = c === BACKSLASH ? BACKSLASH : c === TAB ? 116 : c === NEWLINE ? 110 : 114;
      } else out[p++] = c;
    }
    this.#pos = p;
  }

  // A field with a character beyond ASCII: rare in a queue_log (a caller name), so the slow,
  // simple way — escape as a string, then encode it whole.
  #textUtf8(s: string): void {
    const esc = copyField(s);
    this.room(Buffer.byteLength(esc, "utf8"));
    this.#pos += this.#out.write(esc, this.#pos, "utf8");
  }

  /** An integer field (any sign); other numbers as JavaScript writes them. */
  int(n: number): void {
    if (!Number.isSafeInteger(n)) {
      this.text(String(n));
      return;
    }
    this.room(17);
    const out = this.#out;
    let p = this.#pos;
    let x = n;
    if (x < 0) {
      out[p++] = 45;
      x = -x;
    }
    if (x < 10) {
      out[p] = 48 + x;
      this.#pos = p + 1;
      return;
    }
    let digits = 0;
    for (let y = x; y >= 1; y = Math.floor(y / 10)) digits++;
    for (let i = p + digits - 1; i >= p; i--) {
      out[i] = 48 + (x % 10);
      x = Math.floor(x / 10);
    }
    this.#pos = p + digits;
  }

  /** A nullable number or text field (`\N` is NULL). */
  nullable(v: string | number | null): void {
    if (v === null) {
      this.room(2);
      this.#out[this.#pos++] = BACKSLASH;
      this.#out[this.#pos++] = 78;
    } else if (typeof v === "number") this.int(v);
    else this.text(v);
  }

  /** Bytes that are already COPY text (a row's constant head, say). */
  bytes(b: Buffer): void {
    const n = b.length;
    this.room(n);
    const out = this.#out;
    let p = this.#pos;
    for (let i = 0; i < n; i++) out[p++] = b[i] as number;
    this.#pos = p;
  }

  /** The field separator. */
  tab(): void {
    this.room(1);
    this.#out[this.#pos++] = TAB;
  }

  /** `k` empty fields' separators. */
  tabs(k: number): void {
    this.room(k);
    for (let i = 0; i < k; i++) this.#out[this.#pos++] = TAB;
  }

  /** Ends the row. */
  endRow(): void {
    this.room(1);
    this.#out[this.#pos++] = NEWLINE;
  }

  /**
   * Appends the ASCII bytes `src[start, end)`, which hold no character COPY escapes, with
   * their first `pipes` `|` turned into tabs; returns how many `|` the bytes hold in all.
   */
  pipesToTabs(src: Buffer, start: number, end: number, pipes: number): number {
    this.room(end - start);
    const out = this.#out;
    let p = this.#pos;
    let seen = 0;
    for (let i = start; i < end; i++) {
      const c = src[i] as number;
      if (c === PIPE) {
        out[p++] = seen < pipes ? TAB : PIPE;
        seen++;
      } else out[p++] = c;
    }
    this.#pos = p;
    return seen;
  }

  /** The text written, in order (valid until {@link CopyText.release}). */
  parts(): Buffer[] {
    this.#seal();
    return this.#done.slice();
  }

  /**
   * Hands the buffers back for the next batch to reuse. Only once nothing reads them any more:
   * after the statement that sent them completed.
   */
  release(): void {
    for (const b of this.#owned) if (spare.length < SPARE_LIMIT) spare.push(b);
    this.#owned.length = 0;
    this.#done.length = 0;
    this.#out = Buffer.alloc(0);
    this.#start = 0;
    this.#pos = 0;
    this.#bytes = 0;
  }

  #seal(): void {
    if (this.#pos === this.#start) return;
    this.#done.push(this.#out.subarray(this.#start, this.#pos));
    this.#bytes += this.#pos - this.#start;
    this.#start = this.#pos;
  }
}
