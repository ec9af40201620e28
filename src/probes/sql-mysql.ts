/**
 * The MySQL/MariaDB driver of the `sql` probe: a new `mysql2` connection per check, torn down
 * on abort together with the query running on the server.
 */
import { type Connection, createConnection } from "mysql2";
import { endWithin, type FirstCell, SqlQueryError, type SqlTarget } from "./sql-target.js";

/**
 * Connects, runs `target.query` and returns its first cell; rejects on any error. When
 * `signal` aborts, a running query is killed on the server and the connection destroyed.
 *
 * @example
 * ```ts
 * await queryMysql({ url: "mysql://root@127.0.0.1:3306/test", query: "SELECT 1", timeoutMs: 500, applicationName: "tandem" }, signal); // "1"
 * ```
 */
export function queryMysql(target: SqlTarget, signal: AbortSignal): Promise<FirstCell> {
  return new Promise((resolve, reject) => {
    const conn = open(target);
    let querying = false;
    const stop = (): void => {
      // The server notices a closed socket only seconds later (or never, inside SLEEP()).
      if (querying) killThread(target, conn.threadId);
      conn.destroy();
    };
    signal.addEventListener("abort", stop, { once: true });
    const finish = (err: unknown, cell?: FirstCell): void => {
      signal.removeEventListener("abort", stop);
      if (!signal.aborted) {
        endWithin(
          (done) => conn.end(() => done()),
          () => conn.destroy(),
          target.timeoutMs,
        );
      }
      if (err) reject(err);
      else resolve(cell);
    };
    conn.connect((err) => {
      if (err) {
        finish(err);
        return;
      }
      querying = true;
      conn.query(
        {
          sql: target.query,
          rowsAsArray: true,
          timeout: target.timeoutMs,
          // Every value as the server's text, so `expect` compares what `mysql` would print.
          typeCast: (field) => field.string(),
        },
        (queryErr, rows) => {
          querying = false;
          if (queryErr) {
            finish(new SqlQueryError(queryErr));
            return;
          }
          const row = Array.isArray(rows) ? (rows[0] as unknown[] | undefined) : undefined;
          finish(
            null,
            row === undefined ? undefined : ((row[0] as string | null | undefined) ?? null),
          );
        },
      );
    });
  });
}

function open(target: SqlTarget): Connection {
  const conn = createConnection({
    uri: target.url,
    connectTimeout: target.timeoutMs,
    connectAttributes: { program_name: target.applicationName },
  });
  // Failures also reach the connect or query callback; this only keeps a late 'error' harmless.
  conn.on("error", () => {});
  return conn;
}

/** Kills the connection's server thread from a second connection, fire and forget. */
function killThread(target: SqlTarget, threadId: number | null | undefined): void {
  if (typeof threadId !== "number") return;
  const killer = open(target);
  const timer = setTimeout(() => killer.destroy(), target.timeoutMs);
  timer.unref();
  // A user may always kill its own threads, so this needs no extra privilege.
  killer.query(`KILL ${threadId}`, () => {
    clearTimeout(timer);
    endWithin(
      (done) => killer.end(() => done()),
      () => killer.destroy(),
      target.timeoutMs,
    );
  });
}
