/**
 * MariaDB/MySQL's bulk load for the loader's hot path: `LOAD DATA LOCAL INFILE` fed from memory
 * through mysql2's stream factory (no file is written). It reads the same tab-separated text
 * with backslash escapes and `\N` for NULL that PostgreSQL's COPY reads, and, unlike the
 * `mysqlimport` tool, runs inside the caller's transaction, so rows and checkpoint still commit
 * together.
 */
import { Readable } from "node:stream";
import type mysql from "mysql2";

/** A query's result header as mysql2 reports it. */
export interface MysqlResult {
  affectedRows?: number;
  warningStatus?: number;
}

/** Runs one statement on `conn` and resolves with its result header. */
export function mysqlQuery(
  conn: mysql.PoolConnection,
  text: string,
  values: readonly unknown[] = [],
): Promise<MysqlResult> {
  return new Promise((resolve, reject) => {
    conn.query(text, values as unknown[], (err, result) =>
      err ? reject(err) : resolve(result as MysqlResult),
    );
  });
}

/** Checks a connection out of the pool. */
export function mysqlConnection(pool: mysql.Pool): Promise<mysql.PoolConnection> {
  return new Promise((resolve, reject) => {
    pool.getConnection((err, conn) => (err ? reject(err) : resolve(conn)));
  });
}

/** A column name quoted for MySQL (`partition` is a reserved word there). */
const q = (c: string) => `\`${c}\``;

/**
 * Loads `data` (COPY text: one row a line, fields split by tabs; in one buffer or several) into
 * `table` with `LOAD DATA LOCAL INFILE`, inside whatever transaction `conn` has open.
 *
 * @throws the server's error; a row the server had to change (a bad number, a cut text) is
 *   an error too, since `LOCAL` turns such problems into warnings that would lose data quietly
 */
export async function loadData(
  conn: mysql.PoolConnection,
  table: string,
  columns: readonly string[],
  data: Buffer | readonly Buffer[],
): Promise<void> {
  const parts = Buffer.isBuffer(data) ? [data] : data;
  const result = await new Promise<MysqlResult>((resolve, reject) => {
    conn.query(
      {
        sql: `load data local infile 'tandem-rows' into table ${q(table)} character set utf8mb4 (${columns.map(q).join(", ")})`,
        infileStreamFactory: () => Readable.from(parts),
      },
      (err, r) => (err ? reject(err) : resolve(r as MysqlResult)),
    );
  });
  if ((result.warningStatus ?? 0) > 0) {
    const warnings = await new Promise<{ Message: string }[]>((resolve, reject) => {
      conn.query("show warnings limit 3", (err, rows) =>
        err ? reject(err) : resolve(rows as { Message: string }[]),
      );
    });
    throw new Error(
      `LOAD DATA into ${table} changed rows it could not store as given: ${warnings.map((w) => w.Message).join("; ")}`,
    );
  }
}
