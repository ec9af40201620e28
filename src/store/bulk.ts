/**
 * Bulk writes for the loader's hot path. Reports share one set of Kysely queries on both
 * databases; the loader's row writes are the one place each database gets its fastest form:
 * COPY on PostgreSQL (new lines and new calls; the few calls open across a batch boundary are
 * updated through `unnest()` of column arrays) and a prepared statement run per row on SQLite
 * (in-process, no SQL text per batch). All run inside the caller's transaction.
 */
import type BetterSqlite3 from "better-sqlite3";
import type pg from "pg";
import type { QueueLogEvent } from "../queuelog/event.js";
import { copyField, copyFrom, copyNullable } from "./copy.js";
import type { CallTable, EventTable } from "./schema.js";
import type { LocatedEvent } from "./write.js";

/** The columns of `qlog_events` in the order of {@link EventRows}' COPY text. */
export const EVENT_COLS = [
  "partition",
  "file_key",
  "off",
  "time",
  "callid",
  "queue",
  "agent",
  "verb",
  "data1",
  "data2",
  "data3",
  "data4",
  "data5",
  "nf",
] as const;

/** The columns of `qlog_calls` in the order of {@link callsText}. */
export const CALL_COLS = [
  "partition",
  "file_key",
  "off",
  "callid",
  "queue",
  "caller",
  "enter_time",
  "connect_time",
  "end_time",
  "end_verb",
  "agent",
  "wait",
  "talk",
  "position",
] as const;
const CALL_TYPES = [
  "text",
  "text",
  "int8",
  "text",
  "text",
  "text",
  "int8",
  "int8",
  "int8",
  "text",
  "text",
  "int8",
  "int8",
  "int4",
];
const CALL_KEY: readonly CallColumn[] = ["partition", "file_key", "off"];
/** The columns of a call an end or an answer changes (updated by key). */
export const CALL_UPDATE: readonly CallColumn[] = [
  "connect_time",
  "end_time",
  "end_verb",
  "agent",
  "wait",
  "talk",
];
type CallColumn = (typeof CALL_COLS)[number];

const asIs = (v: string): string => v;

/** Rows of COPY text gathered before they are encoded into one buffer. */
const ROWS_PER_BUFFER = 2048;

/** Size of the buffers rows copied as bytes are written into. */
const BYTES_PER_BUFFER = 1 << 20;

const TAB = 9;
const PIPE = 124;
const NEWLINE = 10;

/**
 * A batch's lines, all of one partition and file, as the store will write them: COPY text for
 * PostgreSQL, encoded as they are parsed, so a batch waiting for its commit holds a few
 * buffers instead of an object graph per line (which the garbage collector would have to trace
 * over and over); row objects for SQLite's prepared statement.
 */
export class EventRows {
  /** Lines in the batch. */
  count = 0;
  /** Time of the last line added. */
  lastTime: number | undefined;
  /** The lines with their offsets (SQLite only). */
  readonly located: LocatedEvent[] = [];
  readonly #copy: boolean;
  readonly #head: string;
  readonly #headBytes: Buffer;
  readonly #buffers: Buffer[] = [];
  #text = "";
  #rows = 0;
  #out: Buffer | undefined;
  #pos = 0;

  /**
   * @param copy true for PostgreSQL and MySQL (COPY text, which `LOAD DATA` reads too), false
   *   for SQLite (row objects)
   */
  constructor(copy: boolean, partition: string, fileKey: string) {
    this.#copy = copy;
    this.#head = `${copyField(partition)}\t${copyField(fileKey)}\t`;
    this.#headBytes = Buffer.from(this.#head, "utf8");
  }

