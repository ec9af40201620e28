/**
 * A batch's lines for SQLite, kept as where they lie in the chunks' text rather than as row
 * objects: ten numbers per line and one string per chunk, which the garbage collector
 * does not have to trace line by line while the batch waits for its commit. Each row object
 * is made when its insert runs, and dropped right after.
 */
import type { LineInText } from "../queuelog/parse.js";
import type { EventTable } from "./schema.js";

// Per line: offset in the file, time, index of its text, start, end, and the five `|`.
const STRIDE = 10;

/**
 * Lines by position, turned into {@link EventTable} rows on demand.
 *
 * @example
 * ```ts
 * const r = new EventRanges();
 * r.add(0, view); // a LineView on "1700000000|c1|q|NONE|ENTERQUEUE||555|1"
 * r.forEach("A", "key", (row) => insert.run(row)); // { …, verb: "ENTERQUEUE", data2: "555", nf: 3 }
 * ```
 */
export class EventRanges {
  #cols = new Float64Array(STRIDE * 1024);
  #count = 0;
  readonly #texts: string[] = [];

  /** Lines held. */
  get count(): number {
    return this.#count;
  }

  /** Adds the line at byte `off` of its file. */
  add(off: number, line: LineInText): void {
    const texts = this.#texts;
    if (texts[texts.length - 1] !== line.text) texts.push(line.text);
    let c = this.#cols;
    const at = this.#count * STRIDE;
    if (at + STRIDE > c.length) {
      const grown = new Float64Array(c.length * 2);
      grown.set(c);
      this.#cols = c = grown;
    }
    c[at] = off;
    c[at + 1] = line.time;
    c[at + 2] = texts.length - 1;
    c[at + 3] = line.start;
    c[at + 4] = line.end;
    c[at + 5] = line.p1;
    c[at + 6] = line.p2;
    c[at + 7] = line.p3;
    c[at + 8] = line.p4;
    c[at + 9] = line.p5;
    this.#count++;
  }

  /** Calls `fn` with each line's row, in the order added (each a new object). */
  forEach(partition: string, fileKey: string, fn: (row: EventTable) => void): void {
    const c = this.#cols;
    for (let i = 0; i < this.#count; i++) {
      const at = i * STRIDE;
      const s = this.#texts[c[at + 2] as number] as string;
      const end = c[at + 4] as number;
      const p1 = c[at + 5] as number;
      const p2 = c[at + 6] as number;
      const p3 = c[at + 7] as number;
      const p4 = c[at + 8] as number;
      const p5 = c[at + 9] as number;
      const row: EventTable = {
        partition,
        file_key: fileKey,
        off: c[at] as number,
        time: c[at + 1] as number,
        callid: s.slice(p1 + 1, p2),
        queue: s.slice(p2 + 1, p3),
        agent: s.slice(p3 + 1, p4),
        verb: s.slice(p4 + 1, p5 < 0 ? end : p5),
        data1: "",
        data2: "",
        data3: "",
        data4: "",
        data5: "",
        nf: 0,
      };
      if (p5 >= 0) dataFields(s, p5 + 1, end, row);
      fn(row);
    }
  }
}

/** Fills the data columns of `row` from the data fields in `s[from, end)` (at least one). */
function dataFields(s: string, from: number, end: number, row: EventTable): void {
  let a = from;
  for (let k = 0; k < 4; k++) {
    let b = s.indexOf("|", a);
    if (b < 0 || b >= end) b = end;
    const f = s.slice(a, b);
    if (k === 0) row.data1 = f;
    else if (k === 1) row.data2 = f;
    else if (k === 2) row.data3 = f;
    else row.data4 = f;
    if (b === end) {
      row.nf = k + 1;
      return;
    }
    a = b + 1;
  }
  // The fifth field and every later one, joined by `|` as written.
  row.data5 = s.slice(a, end);
  let nf = 5;
  for (let i = s.indexOf("|", a); i >= 0 && i < end; i = s.indexOf("|", i + 1)) nf++;
  row.nf = nf;
}
