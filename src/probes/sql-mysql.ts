/**
 * The MySQL/MariaDB driver of the `sql` probe: a `mysql2` connection that an abort drops at
 * once, killing the query running on the server from a second connection.
 */
import type { Socket } from "node:net";
import { type Connection, createConnection } from "mysql2";
import {
  ConnectionGuard,
  endWithin,
  type FirstCell,
  type SqlConnection,
  SqlQueryError,
  type SqlTarget,
  untilAborted,
} from "./sql-target.js";

/**
 * Opens a `mysql2` connection (an `SqlConnect`). On abort, a running query is killed on
 * the server and the socket destroyed.
 *
 * @example
 * ```ts
 * const conn = await connectMysql({ url: "mysql://root@127.0.0.1:3306/test", query: "SELECT 1", timeoutMs: 500, applicationName: "tandem" }, signal);
 * await conn.query(signal); // "1"
 * await conn.end();
 * ```
 */
export async function connectMysql(target: SqlTarget, signal: AbortSignal): Promise<SqlConnection> {
  const conn = open(target);
  // mysql2's destroy() only half-closes the socket, which lingers for minutes when the server
  // is unreachable, so the TCP socket it created is destroyed instead (a TLS upgrade wraps it).
  const socket = (conn as unknown as { stream: Socket }).stream;
  const guard = new ConnectionGuard(conn, socket);
  const destroy = guard.destroy;
  try {
    await untilAborted(
      signal,
      new Promise<void>((resolve, reject) =>
        conn.connect((err) => (err ? reject(err) : resolve())),
      ),
      destroy,
    );
  } catch (err) {
    destroy();
    throw err;
  }
  return {
    get usable() {
      return guard.usable;
    },
    query: (querySignal) =>
      untilAborted(querySignal, runQuery(conn, target), () => {
        // The server notices a closed socket only seconds later (or never, inside SLEEP()).
        killThread(target, conn.threadId);
        destroy();
      }),
    end: () => guard.end((done) => conn.end(() => done()), target.timeoutMs),
  };
}

/** Runs `target.query` on `conn` and returns its first cell as the server's text. */
function runQuery(conn: Connection, target: SqlTarget): Promise<FirstCell> {
  return new Promise((resolve, reject) => {
    conn.query(
      {
        sql: target.query,
        rowsAsArray: true,
        timeout: target.timeoutMs,
        // Every value as the server's text, so `expect` compares what `mysql` would print.
        typeCast: (field) => field.string(),
      },
      (err, rows) => {
        if (err) {
          reject(new SqlQueryError(err));
          return;
        }
        const row = Array.isArray(rows) ? (rows[0] as unknown[] | undefined) : undefined;
        resolve(row === undefined ? undefined : ((row[0] as string | null | undefined) ?? null));
      },
    );
  });
}

function open(target: SqlTarget): Connection {
  return createConnection({
    uri: target.url,
    connectTimeout: target.timeoutMs,
    connectAttributes: { program_name: target.applicationName },
  });
}

/** Kills the connection's server thread from a second connection, fire and forget. */
function killThread(target: SqlTarget, threadId: number | null | undefined): void {
  if (typeof threadId !== "number") return;
  const killer = open(target);
  // Failures also reach the query callback; this only keeps a late 'error' harmless.
  killer.on("error", () => {});
  const timer = setTimeout(() => killer.destroy(), target.timeoutMs);
  timer.unref();
  // A user may always kill its own threads, so this needs no extra privilege.
  killer.query(`KILL ${threadId}`, () => {
    clearTimeout(timer);
    void endWithin(
      (done) => killer.end(() => done()),
      () => killer.destroy(),
      target.timeoutMs,
    );
  });
}
