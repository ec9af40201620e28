/**
 * What the SQL drivers of the `sql` probe need to run one check, and what they return.
 */

/** One check's connection and query, with the password already in `url`. */
export interface SqlTarget {
  /** Connection URL including the password (never shown). */
  url: string;
  /** The query to run. */
  query: string;
  /** Bounds the driver's own connect and query timers, and the server-side statement. */
  timeoutMs: number;
  /** Shown to the database's administrators (`pg_stat_activity`, `SHOW PROCESSLIST`). */
  applicationName: string;
}

/**
 * The first column of the first row as the server's text: `undefined` when there is no row,
 * `null` for SQL `NULL`.
 */
export type FirstCell = string | null | undefined;

/** A query error, told apart from a connection error in the check's message. */
export class SqlQueryError extends Error {
  constructor(cause: unknown) {
    super(`query failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "SqlQueryError";
  }
}

/**
 * Ends a connection politely (so the server logs no aborted connection) but never waits on a
 * hung server for longer than `timeoutMs`: then `destroy` drops the socket.
 */
export function endWithin(
  end: (done: () => void) => void,
  destroy: () => void,
  timeoutMs: number,
): void {
  const timer = setTimeout(destroy, timeoutMs);
  timer.unref();
  end(() => clearTimeout(timer));
}
