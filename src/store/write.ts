/**
 * The loader's one write: a batch of lines, the call rows they changed and the new checkpoint,
 * all in one transaction, so a crash leaves either all of it or none of it.
 */
import { type Compilable, type Insertable, sql } from "kysely";
import type mysql from "mysql2";
import type pg from "pg";
import { StoreUnavailableError } from "../errors.js";
import {
  bulkCallsSqlite,
  bulkEventsSqlite,
  CALL_COLS,
  CALL_UPDATE,
  type CallRows,
  copyCallsPg,
  copyEventsPg,
  EVENT_COLS,
  type EventRows,
  updateCallsPg,
} from "./bulk.js";
import { loadData, mysqlConnection, mysqlQuery } from "./load-data.js";
import type { Store } from "./open.js";
import type { CallTable, LoaderTable, SessionTable } from "./schema.js";

/** A line that did not parse, with where it was and why. */
export interface LocatedMalformed {
  off: number;
  reason: string;
  /** The raw text (escaped and cut by {@link commitBatch}). */
  raw: string;
}

/**
 * Everything one loader step commits. Once it committed, the buffers of `events` and
 * `calls.inserted` are handed back for the next batch to reuse.
 */
export interface LoadBatch {
  partition: string;
  file: { key: string; path: string; dev: number; ino: number };
  events: EventRows;
  malformed: LocatedMalformed[];
  /** Call rows the lines changed, new ones apart from ones an earlier batch stored. */
  calls: { inserted: CallRows; updated: CallTable[] };
  /** Agent session rows the lines opened or closed. */
  sessions: SessionTable[];
  /** Offset of the first byte of the file not yet loaded after this batch. */
  checkpoint: number;
  /**
   * The checkpoint this batch continues from, as the loader last read or wrote it (`null` for
   * a file never loaded). The batch fails if the store holds another value: another loader
   * wrote the same partition meanwhile, and committing would duplicate lines.
   */
  expected: number | null;
  /** True once the file was rotated away and fully read. */
  complete: boolean;
  /** The loader's heartbeat, written with the batch. */
  loader?: Insertable<LoaderTable>;
}

// Keeps each multi-row INSERT under SQLite's 32766 bound parameters.
const ROWS_PER_INSERT = 1000;

/** Runs one built query inside the batch's transaction and returns the rows it changed. */
type Run = (q: Compilable) => Promise<number>;

/**
 * Commits one batch atomically: the checkpoint (moved only if it is still where the loader
 * left it), lines, malformed lines, changed calls and the heartbeat.
 *
 * @throws StoreUnavailableError when the checkpoint moved under the loader (another loader on
 *   the partition); the store's own errors when it is down
 */
export async function commitBatch(store: Store, b: LoadBatch): Promise<void> {
  if (store.pg !== undefined) return commitPg(store, store.pg, b);
  if (store.mysql !== undefined) return commitMysql(store, store.mysql, b);
  const sqlite = store.sqlite;
  await store.db.transaction().execute(async (trx) => {
    const run: Run = async (q) =>
      Number((await trx.executeQuery(q.compile())).numAffectedRows ?? 0);
    await writeMeta(store, run, b);
    if (sqlite !== undefined) {
      bulkEventsSqlite(sqlite, b.events);
      bulkCallsSqlite(sqlite, b.calls.inserted.rows);
      bulkCallsSqlite(sqlite, b.calls.updated);
    }
  });
}

/**
 * The PostgreSQL commit, on one pooled connection driven directly (Kysely has no COPY): BEGIN,
 * checkpoint, COPY of the lines and new calls, update of the calls stored earlier, COMMIT.
 */
async function commitPg(store: Store, pool: pg.Pool, b: LoadBatch): Promise<void> {
  const client = await pool.connect();
  // A connection lost while checked out is also emitted as 'error' on the client; unheard, it
  // would kill the process. The statement in progress fails with the same error, and the
  // loader waits out the outage from there.
  const ignore = () => undefined;
  client.on("error", ignore);
  let ok = false;
  try {
    await client.query("begin");
    const run: Run = async (q) => {
      const c = q.compile();
      return (await client.query(c.sql, c.parameters as unknown[])).rowCount ?? 0;
    };
    // The checkpoint first: it locks the file's row, so a second loader on the partition waits
    // here and then fails its compare-and-set, before it has sent any rows.
    await writeMeta(store, run, b);
    if (b.events.count > 0) await copyEventsPg(client, b.events);
    if (b.calls.inserted.count > 0) await copyCallsPg(client, b.calls.inserted);
    if (b.calls.updated.length > 0) await updateCallsPg(client, b.calls.updated);
    await client.query("commit");
    ok = true;
    b.events.release();
    b.calls.inserted.release();
  } finally {
    // After a failure the connection may be mid-COPY or dead: drop it (the server rolls the
    // transaction back when it goes) rather than return it to the pool.
    client.off("error", ignore);
    client.release(!ok);
  }
}

/**
 * The MariaDB/MySQL commit, on one pooled connection driven directly (Kysely has no LOAD
 * DATA): BEGIN, checkpoint, LOAD DATA of the lines and new calls, an upsert of the calls
 * stored earlier, COMMIT.
 */
