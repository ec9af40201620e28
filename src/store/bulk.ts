/**
 * Bulk inserts for the loader's hot path. Reports share one set of Kysely queries on both
 * databases; the loader's row inserts are the one place each database gets its fastest form:
 * `unnest()` of column arrays on PostgreSQL (one parameter per column instead of one per
 * value) and a prepared statement run per row on SQLite (in-process, no SQL text per batch).
 * Both run inside the caller's transaction.
 */
import type BetterSqlite3 from "better-sqlite3";
import { type Kysely, sql } from "kysely";
import type { CallTable, EventTable, StoreSchema } from "./schema.js";

const EVENT_COLS = [
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
// partition and file_key are the same for the whole batch: sent once, not as arrays.
const EVENT_ARRAYS = EVENT_COLS.slice(2);
const EVENT_TYPES = [
  "int8",
  "int8",
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
  "int4",
];

const CALL_COLS = [
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
const CALL_UPDATE = ["connect_time", "end_time", "end_verb", "agent", "wait", "talk"];

/** Inserts event rows, all of one partition and file. */
export async function bulkEventsPg(
  db: Kysely<StoreSchema>,
  partition: string,
  fileKey: string,
  rows: EventTable[],
): Promise<void> {
  const cols = EVENT_ARRAYS.map((c, i) =>
    arrayLiteral(
      rows.map((r) => r[c]),
      EVENT_TYPES[i] === "text",
    ),
  );
  await sql`insert into qlog_events (${sql.join(EVENT_COLS.map((c) => sql.id(c)))})
    select ${partition}, ${fileKey}, u.* from unnest(${sql.join(cols.map((v, i) => sql`${v}::${sql.raw(EVENT_TYPES[i] as string)}[]`))}) as u`.execute(
    db,
  );
}

/** Inserts or updates call rows by (partition, file_key, off). */
export async function bulkCallsPg(db: Kysely<StoreSchema>, rows: CallTable[]): Promise<void> {
  const cols = CALL_COLS.map((c, i) =>
    arrayLiteral(
      rows.map((r) => r[c]),
      CALL_TYPES[i] === "text",
    ),
  );
  await sql`insert into qlog_calls (${sql.join(CALL_COLS.map((c) => sql.id(c)))})
    select * from unnest(${sql.join(cols.map((v, i) => sql`${v}::${sql.raw(CALL_TYPES[i] as string)}[]`))})
    on conflict (partition, file_key, off) do update set
    ${sql.join(CALL_UPDATE.map((c) => sql`${sql.id(c)} = excluded.${sql.id(c)}`))}`.execute(db);
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

/** SQLite form of {@link bulkEventsPg}; must run inside the store's open transaction. */
export function bulkEventsSqlite(db: BetterSqlite3.Database, rows: EventTable[]): void {
  const st = statements(db).events;
  for (const r of rows) st.run(r);
}

/** SQLite form of {@link bulkCallsPg}; must run inside the store's open transaction. */
export function bulkCallsSqlite(db: BetterSqlite3.Database, rows: CallTable[]): void {
  const st = statements(db).calls;
  for (const r of rows) st.run(r);
}
