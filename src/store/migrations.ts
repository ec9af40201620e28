/**
 * Schema migrations of the queue report store. They use only types and statements SQLite,
 * PostgreSQL and MariaDB/MySQL accept, so one list serves all three; only an index method and,
 * on MySQL, the types of key columns and the table character set differ.
 */
import {
  type ColumnDataType,
  type CreateTableBuilder,
  type Expression,
  type Kysely,
  type Migration,
  MysqlAdapter,
  PostgresAdapter,
  sql,
} from "kysely";
import { SESSION_VERBS, SessionDeriver, type SessionRow } from "../queuelog/sessions.js";
import type { StoreSchema } from "./schema.js";

function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

function isMysql(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof MysqlAdapter;
}

/**
 * The type of a text column that is part of a key or an index: MySQL indexes no unbounded
 * `text`, so it gets `varchar(255)` there (partition names and content keys are short).
 */
function keyText(db: Kysely<unknown>): ColumnDataType | Expression<unknown> {
  return isMysql(db) ? sql`varchar(255)` : "text";
}

/**
 * The type of a line's data fields: MySQL's `text` holds 65,535 bytes, and a 64 KiB line
 * decoded as Latin-1 takes up to twice that in UTF-8.
 */
function dataText(db: Kysely<unknown>): ColumnDataType | Expression<unknown> {
  return isMysql(db) ? sql`mediumtext` : "text";
}

/**
 * `create table`, on MySQL with a binary UTF-8 collation: the server's default collation is
 * case- and accent-insensitive, which would make `Agent/a` and `Agent/A` one agent (and two
 * lines' keys equal); SQLite and PostgreSQL compare bytes.
 */
function createTable(db: Kysely<unknown>, name: string): CreateTableBuilder<string, never> {
  const t = db.schema.createTable(name);
  return isMysql(db)
    ? t.modifyEnd(sql`engine=InnoDB default charset=utf8mb4 collate=utf8mb4_bin`)
    : t;
}

/**
 * `m`, made safe to run again after it was cut short on MySQL. MySQL commits each DDL statement
 * on its own, so a loader killed while a migration runs leaves the tables made so far, and the
 * migration unrecorded: its next run failed on "Table 'qlog_events' already exists", and so
 * did every later open. A table made by a migration that is not recorded holds no rows (nothing
 * writes to a store before its migrations are done), so on MySQL the migration first drops what
 * an interrupted run of it left, then runs whole. (SQLite and PostgreSQL run each migration in
 * one transaction: a killed run leaves nothing.)
 */
function restartable(creates: readonly string[], m: Migration): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (isMysql(db)) {
        for (const t of creates) await db.schema.dropTable(t).ifExists().execute();
      }
      await m.up(db);
    },
  };
}

