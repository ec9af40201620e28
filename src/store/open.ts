/**
 * Opens the queue report store: an embedded SQLite file by default, PostgreSQL or
 * MariaDB/MySQL by URL. All three get the same tables (migrated on open) and answer the same
 * Kysely queries.
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import {
  Kysely,
  Migrator,
  MysqlDialect,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  sql,
} from "kysely";
import mysql from "mysql2";
import pg from "pg";
import { StoreUnavailableError, UsageError } from "../errors.js";
import { migrations } from "./migrations.js";
import type { StoreSchema } from "./schema.js";

/** Where the store lives when `--store` is not given: `$TANDEM_STORE`, else this path. */
export const DEFAULT_STORE_PATH = "./var/tandem-queuelog.sqlite";

/** An open store. */
export interface Store {
  db: Kysely<StoreSchema>;
  dialect: "sqlite" | "postgres" | "mysql";
  /** Where it is, with any password hidden (for messages). */
  location: string;
  /** The SQLite handle under `db` (SQLite only), for the loader's bulk inserts. */
  sqlite?: Database.Database;
  /** The connection pool under `db` (PostgreSQL only), for the loader's COPY. */
  pg?: pg.Pool;
  /** The connection pool under `db` (MariaDB/MySQL only), for the loader's LOAD DATA. */
  mysql?: mysql.Pool;
  close(): Promise<void>;
}

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /**
   * How long a SQLite write waits for another process's lock before it fails (and the loader
   * backs off and retries). No effect on PostgreSQL.
   * @default 10000
   */
  busyTimeoutMs?: number;
}

/** The store location used when none is given: `$TANDEM_STORE` or {@link DEFAULT_STORE_PATH}. */
export function defaultStoreLocation(): string {
  return process.env.TANDEM_STORE || DEFAULT_STORE_PATH;
}

/** True when `location` is a PostgreSQL URL rather than a file path. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** True when `location` is a MariaDB/MySQL URL (`mysql://` or `mariadb://`). */
export function isMysqlUrl(location: string): boolean {
  return /^(mysql|mariadb):\/\//i.test(location);
}

/**
 * Refuses a location that looks like a URL of a database Tandem does not know: taken as a
 * file path it would quietly become an SQLite file under a directory named after the scheme.
 *
 * @throws UsageError naming the scheme and the ones Tandem knows
 */
export function checkStoreLocation(location: string): void {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(location)?.[1];
  if (scheme === undefined || isPostgresUrl(location) || isMysqlUrl(location)) return;
  throw new UsageError(
    `store "${redact(location)}" has the scheme "${scheme}:", which Tandem does not know: expected postgres://…, postgresql://…, mysql://…, mariadb://… or a file path`,
  );
}

/**
 * Opens (creating and migrating if needed) the store at `location`: a `postgres://…` URL, with
 * an optional `schema=NAME` query parameter to keep the tables in their own schema, a
 * `mysql://user@host:port/db` (or `mariadb://`) URL, or a file path for the embedded store.
 * `:memory:` gives a private in-memory store.
 *
 * @example
 * ```ts
 * const store = await openStore("postgres://tandem@db.example/reports?schema=queues");
 * const local = await openStore(); // $TANDEM_STORE or ./var/tandem-queuelog.sqlite
 * await store.close();
 * ```
 * @throws UsageError for a URL of a database Tandem does not know
 * @throws StoreUnavailableError when it cannot be reached, created or migrated
 */
export async function openStore(
  location: string = defaultStoreLocation(),
  options: OpenStoreOptions = {},
): Promise<Store> {
  checkStoreLocation(location);
  const pgUrl = isPostgresUrl(location);
  const myUrl = isMysqlUrl(location);
  const shown = pgUrl || myUrl ? redact(location) : location;
  let db: Kysely<StoreSchema> | undefined;
  try {
    let schema: string | undefined;
    let sqlite: Database.Database | undefined;
    let pool: pg.Pool | undefined;
    let myPool: mysql.Pool | undefined;
    if (myUrl) {
      await createMysqlDatabase(location);
      myPool = openMysql(location);
      db = new Kysely<StoreSchema>({ dialect: new MysqlDialect({ pool: myPool }) });
    } else if (pgUrl) {
      const url = new URL(location);
      schema = url.searchParams.get("schema") ?? undefined;
      url.searchParams.delete("schema");
      pool = openPostgres(url.toString(), schema);
      db = new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool }) });
      if (schema !== undefined)
        await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
    } else {
      sqlite = openSqlite(location, options.busyTimeoutMs ?? 10_000);
      db = new Kysely<StoreSchema>({ dialect: new AtomicDdlSqliteDialect({ database: sqlite }) });
    }
    const migrator = new Migrator({
      db,
      provider: { getMigrations: async () => migrations },
      // The migration tables must live in the same schema as the data, or two schemas in one
      // database would see each other's migration history.
      ...(pgUrl ? { migrationTableSchema: schema ?? "public" } : {}),
    });
    const { error } = await migrator.migrateToLatest();
    if (error !== undefined) throw error;
    const opened = db;
    return {
      db: opened,
      dialect: pgUrl ? "postgres" : myUrl ? "mysql" : "sqlite",
      location: shown,
      ...(sqlite !== undefined ? { sqlite } : {}),
      ...(pool !== undefined ? { pg: pool } : {}),
      ...(myPool !== undefined ? { mysql: myPool } : {}),
      close: () => opened.destroy(),
    };
  } catch (cause) {
    await db?.destroy().catch(() => undefined);
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new StoreUnavailableError(`Cannot open the queue report store at ${shown}: ${why}`, {
      cause,
    });
  }
}

