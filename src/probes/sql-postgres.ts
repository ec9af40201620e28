/**
 * The PostgreSQL driver of the `sql` probe: a `pg` client on a socket of our own, so an abort
 * can drop it at once, together with the query running on the server.
 */
import { connect, Socket } from "node:net";
import pg from "pg";
import {
  ConnectionGuard,
  type SqlConnection,
  SqlQueryError,
  type SqlTarget,
  untilAborted,
} from "./sql-target.js";

/** Every value as the server's text, so `expect` compares what `psql` would print. */
const RAW_TEXT = {
  getTypeParser: () => (value: string) => value,
} as unknown as pg.CustomTypesConfig;

/** The CancelRequest code of the PostgreSQL protocol (1234 << 16 | 5678). */
const CANCEL_REQUEST_CODE = 80877102;

/**
 * Opens a `pg` connection (an `SqlConnect`). On abort, a running query is cancelled
 * on the server and the socket destroyed.
 *
 * @example
 * ```ts
 * const conn = await connectPostgres({ url: "postgres://postgres@127.0.0.1/test", query: "SELECT 1", timeoutMs: 500, applicationName: "tandem" }, signal);
 * await conn.query(signal); // "1"
 * await conn.end();
 * ```
 */
export async function connectPostgres(
  target: SqlTarget,
  signal: AbortSignal,
): Promise<SqlConnection> {
  const socket = new Socket();
  const client = new pg.Client({
    connectionString: target.url,
    stream: () => socket,
    connectionTimeoutMillis: target.timeoutMs,
    query_timeout: target.timeoutMs,
    // Bounds the query on the server even if this process dies before it can cancel it.
    statement_timeout: target.timeoutMs,
    application_name: target.applicationName,
  });
  const guard = new ConnectionGuard(client, socket);
  const destroy = guard.destroy;
  try {
    await untilAborted(signal, client.connect(), destroy);
  } catch (err) {
    destroy();
    throw err;
  }
  return {
    get usable() {
      return guard.usable;
    },
    query: async (querySignal) => {
      const result = await untilAborted(
        querySignal,
        client
          .query({ text: target.query, rowMode: "array", types: RAW_TEXT })
          .catch((err: unknown) => {
            throw new SqlQueryError(err);
          }),
        () => {
          // Dropping the socket alone leaves the statement running until it next writes to it.
          cancelQuery(client, target.timeoutMs);
          destroy();
        },
      );
      const row: unknown[] | undefined = result.rows[0];
      if (row === undefined) return undefined;
      const cell = row[0];
      return cell === null || cell === undefined ? null : String(cell);
    },
    end: () => guard.end((done) => void client.end().then(done, done), target.timeoutMs),
  };
}

/** Sends a CancelRequest for the client's backend on a separate connection, fire and forget. */
function cancelQuery(client: pg.Client, timeoutMs: number): void {
  // pg keeps the BackendKeyData it received as these (untyped) fields.
  const { processID, secretKey } = client as unknown as {
    processID: number | null;
    secretKey: number | null;
  };
  if (processID === null || secretKey === null) return;
  const packet = Buffer.alloc(16);
  packet.writeInt32BE(16, 0);
  packet.writeInt32BE(CANCEL_REQUEST_CODE, 4);
  packet.writeInt32BE(processID, 8);
  packet.writeInt32BE(secretKey, 12);
  const socket = client.host.startsWith("/")
    ? connect(`${client.host}/.s.PGSQL.${client.port}`)
    : connect(client.port, client.host);
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  timer.unref();
  socket.on("error", () => {});
  socket.once("close", () => clearTimeout(timer));
  socket.once("connect", () => socket.end(packet));
}
