/**
 * The loader's one write: a batch of lines, the call rows they changed and the new checkpoint,
 * all in one transaction, so a crash leaves either all of it or none of it.
 */
import type { Insertable } from "kysely";
import { StoreUnavailableError } from "../errors.js";
import type { QueueLogEvent } from "../queuelog/event.js";
import { bulkCallsPg, bulkCallsSqlite, bulkEventsPg, bulkEventsSqlite } from "./bulk.js";
import type { Store } from "./open.js";
import type { CallTable, EventTable, LoaderTable } from "./schema.js";

/** A line that parsed, with where it was. */
export interface LocatedEvent {
  off: number;
  event: QueueLogEvent;
}

/** A line that did not parse, with where it was and why. */
export interface LocatedMalformed {
  off: number;
  reason: string;
  /** The raw text (escaped and cut by {@link commitBatch}). */
  raw: string;
}

/** Everything one loader step commits. */
export interface LoadBatch {
  partition: string;
  file: { key: string; path: string; dev: number; ino: number };
  events: LocatedEvent[];
  malformed: LocatedMalformed[];
  calls: CallTable[];
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

/**
 * Commits one batch atomically: lines, malformed lines, changed calls, the checkpoint (moved
 * only if it is still where the loader left it) and the heartbeat.
 */
export async function commitBatch(store: Store, b: LoadBatch): Promise<void> {
  const now = Date.now();
  await store.db.transaction().execute(async (trx) => {
    const events = b.events.map((e) => eventRow(b, e));
    if (store.sqlite !== undefined) {
      bulkEventsSqlite(store.sqlite, events);
      bulkCallsSqlite(store.sqlite, b.calls);
    } else {
      if (events.length > 0) await bulkEventsPg(trx, b.partition, b.file.key, events);
      if (b.calls.length > 0) await bulkCallsPg(trx, b.calls);
    }
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
      await trx
        .insertInto("qlog_malformed")
        .values(rows)
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    await moveCheckpoint(trx, b, now);
    if (b.loader !== undefined) await upsertLoader(trx, b.loader);
  });
}

/** Compare-and-set of the file checkpoint: the guard against two loaders on one partition. */
async function moveCheckpoint(trx: Store["db"], b: LoadBatch, now: number): Promise<void> {
  const set = {
    path: b.file.path,
    dev: b.file.dev,
    ino: b.file.ino,
    off: b.checkpoint,
    complete: b.complete ? 1 : 0,
    updated_at: now,
  };
  if (b.expected === null) {
    const r = await trx
      .insertInto("qlog_files")
      .values({ partition: b.partition, file_key: b.file.key, ...set })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0) === 1) return;
  } else {
    const r = await trx
      .updateTable("qlog_files")
      .set(set)
      .where("partition", "=", b.partition)
      .where("file_key", "=", b.file.key)
      .where("off", "=", b.expected)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 1) return;
  }
  throw new StoreUnavailableError(
    `checkpoint of partition "${b.partition}" file ${b.file.key} (${b.file.path}) is no longer at offset ${b.expected ?? "none"}: another loader is writing this partition; reloading the checkpoint`,
  );
}

/** Writes the loader heartbeat row of a partition. */
export async function writeHeartbeat(store: Store, row: Insertable<LoaderTable>): Promise<void> {
  await upsertLoader(store.db, row);
}

async function upsertLoader(db: Store["db"], row: Insertable<LoaderTable>): Promise<void> {
  const { partition: _p, ...rest } = row;
  await db
    .insertInto("qlog_loaders")
    .values(row)
    .onConflict((oc) => oc.column("partition").doUpdateSet(rest))
    .execute();
}

function eventRow(b: LoadBatch, { off, event: e }: LocatedEvent): EventTable {
  const d = e.data;
  return {
    partition: b.partition,
    file_key: b.file.key,
    off,
    time: e.time,
    callid: e.callid,
    queue: e.queue,
    agent: e.agent,
    verb: e.verb,
    data1: d[0] ?? "",
    data2: d[1] ?? "",
    data3: d[2] ?? "",
    data4: d[3] ?? "",
    data5: d.length > 4 ? d.slice(4).join("|") : "",
    nf: d.length,
  };
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