async function commitMysql(store: Store, pool: mysql.Pool, b: LoadBatch): Promise<void> {
  const conn = await mysqlConnection(pool);
  let ok = false;
  try {
    await mysqlQuery(conn, "begin");
    const run: Run = async (q) => {
      const c = q.compile();
      return (await mysqlQuery(conn, c.sql, c.parameters)).affectedRows ?? 0;
    };
    // The checkpoint first, as on PostgreSQL: its row lock makes a second loader wait here.
    await writeMeta(store, run, b);
    if (b.events.count > 0) await loadData(conn, "qlog_events", EVENT_COLS, b.events.copyParts());
    if (b.calls.inserted.count > 0)
      await loadData(conn, "qlog_calls", CALL_COLS, b.calls.inserted.copyParts());
    for (let i = 0; i < b.calls.updated.length; i += ROWS_PER_INSERT) {
      await run(
        store.db
          .insertInto("qlog_calls")
          .values(b.calls.updated.slice(i, i + ROWS_PER_INSERT))
          .onDuplicateKeyUpdate(
            Object.fromEntries(CALL_UPDATE.map((c) => [c, sql`values(${sql.ref(c)})`])),
          ),
      );
    }
    await mysqlQuery(conn, "commit");
    ok = true;
    b.events.release();
    b.calls.inserted.release();
  } finally {
    // After a failure the connection may be mid-statement or dead: drop it (the server rolls
    // the transaction back when it goes) rather than return it to the pool.
    if (ok) conn.release();
    else conn.destroy();
  }
}

/**
 * The checkpoint's compare-and-set, the malformed lines, the agent sessions (a few rows per
 * batch, one upsert on both databases) and the heartbeat of a batch.
 */
async function writeMeta(store: Store, run: Run, b: LoadBatch): Promise<void> {
  const now = Date.now();
  const mysql = store.dialect === "mysql";
  await moveCheckpoint(store, run, b, now);
  for (let i = 0; i < b.malformed.length; i += ROWS_PER_INSERT) {
    const rows = b.malformed.slice(i, i + ROWS_PER_INSERT).map((m) => ({
      partition: b.partition,
      file_key: b.file.key,
      off: m.off,
      path: b.file.path,
      reason: m.reason,
      raw: escapeRaw(m.raw),
      seen_at: now,
    }));
    const insert = store.db.insertInto("qlog_malformed").values(rows);
    await run(mysql ? insert.ignore() : insert.onConflict((oc) => oc.doNothing()));
  }
  for (let i = 0; i < b.sessions.length; i += ROWS_PER_INSERT) {
    const insert = store.db
      .insertInto("qlog_sessions")
      .values(b.sessions.slice(i, i + ROWS_PER_INSERT));
    await run(
      mysql
        ? insert.onDuplicateKeyUpdate({ end_time: sql`values(end_time)` })
        : insert.onConflict((oc) =>
            oc
              .columns(["partition", "file_key", "off"])
              .doUpdateSet((eb) => ({ end_time: eb.ref("excluded.end_time") })),
          ),
    );
  }
  if (b.loader !== undefined) await run(loaderUpsert(store, b.loader));
}

/** Compare-and-set of the file checkpoint: the guard against two loaders on one partition. */
async function moveCheckpoint(store: Store, run: Run, b: LoadBatch, now: number): Promise<void> {
  const set = {
    path: b.file.path,
    dev: b.file.dev,
    ino: b.file.ino,
    off: b.checkpoint,
    complete: b.complete ? 1 : 0,
    updated_at: now,
  };
  const insert = store.db
    .insertInto("qlog_files")
    .values({ partition: b.partition, file_key: b.file.key, ...set });
  const moved =
    b.expected === null
      ? await run(
          store.dialect === "mysql" ? insert.ignore() : insert.onConflict((oc) => oc.doNothing()),
        )
      : await run(
          store.db
            .updateTable("qlog_files")
            .set(set)
            .where("partition", "=", b.partition)
            .where("file_key", "=", b.file.key)
            .where("off", "=", b.expected),
        );
  if (moved === 1) return;
  throw new StoreUnavailableError(
    `checkpoint of partition "${b.partition}" file ${b.file.key} (${b.file.path}) is no longer at offset ${b.expected ?? "none"}: another loader is writing this partition; reloading the checkpoint`,
  );
}

/** Writes the loader heartbeat row of a partition. */
export async function writeHeartbeat(store: Store, row: Insertable<LoaderTable>): Promise<void> {
  await loaderUpsert(store, row).execute();
}

function loaderUpsert(store: Store, row: Insertable<LoaderTable>) {
  const { partition: _p, ...rest } = row;
  const insert = store.db.insertInto("qlog_loaders").values(row);
  return store.dialect === "mysql"
    ? insert.onDuplicateKeyUpdate(rest)
    : insert.onConflict((oc) => oc.column("partition").doUpdateSet(rest));
}

/**
 * A malformed line made safe to store as text: control bytes as `\xNN`, cut to 512 chars.
 * (PostgreSQL refuses NUL in text, and binary garbage must not stop the load.)
 */
export function escapeRaw(raw: string): string {
  const cut = raw.length > 512 ? `${raw.slice(0, 512)}…` : raw;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping them is the point
  return cut.replace(/[\u0000-\u001f\u007f\\]/g, (c) =>
    c === "\\" ? "\\\\" : `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}
