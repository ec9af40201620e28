/**
 * Bulk writes for the loader's hot path. Reports share one set of Kysely queries on both
 * databases; the loader's row writes are the one place each database gets its fastest form:
 * COPY on PostgreSQL (new lines and new calls; the few calls open across a batch boundary are
 * updated through `unnest()` of column arrays) and a prepared statement run per row on SQLite
 * (in-process, no SQL text per batch). All run inside the caller's transaction.
 */
import type BetterSqlite3 from "better-sqlite3";
import type pg from "pg";
import type { LineInText } from "../queuelog/parse.js";
import { copyField, copyFrom } from "./copy.js";
import { CopyText } from "./copy-text.js";
import { EventRanges } from "./event-ranges.js";
import type { CallTable } from "./schema.js";

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

/** The columns of `qlog_calls` in the order of {@link CallRows}' COPY text. */
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

/**
 * A batch's lines, all of one partition and file, as the store will write them: COPY text for
 * PostgreSQL and MariaDB/MySQL, encoded into buffers as the lines are parsed, so a batch
 * waiting for its commit holds a few buffers instead of an object graph per line (which the
 * garbage collector would have to trace over and over); row objects for SQLite's prepared
 * statement.
 */
export class EventRows {
  /** Lines in the batch. */
  count = 0;
  /** Time of the last line added. */
  lastTime: number | undefined;
  /** The lines by position (SQLite only). */
  readonly ranges: EventRanges | undefined;
  readonly #copy: CopyText | undefined;
  readonly #head: Buffer;

  /**
   * @param copy true for PostgreSQL and MySQL (COPY text, which `LOAD DATA` reads too), false
   *   for SQLite (lines by position, rows made as they are inserted)
   */
  constructor(
    copy: boolean,
    readonly partition: string,
    readonly fileKey: string,
  ) {
    this.#copy = copy ? new CopyText() : undefined;
    this.ranges = copy ? undefined : new EventRanges();
    this.#head = Buffer.from(`${copyField(partition)}\t${copyField(fileKey)}\t`, "utf8");
  }

  /**
   * Adds the line at byte `off`. With `ascii` (the bytes `line.text` was decoded from, all
   * ASCII) and `plain` (no field holds a character COPY must escape, see {@link copySafe}),
   * the line's bytes are copied into the row instead of encoding its fields again: the
   * loader's largest cost after parsing was building and encoding this text.
   */
  add(off: number, line: LineInText, plain: boolean, ascii?: Buffer): void {
    this.count++;
    this.lastTime = line.time;
    const t = this.#copy;
    if (t === undefined) {
      this.ranges?.add(off, line);
      return;
    }
    if (plain && ascii !== undefined) {
      this.#addBytes(t, off, ascii, line.start, line.end);
      return;
    }
    const d = line.data;
    const n = d.length;
    t.bytes(this.#head);
    t.int(off);
    t.tab();
    t.int(line.time);
    t.tab();
    t.text(line.callid);
    t.tab();
    t.text(line.queue);
    t.tab();
    t.text(line.agent);
    t.tab();
    t.text(line.verb);
    for (let i = 0; i < 4; i++) {
      t.tab();
      if (i < n) t.text(d[i] as string);
    }
    t.tab();
    if (n > 4) t.text(n === 5 ? (d[4] as string) : d.slice(4).join("|"));
    t.tab();
    t.int(n);
    t.endRow();
  }

  /**
   * The row of a line whose bytes need no escaping: its fields are already in COPY's order,
   * so the row is the head, the offset, and the line with its first nine `|` (the four before
   * the event name, the one after it and those between the first four data fields) turned into
   * tabs, padded to five data columns, then the number of data fields. A time written with
   * leading zeros stays so, which the bigint column reads as the same number.
   */
  #addBytes(t: CopyText, off: number, line: Buffer, start: number, end: number): void {
    t.room(this.#head.length + 17 + 1 + (end - start) + 6 + 17 + 1);
    t.bytes(this.#head);
    t.int(off);
    t.tab();
    const pipes = t.pipesToTabs(line, start, end, 9);
    const nf = pipes >= 5 ? pipes - 4 : 0;
    t.tabs(nf < 5 ? 6 - nf : 1);
    t.int(nf);
    t.endRow();
  }

  /** The COPY text of every line added, as buffers of whole rows (PostgreSQL, MySQL). */
  copyParts(): Buffer[] {
    return this.#copy?.parts() ?? [];
  }

  /** Hands the COPY buffers back for reuse, once the batch committed. */
  release(): void {
    this.#copy?.release();
  }
}

/**
 * Call rows no earlier batch stored, as the store will write them: COPY text (PostgreSQL,
 * MariaDB/MySQL), encoded when the batch is cut, or copies of the rows (SQLite). Either way
 * the batch holds what the rows were when it was cut, while the loader parses on and open
 * calls keep changing.
 */
export class CallRows {
  /** Rows added. */
  count = 0;
  /** The rows (SQLite only). */
  readonly rows: CallTable[] = [];
  readonly #copy: CopyText | undefined;

  /** @param copy true for COPY text (PostgreSQL, MySQL), false for row objects (SQLite) */
  constructor(copy: boolean) {
    this.#copy = copy ? new CopyText() : undefined;
  }

  /** Adds a row as it is now. */
  add(r: CallTable): void {
    this.count++;
    const t = this.#copy;
    if (t === undefined) {
      // A call that ended never changes again: only an open one needs a copy.
      this.rows.push(r.end_time === null ? { ...r } : r);
      return;
    }
    // Column by column, in CALL_COLS order.
    t.text(r.partition);
    t.tab();
    t.text(r.file_key);
    t.tab();
    t.int(r.off);
    t.tab();
    t.text(r.callid);
    t.tab();
    t.text(r.queue);
    t.tab();
    t.text(r.caller);
    t.tab();
    t.int(r.enter_time);
    t.tab();
    t.nullable(r.connect_time);
    t.tab();
    t.nullable(r.end_time);
    t.tab();
    t.nullable(r.end_verb);
    t.tab();
    t.nullable(r.agent);
    t.tab();
    t.nullable(r.wait);
    t.tab();
    t.nullable(r.talk);
    t.tab();
    t.nullable(r.position);
    t.endRow();
  }

  /** The COPY text of every row added, as buffers of whole rows (PostgreSQL, MySQL). */
  copyParts(): Buffer[] {
    return this.#copy?.parts() ?? [];
  }

  /** Hands the COPY buffers back for reuse, once the batch committed. */
  release(): void {
    this.#copy?.release();
  }
}

/** Copies a batch's lines into `qlog_events` with COPY. */
export async function copyEventsPg(client: pg.ClientBase, rows: EventRows): Promise<void> {
  await copyFrom(client, "qlog_events", EVENT_COLS, rows.copyParts());
}

/** Copies call rows no earlier batch stored into `qlog_calls` with COPY. */
export async function copyCallsPg(client: pg.ClientBase, rows: CallRows): Promise<void> {
  await copyFrom(client, "qlog_calls", CALL_COLS, rows.copyParts());
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
export function bulkEventsSqlite(db: BetterSqlite3.Database, rows: EventRows): void {
  const st = statements(db).events;
  rows.ranges?.forEach(rows.partition, rows.fileKey, (r) => st.run(r));
}

/**
 * SQLite form of {@link copyCallsPg} and {@link updateCallsPg} (an upsert serves both); must
 * run inside the store's open transaction.
 */
export function bulkCallsSqlite(db: BetterSqlite3.Database, rows: CallTable[]): void {
  const st = statements(db).calls;
  for (const r of rows) st.run(r);
}
