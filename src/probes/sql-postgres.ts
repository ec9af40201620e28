/**
 * The PostgreSQL driver of the `sql` probe: a new `pg` client per check, torn down on abort
 * together with the query running on the server.
 */
import { connect, Socket } from "node:net";
import pg from "pg";
import { endWithin, type FirstCell, SqlQueryError, type SqlTarget } from "./sql-target.js";

/** Every value as the server's text, so `expect` compares what `psql` would print. */
const RAW_TEXT = {
  getTypeParser: () => (value: string) => value,
} as unknown as pg.CustomTypesConfig;

/** The CancelRequest code of the PostgreSQL protocol (1234 << 16 | 5678). */
const CANCEL_REQUEST_CODE = 80877102;

/**
 * Connects, runs `target.query` and returns its first cell; rejects on any error. When
 * `signal` aborts, a running query is cancelled on the server and the socket is destroyed.
 *
 * @example
 * ```ts
 * await queryPostgres({ url: "postgres://postgres@127.0.0.1/test", query: "SELECT 1", timeoutMs: 500, applicationName: "tandem" }, signal); // "1"
 * ```
 */
export async function queryPostgres(target: SqlTarget, signal: AbortSignal): Promise<FirstCell> {
  // Our own socket, so an abort can drop the connection at once whatever state pg is in.
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
  // Failures also reject connect() or query(); this only keeps a late 'error' event harmless.
  client.on("error", () => {});
  let querying = false;
  const stop = (): void => {
    // Dropping the socket alone leaves the statement running until it next writes to the socket.
    if (querying) cancelQuery(client, target.timeoutMs);
    socket.destroy();
  };
  signal.addEventListener("abort", stop, { once: true });
  try {
    await client.connect();
    querying = true;
    const result = await client
      .query({ text: target.query, rowMode: "array", types: RAW_TEXT })
      .catch((err: unknown) => {
        throw new SqlQueryError(err);
      });
    querying = false;
    const row: unknown[] | undefined = result.rows[0];
    if (row === undefined) return undefined;
    const cell = row[0];
    return cell === null || cell === undefined ? null : String(cell);
  } finally {
    signal.removeEventListener("abort", stop);
    if (!socket.destroyed) {
      endWithin(
        (done) => void client.end().then(done, done),
        () => socket.destroy(),
        target.timeoutMs,
      );
    }
  }
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
