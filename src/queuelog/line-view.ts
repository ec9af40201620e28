/**
 * A parsed line that cuts its fields out of the chunk's text only when they are asked for.
 * The loader parses every line into one view: the call and session derivations read only the
 * fields their verb needs, and the PostgreSQL and MariaDB rows are copied from the line's
 * bytes, so most lines never get an event object, a data array or most of their field strings
 * (which the garbage collector would otherwise have to sweep up by the hundred thousand).
 */
import { type LineInText, scanRange } from "./parse.js";

/**
 * One line at a time, as a {@link QueueLogEvent} whose fields are read where the line lies.
 * Valid until the next {@link LineView.parse}; whoever keeps a field keeps its string, never
 * the view.
 *
 * @example
 * ```ts
 * const v = new LineView();
 * v.parse("x1700000000|c1|sales|NONE|ENTERQUEUE||555|1y", 1, 44); // undefined (no reason)
 * v.verb; // "ENTERQUEUE"
 * v.data; // ["", "555", "1"]
 * ```
 */
export class LineView implements LineInText {
  p1 = -1;
  p2 = -1;
  p3 = -1;
  p4 = -1;
  p5 = -1;
  time = 0;
  /** Event name (the same string for every line with the same one, when it can be). */
  verb = "";
  /** The text holding the line. */
  text = "";
  /** Where the line starts in {@link LineView.text}. */
  start = 0;
  /** Where the line ends (its newline, or the end of the text). */
  end = 0;
  #callid: string | undefined;
  #queue: string | undefined;
  #agent: string | undefined;
  #data: string[] | undefined;

  /**
   * Parses the line `s.slice(start, end)` as {@link parseRange} does (same checks, same
   * `now` and `clean`) and returns why it is malformed, or `undefined` with the view on it.
   */
  parse(s: string, start: number, end: number, now?: number, clean = false): string | undefined {
    const reason = scanRange(s, start, end, now, clean, this);
    if (reason !== undefined) return reason;
    this.text = s;
    this.start = start;
    this.end = end;
    this.#callid = undefined;
    this.#queue = undefined;
    this.#agent = undefined;
    this.#data = undefined;
    this.verb = verbAt(s, this.p4 + 1, this.p5 < 0 ? end : this.p5);
    return undefined;
  }

  get callid(): string {
    this.#callid ??= this.text.slice(this.p1 + 1, this.p2);
    return this.#callid;
  }

  get queue(): string {
    this.#queue ??= this.text.slice(this.p2 + 1, this.p3);
    return this.#queue;
  }

  get agent(): string {
    this.#agent ??= this.text.slice(this.p3 + 1, this.p4);
    return this.#agent;
  }

  get data(): string[] {
    this.#data ??= this.p5 < 0 ? [] : this.text.slice(this.p5 + 1, this.end).split("|");
    return this.#data;
  }
}

// Event names seen, by length and first and last character: a line's name is compared with
// the one seen before in place, and only cut out when it differs. A log has a few dozen names,
// so most lines reuse one string (whose hash the verb tables' lookups have computed already).
const verbs = new Map<number, string>();

function verbAt(s: string, start: number, end: number): string {
  const key = ((end - start) << 16) | (s.charCodeAt(start) << 8) | s.charCodeAt(end - 1);
  const seen = verbs.get(key);
  if (seen !== undefined && s.startsWith(seen, start)) return seen;
  const verb = s.slice(start, end);
  if (verbs.size < 1024) verbs.set(key, verb);
  return verb;
}
