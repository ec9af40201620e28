/**
 * Test helpers: the two store targets every store test runs against, each isolated (a temp
 * SQLite file, or a PostgreSQL schema named for the test run) and removed afterwards.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mysql from "mysql2/promise";
import pg from "pg";
import { openStore, type Store } from "./open.js";

/** The machine's PostgreSQL used by tests (`TANDEM_TEST_PG` overrides). */
export const TEST_PG_URL = process.env.TANDEM_TEST_PG ?? "postgres://root@127.0.0.1:5432/test";

/** The machine's MariaDB used by tests (`TANDEM_TEST_MYSQL` overrides); a database per run. */
export const TEST_MYSQL_URL = process.env.TANDEM_TEST_MYSQL ?? "mysql://root@127.0.0.1:3306/test";

/** One store a test suite runs against. */
export interface StoreTarget {
  name: "sqlite" | "postgres" | "mysql";
  /** A fresh, empty store location. */
  fresh(): string;
  /** Removes everything `fresh` created. */
  cleanup(): Promise<void>;
}

let seq = 0;

/** SQLite, PostgreSQL and MariaDB/MySQL targets. */
export function storeTargets(): StoreTarget[] {
  const dirs: string[] = [];
  const schemas: string[] = [];
  const databases: string[] = [];
  return [
    {
      name: "sqlite",
      fresh() {
        const dir = mkdtempSync(join(tmpdir(), "tandem-store-"));
        dirs.push(dir);
        return join(dir, "store.sqlite");
      },
      async cleanup() {
        for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
      },
    },
    {
      name: "postgres",
      fresh() {
        const schema = `tq_${process.pid}_${Date.now().toString(36)}_${seq++}`;
        schemas.push(schema);
        return withSchema(TEST_PG_URL, schema);
      },
      async cleanup() {
        const c = new pg.Client({ connectionString: TEST_PG_URL });
        await c.connect();
        try {
          for (const s of schemas.splice(0)) await c.query(`drop schema if exists "${s}" cascade`);
        } finally {
          await c.end();
        }
      },
    },
    {
      name: "mysql",
      fresh() {
        // The store creates the database on first open.
        const name = `tq_${process.pid}_${Date.now().toString(36)}_${seq++}`;
        databases.push(name);
        const u = new URL(TEST_MYSQL_URL);
        u.pathname = `/${name}`;
        return u.toString();
      },
      async cleanup() {
        await withMysql(async (c) => {
          for (const d of databases.splice(0)) await c.query(`drop database if exists \`${d}\``);
        });
      },
    },
  ];
}

async function withMysql(fn: (c: mysql.Connection) => Promise<void>): Promise<void> {
  const u = new URL(TEST_MYSQL_URL);
  const c = await mysql.createConnection({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username) || "root",
    password: decodeURIComponent(u.password),
  });
  try {
    await fn(c);
  } finally {
    await c.end();
  }
}

/** `url` with `?schema=NAME`. */
export function withSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set("schema", schema);
  return u.toString();
}

/** Every stored line of a partition, rebuilt as text, in (file, offset) order. */
export async function storedLines(store: Store, partition: string): Promise<string[]> {
  const rows = await store.db
    .selectFrom("qlog_events")
    .selectAll()
    .where("partition", "=", partition)
    .orderBy("file_key")
    .orderBy("off")
    .execute();
  return rows.map((r) => {
    const data = [r.data1, r.data2, r.data3, r.data4, r.data5].slice(0, Math.min(r.nf, 5));
    const head = `${r.time}|${r.callid}|${r.queue}|${r.agent}|${r.verb}`;
    return r.nf === 0 ? head : `${head}|${data.join("|")}`;
  });
}

/** Opens a store, runs `fn`, closes it. */
export async function withStore<T>(location: string, fn: (s: Store) => Promise<T>): Promise<T> {
  const s = await openStore(location);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}