  /**
   * Adds the line at byte `off`. `plain` promises that no field holds a character COPY must
   * escape (see {@link copySafe}); with false every field is escaped. With `ascii`, the line's
   * own bytes (`ascii[start, end)`, all ASCII) are copied into the row instead of encoding its
   * fields again: the loader's largest cost after parsing was building and encoding this text.
   */
  add(off: number, e: QueueLogEvent, plain: boolean, ascii?: Buffer, start = 0, end = 0): void {
    this.count++;
    this.lastTime = e.time;
    if (!this.#copy) {
      this.located.push({ off, event: e });
      return;
    }
    if (plain && ascii !== undefined) {
      this.#addBytes(off, e.data.length, ascii, start, end);
      return;
    }
    this.#sealBytes();
    const f = plain ? asIs : copyField;
    const d = e.data;
    const n = d.length;
    this.#text +=
      `${this.#head}${off}\t${e.time}\t${f(e.callid)}\t${f(e.queue)}\t${f(e.agent)}\t${f(e.verb)}\t` +
      `${n > 0 ? f(d[0] as string) : ""}\t${n > 1 ? f(d[1] as string) : ""}\t` +
      `${n > 2 ? f(d[2] as string) : ""}\t${n > 3 ? f(d[3] as string) : ""}\t` +
      `${n > 4 ? f(n === 5 ? (d[4] as string) : d.slice(4).join("|")) : ""}\t${n}\n`;
    if (++this.#rows === ROWS_PER_BUFFER) this.#seal();
  }

  /**
   * The row of a line whose bytes need no escaping: its fields are already in COPY's order,
   * so the row is the head, the offset, and the line with its first nine `|` (the four before
   * the event name, the one after it and those between the first four data fields) turned into
   * tabs, padded to five data columns, then the number of data fields. A time written with
   * leading zeros stays so, which the bigint column reads as the same number.
   */
  #addBytes(off: number, nf: number, line: Buffer, start: number, end: number): void {
    this.#seal();
    const head = this.#headBytes;
    const need = head.length + 16 + 1 + (end - start) + 5 + 1 + 11 + 1;
    let out = this.#out;
    if (out === undefined || out.length - this.#pos < need) {
      this.#sealBytes();
      out = Buffer.allocUnsafe(Math.max(BYTES_PER_BUFFER, need));
      this.#out = out;
    }
    let p = this.#pos;
    p += head.copy(out, p);
    p = writeInt(out, p, off);
    out[p++] = TAB;
    const from = p;
    p += line.copy(out, p, start, end);
    let pipes = 0;
    for (let i = from; i < p && pipes < 9; i++) {
      if (out[i] === PIPE) {
        out[i] = TAB;
        pipes++;
      }
    }
    for (let k = nf; k < 5; k++) out[p++] = TAB;
    out[p++] = TAB;
    p = writeInt(out, p, nf);
    out[p++] = NEWLINE;
    this.#pos = p;
  }

  #sealBytes(): void {
    if (this.#out === undefined || this.#pos === 0) return;
    this.#buffers.push(this.#out.subarray(0, this.#pos));
    this.#out = this.#out.subarray(this.#pos);
    this.#pos = 0;
  }

  /** The COPY data of every line added (PostgreSQL). */
  copyData(): Buffer {
    this.#seal();
    this.#sealBytes();
    return this.#buffers.length === 1 ? (this.#buffers[0] as Buffer) : Buffer.concat(this.#buffers);
  }

  #seal(): void {
    if (this.#rows === 0) return;
    this.#buffers.push(Buffer.from(this.#text, "utf8"));
    this.#text = "";
    this.#rows = 0;
  }
}

/** Writes the decimal digits of a non-negative integer at `p`; returns the position after. */
function writeInt(out: Buffer, p: number, n: number): number {
  if (n < 10) {
    out[p] = 48 + n;
    return p + 1;
  }
  let digits = 0;
  for (let x = n; x >= 1; x = Math.floor(x / 10)) digits++;
  let x = n;
  for (let i = p + digits - 1; i >= p; i--) {
    out[i] = 48 + (x % 10);
    x = Math.floor(x / 10);
  }
  return p + digits;
}

/** Copies a batch's lines into `qlog_events` with COPY. */
export async function copyEventsPg(client: pg.ClientBase, rows: EventRows): Promise<void> {
  await copyFrom(client, "qlog_events", EVENT_COLS, rows.copyData());
}

/** Copies call rows no earlier batch stored into `qlog_calls` with COPY. */
export async function copyCallsPg(
  client: pg.ClientBase,
  rows: readonly CallTable[],
): Promise<void> {
  await copyFrom(client, "qlog_calls", CALL_COLS, callsText(rows));
}