/**
 * SQLite runs DDL inside transactions, but Kysely's adapter says it does not, so its migrator
 * would apply a migration statement by statement: a loader killed while creating a new store
 * would leave tables without the migration recorded, and every later open would fail on
 * "table already exists". Declaring transactional DDL makes each migration all or nothing.
 */
class AtomicDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class AtomicDdlSqliteDialect extends SqliteDialect {
  override createAdapter(): SqliteAdapter {
    return new AtomicDdlSqliteAdapter();
  }
}

function openSqlite(path: string, busyTimeoutMs: number): Database.Database {
  if (path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
  const database = new Database(path);
  // WAL lets reports read while a loader writes; NORMAL sync is durable against a killed
  // process (the crash the loader is built to survive), though not against power loss.
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  database.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  return database;
}

// bigint, numeric: our values are seconds, offsets and counts, all far below 2^53.
const NUMERIC_OIDS = new Set([20, 1700]);

function openPostgres(url: string, schema: string | undefined): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: 4,
    connectionTimeoutMillis: 5000,
    // JIT compilation costs 100 ms and more per query (again in each parallel worker) and the
    // report queries, aggregates over a few hundred thousand calls, finish faster without it.
    options: `-c jit=off${schema !== undefined ? ` -c search_path=${schema}` : ""}`,
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        NUMERIC_OIDS.has(oid) ? Number : pg.types.getTypeParser(oid, format)) as never,
    },
  });
  // An idle client losing its server emits 'error' on the pool; unhandled it would kill the
  // process. The next query reports the outage instead, and the loader retries it.
  pool.on("error", () => undefined);
  // The same for a client checked out by Kysely between two statements: pg emits the lost
  // connection on the client, where nothing listens, and the process would die.
  pool.on("connect", (client) => {
    client.on("error", () => undefined);
  });
  return pool;
}

/** Connection settings of a `mysql://user:password@host:port/database` URL. */
function mysqlSettings(location: string) {
  const url = new URL(location);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (database === "") {
    throw new UsageError(
      `store "${redact(location)}" names no database: expected mysql://user@host:port/DATABASE`,
    );
  }
  return {
    host: url.hostname || "127.0.0.1",
    port: url.port === "" ? 3306 : Number(url.port),
    user: decodeURIComponent(url.username) || "root",
    password: decodeURIComponent(url.password),
    database,
  };
}

/**
 * Creates the URL's database if it does not exist yet, like a PostgreSQL URL's schema. A user
 * without the right to create databases is refused here even when it exists; that refusal is
 * ignored, and the pool's first query tells whether the database is really there.
 *
 * @example
 * ```ts
 * await createMysqlDatabase("mysql://root@127.0.0.1:3306/tandem"); // utf8mb4_bin, as the store's
 * ```
 */
export async function createMysqlDatabase(location: string): Promise<void> {
  const { database, ...server } = mysqlSettings(location);
  const conn = mysql.createConnection({ ...server, connectTimeout: 5000 });
  conn.on("error", () => undefined);
  await new Promise<void>((resolve) => {
    conn.query(
      `create database if not exists \`${database.replace(/`/g, "``")}\` character set utf8mb4 collate utf8mb4_bin`,
      () => resolve(),
    );
  });
  conn.destroy();
}

/**
 * A pool of connections to the database of a `mysql://` URL, set up as the store uses them
 * (byte-wise collation, numbers for sums, times in UTC).
 *
 * @example
 * ```ts
 * const db = new Kysely<StoreSchema>({ dialect: new MysqlDialect({ pool: openMysql(url) }) });
 * ```
 */
export function openMysql(location: string): mysql.Pool {
  const pool = mysql.createPool({
    ...mysqlSettings(location),
    connectionLimit: 4,
    connectTimeout: 5000,
    charset: "utf8mb4_bin",
    // Sums and averages come back as DECIMAL; the figures are far below 2^53, so numbers.
    decimalNumbers: true,
    supportBigNumbers: true,
    bigNumberStrings: false,
    // Every stored time is Unix seconds in a bigint: nothing is converted through a zone.
    timezone: "Z",
  });
  // An idle connection losing its server emits 'error' on the pool; unhandled it would kill
  // the process. The next query reports the outage instead, and the loader retries it.
  pool.on("connection", (c) => {
    c.on("error", () => undefined);
  });
  return pool;
}

/** The URL with its password replaced by `***`. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== "") u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}
