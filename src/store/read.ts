/**
 * What the loader and the reports read back about loading itself: checkpoints, open calls,
 * heartbeats, malformed lines and the partitions the store knows.
 */
import type { Selectable } from "kysely";
import type { Store } from "./open.js";
import type { CallTable, FileTable, LoaderTable, MalformedTable, SessionTable } from "./schema.js";

/** Every file checkpoint of a partition, newest first. */
export async function readCheckpoints(store: Store, partition: string): Promise<FileTable[]> {
  return store.db
    .selectFrom("qlog_files")
    .selectAll()
    .where("partition", "=", partition)
    .orderBy("updated_at", "desc")
    .execute();
}

/** The calls of a partition that have not ended (to rebuild the call deriver). */
export async function readOpenCalls(store: Store, partition: string): Promise<CallTable[]> {
  return store.db
    .selectFrom("qlog_calls")
    .selectAll()
    .where("partition", "=", partition)
    .where("end_time", "is", null)
    .execute();
}

/** The sessions of a partition that have not ended (to rebuild the session deriver). */
export async function readOpenSessions(store: Store, partition: string): Promise<SessionTable[]> {
  return store.db
    .selectFrom("qlog_sessions")
    .selectAll()
    .where("partition", "=", partition)
    .where("end_time", "is", null)
    .orderBy("start_time")
    .execute();
}

/** Every partition the store has loaded into, sorted. */
export async function listPartitions(store: Store): Promise<string[]> {
  const rows = await store.db
    .selectFrom("qlog_files")
    .select("partition")
    .union(store.db.selectFrom("qlog_loaders").select("partition"))
    .execute();
  return rows.map((r) => r.partition).sort();
}

/** The loader heartbeats, one per partition. */
export async function readHeartbeats(store: Store): Promise<Selectable<LoaderTable>[]> {
  return store.db.selectFrom("qlog_loaders").selectAll().orderBy("partition").execute();
}

/** Malformed lines of some partitions, in file order, at most `limit`. */
export async function readMalformed(
  store: Store,
  partitions: readonly string[],
  limit = 100,
): Promise<{ total: number; rows: Selectable<MalformedTable>[] }> {
  if (partitions.length === 0) return { total: 0, rows: [] };
  const base = store.db.selectFrom("qlog_malformed").where("partition", "in", partitions);
  const count = await base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirst();
  const rows = await base
    .selectAll()
    .orderBy("partition")
    .orderBy("file_key")
    .orderBy("off")
    .limit(limit)
    .execute();
  return { total: Number(count?.n ?? 0), rows };
}