/**
 * Call rows in PostgreSQL's COPY text format, which is also what MySQL's `LOAD DATA` reads by
 * default (tab-separated, `\N` for NULL, backslash escapes).
 */
export function callsText(rows: readonly CallTable[]): Buffer {
  let text = "";
  const n = copyNullable;
  const t = copyField;
  for (const r of rows) {
    // Spelled out column by column (in CALL_COLS order) rather than mapped over the column
    // list: this runs for a third of all lines and the generic form allocated per field.
    text +=
      `${t(r.partition)}\t${t(r.file_key)}\t${r.off}\t${t(r.callid)}\t${t(r.queue)}\t` +
      `${t(r.caller)}\t${r.enter_time}\t${n(r.connect_time)}\t${n(r.end_time)}\t` +
      `${n(r.end_verb)}\t${n(r.agent)}\t${n(r.wait)}\t${n(r.talk)}\t${n(r.position)}\n`;
  }
  return Buffer.from(text, "utf8");
}

/**
 * Updates call rows an earlier batch stored (calls that were open across a batch boundary:
 * few, since most calls end within minutes), by (partition, file_key, off).
 */
export async function updateCallsPg(
  client: pg.ClientBase,
  rows: readonly CallTable[],
): Promise<void> {
  const cols = CALL_KEY.concat(CALL_UPDATE);
  const arrays = cols.map((c) =>
    arrayLiteral(
      rows.map((r) => r[c]),
      CALL_TYPES[CALL_COLS.indexOf(c)] === "text",
    ),
  );
  const unnest = cols.map((c, i) => `$${i + 1}::${CALL_TYPES[CALL_COLS.indexOf(c)]}[]`).join(", ");
  await client.query(
    `update qlog_calls c set ${CALL_UPDATE.map((c) => `${c} = u.${c}`).join(", ")}
     from unnest(${unnest}) as u(${cols.join(", ")})
     where c.partition = u.partition and c.file_key = u.file_key and c.off = u.off`,
    arrays,
  );
}

/**
 * A PostgreSQL array literal (`{"a","b\\"c"}`, `{1,NULL}`) built directly: several times faster
 * than letting the driver escape each element, and the driver's escaping is the loader's main
 * client-side cost.
 */
export function arrayLiteral(values: readonly (string | number | null)[], text: boolean): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) parts[i] = "NULL";
    else if (!text) parts[i] = String(v);
    else {
      const s = v as string;
      parts[i] =
        s.includes("\\") || s.includes('"') ? `"${s.replace(/[\\"]/g, "\\$&")}"` : `"${s}"`;
    }
  }
  return `{${parts.join(",")}}`;
}

const sqliteStatements = new WeakMap<
  BetterSqlite3.Database,
  { events: BetterSqlite3.Statement; calls: BetterSqlite3.Statement }
>();

function statements(db: BetterSqlite3.Database) {
  let s = sqliteStatements.get(db);
  if (s === undefined) {
    const ev = EVENT_COLS.join(", ");
    const cl = CALL_COLS.join(", ");
    s = {
      events: db.prepare(
        `insert into qlog_events (${ev}) values (${EVENT_COLS.map((c) => `@${c}`).join(", ")}) `,
      ),
      calls: db.prepare(
        `insert into qlog_calls (${cl}) values (${CALL_COLS.map((c) => `@${c}`).join(", ")})
         on conflict (partition, file_key, off) do update set ${CALL_UPDATE.map((c) => `${c} = excluded.${c}`).join(", ")}`,
      ),
    };
    sqliteStatements.set(db, s);
  }
  return s;
}

/** SQLite form of {@link copyEventsPg}; must run inside the store's open transaction. */
export function bulkEventsSqlite(db: BetterSqlite3.Database, rows: EventTable[]): void {
  const st = statements(db).events;
  for (const r of rows) st.run(r);
}

/**
 * SQLite form of {@link copyCallsPg} and {@link updateCallsPg} (an upsert serves both); must
 * run inside the store's open transaction.
 */
export function bulkCallsSqlite(db: BetterSqlite3.Database, rows: CallTable[]): void {
  const st = statements(db).calls;
  for (const r of rows) st.run(r);
}