/** Every migration, by name; names sort in the order they apply. */
export const migrations: Record<string, Migration> = {
  "001_queuelog": restartable(
    ["qlog_events", "qlog_calls", "qlog_malformed", "qlog_files", "qlog_loaders"],
    {
      async up(db: Kysely<unknown>): Promise<void> {
        const key = keyText(db);
        const data = dataText(db);
        await createTable(db, "qlog_events")
          .addColumn("partition", key, (c) => c.notNull())
          .addColumn("file_key", key, (c) => c.notNull())
          .addColumn("off", "bigint", (c) => c.notNull())
          .addColumn("time", "bigint", (c) => c.notNull())
          .addColumn("callid", "text", (c) => c.notNull())
          .addColumn("queue", "text", (c) => c.notNull())
          .addColumn("agent", "text", (c) => c.notNull())
          .addColumn("verb", "text", (c) => c.notNull())
          .addColumn("data1", data, (c) => c.notNull())
          .addColumn("data2", data, (c) => c.notNull())
          .addColumn("data3", data, (c) => c.notNull())
          .addColumn("data4", data, (c) => c.notNull())
          .addColumn("data5", data, (c) => c.notNull())
          .addColumn("nf", "integer", (c) => c.notNull())
          .execute();
        // No unique key on lines: it would halve the PostgreSQL load rate, and the checkpoint's
        // compare-and-set (see store/write.ts) already makes each (partition, file, offset)
        // commit once. Agent reports scan a partition's lines over a time range; the lines
        // arrive in time order, which a BRIN index on PostgreSQL serves at almost no write cost.
        if (isPostgres(db)) {
          await db.schema
            .createIndex("qlog_events_time")
            .on("qlog_events")
            .using("brin")
            .columns(["time"])
            .execute();
        } else {
          await db.schema
            .createIndex("qlog_events_time")
            .on("qlog_events")
            .columns(["partition", "time"])
            .execute();
        }

        await createTable(db, "qlog_calls")
          .addColumn("partition", key, (c) => c.notNull())
          .addColumn("file_key", key, (c) => c.notNull())
          .addColumn("off", "bigint", (c) => c.notNull())
          .addColumn("callid", "text", (c) => c.notNull())
          .addColumn("queue", "text", (c) => c.notNull())
          .addColumn("caller", "text", (c) => c.notNull())
          .addColumn("enter_time", "bigint", (c) => c.notNull())
          .addColumn("connect_time", "bigint")
          .addColumn("end_time", "bigint")
          .addColumn("end_verb", "text")
          .addColumn("agent", "text")
          .addColumn("wait", "bigint")
          .addColumn("talk", "bigint")
          .addColumn("position", "integer")
          .addPrimaryKeyConstraint("qlog_calls_pk", ["partition", "file_key", "off"])
          .execute();
        // Every call report is a range over enter_time in a few partitions.
        await db.schema
          .createIndex("qlog_calls_enter")
          .on("qlog_calls")
          .columns(["partition", "enter_time"])
          .execute();
        // The loader reloads open calls after a restart; `now` lists them. Partial, so it holds
        // only the few calls still open and costs almost nothing to maintain; MySQL has no
        // partial index, so there it indexes the end time of every call.
        if (isMysql(db)) {
          await db.schema
            .createIndex("qlog_calls_open")
            .on("qlog_calls")
            .columns(["partition", "end_time"])
            .execute();
        } else {
          await db.schema
            .createIndex("qlog_calls_open")
            .on("qlog_calls")
            .column("partition")
            .where(sql.ref("end_time"), "is", null)
            .execute();
        }

        await createTable(db, "qlog_malformed")
          .addColumn("partition", key, (c) => c.notNull())
          .addColumn("file_key", key, (c) => c.notNull())
          .addColumn("off", "bigint", (c) => c.notNull())
          .addColumn("path", "text", (c) => c.notNull())
          .addColumn("reason", "text", (c) => c.notNull())
          .addColumn("raw", "text", (c) => c.notNull())
          .addColumn("seen_at", "bigint", (c) => c.notNull())
          .addPrimaryKeyConstraint("qlog_malformed_pk", ["partition", "file_key", "off"])
          .execute();

        await createTable(db, "qlog_files")
          .addColumn("partition", key, (c) => c.notNull())
          .addColumn("file_key", key, (c) => c.notNull())
          .addColumn("path", "text", (c) => c.notNull())
          .addColumn("dev", "bigint", (c) => c.notNull())
          .addColumn("ino", "bigint", (c) => c.notNull())
          .addColumn("off", "bigint", (c) => c.notNull())
          .addColumn("complete", "integer", (c) => c.notNull())
          .addColumn("updated_at", "bigint", (c) => c.notNull())
          .addPrimaryKeyConstraint("qlog_files_pk", ["partition", "file_key"])
          .execute();

        await createTable(db, "qlog_loaders")
          .addColumn("partition", key, (c) => c.primaryKey())
          .addColumn("host", "text", (c) => c.notNull())
          .addColumn("pid", "integer", (c) => c.notNull())
          .addColumn("path", "text", (c) => c.notNull())
          .addColumn("off", "bigint", (c) => c.notNull())
          .addColumn("size", "bigint", (c) => c.notNull())
          .addColumn("last_event_time", "bigint")
          .addColumn("heartbeat_at", "bigint", (c) => c.notNull())
          .addColumn("lines", "bigint", (c) => c.notNull())
          .addColumn("malformed", "bigint", (c) => c.notNull())
          .execute();
      },
    },
  ),
  "002_sessions": restartable(["qlog_sessions"], {
    async up(db: Kysely<unknown>): Promise<void> {
      // Agent sessions as rows derived at load time, so a report knows who was logged in and
      // paused at the window start however long ago they logged in.
      const key = keyText(db);
      await createTable(db, "qlog_sessions")
        .addColumn("partition", key, (c) => c.notNull())
        .addColumn("file_key", key, (c) => c.notNull())
        .addColumn("off", "bigint", (c) => c.notNull())
        .addColumn("agent", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("queue", "text", (c) => c.notNull())
        .addColumn("reason", "text", (c) => c.notNull())
        .addColumn("start_time", "bigint", (c) => c.notNull())
        .addColumn("end_time", "bigint")
        .addPrimaryKeyConstraint("qlog_sessions_pk", ["partition", "file_key", "off"])
        .execute();
      // Reports take the sessions that end after the window start or have not ended (null);
      // the loader reloads the open ones after a restart.
      await db.schema
        .createIndex("qlog_sessions_end")
        .on("qlog_sessions")
        .columns(["partition", "end_time"])
        .execute();
      await backfillSessions(db as unknown as Kysely<StoreSchema>);
    },
  }),
  // Deletes every session row and derives them again: a run cut short is simply run again.
  "003_static_members": {
    async up(db: Kysely<unknown>): Promise<void> {
      // Sessions now include members without an ADDMEMBER (queues.conf, realtime,
      // persistent) and the partition's epochs: derived again from the lines.
      const store = db as unknown as Kysely<StoreSchema>;
      await store.deleteFrom("qlog_sessions").execute();
      await backfillSessions(store);
    },
  },
};

/** Derives the sessions of the lines a store already held before it had the table. */
async function backfillSessions(db: Kysely<StoreSchema>): Promise<void> {
  const lines = await db
    .selectFrom("qlog_events")
    .select(["partition", "file_key", "off", "time", "callid", "queue", "agent", "verb", "data1"])
    .where("verb", "in", SESSION_VERBS)
    .orderBy("partition")
    .orderBy("time")
    .orderBy("file_key")
    .orderBy("off")
    .execute();
  const rows: SessionRow[] = [];
  let deriver: SessionDeriver | undefined;
  let partition: string | undefined;
  for (const l of lines) {
    if (l.partition !== partition) {
      if (deriver !== undefined) rows.push(...deriver.takeChanged());
      partition = l.partition;
      deriver = new SessionDeriver(l.partition, []);
    }
    deriver?.apply(
      {
        time: Number(l.time),
        callid: l.callid,
        queue: l.queue,
        agent: l.agent,
        verb: l.verb,
        data: [l.data1],
      },
      l.file_key,
      Number(l.off),
    );
  }
  if (deriver !== undefined) rows.push(...deriver.takeChanged());
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto("qlog_sessions")
      .values(rows.slice(i, i + 500))
      .execute();
  }
}
