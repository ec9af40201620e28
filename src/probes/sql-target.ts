/**
 * What the SQL drivers of the `sql` probe need to open a connection, what a connection offers
 * the checker, and the helpers both drivers share.
 */
import { abortMessage } from "./result.js";

/** A connection and its query, with the password already in `url`. */
export interface SqlTarget {
  /** Connection URL including the password (never shown). */
  url: string;
  /** The query to run. */
  query: string;
  /** Bounds the driver's own connect and query timers, the server-side statement, and ends. */
  timeoutMs: number;
  /** Shown to the database's administrators (`pg_stat_activity`, `SHOW PROCESSLIST`). */
  applicationName: string;
}

/**
 * The first column of the first row as the server's text: `undefined` when there is no row,
 * `null` for SQL `NULL`.
 */
export type FirstCell = string | null | undefined;

/**
 * An open connection to the database. It runs one query at a time: the checker lends it to
 * one check and gives it up after any failure or abort.
 */
export interface SqlConnection {
  /**
   * Runs the target's query and returns its first cell. Rejects with {@link SqlQueryError} when
   * the query fails. When `signal` aborts, the statement is stopped on the server, the
   * connection is destroyed and the promise rejects at once.
   */
  query(signal: AbortSignal): Promise<FirstCell>;
  /**
   * False once the driver reported an error or the end of the connection, once it was
   * destroyed (abort, failure), and from `end` on.
   */
  readonly usable: boolean;
  /**
   * Ends the connection politely when it is still usable (so the server logs no aborted
   * connection), destroying it after the target's timeout at the latest; otherwise destroys it.
   * Resolves when the connection is gone from this side.
   */
  end(): Promise<void>;
}

/**
 * Opens a connection to `target`, bounded by its timeout. When `signal` aborts, the half-open
 * connection is destroyed and the promise rejects at once.
 */
export type SqlConnect = (target: SqlTarget, signal: AbortSignal) => Promise<SqlConnection>;

/** A query error, told apart from a connection error in the check's message. */
export class SqlQueryError extends Error {
  constructor(cause: unknown) {
    super(`query failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "SqlQueryError";
  }
}

/**
 * Settles like `work`, unless `signal` aborts first: then `stop` runs (it must drop the
 * connection) and the promise rejects with the abort at once, because neither driver reliably
 * calls back once its socket is gone.
 */
export function untilAborted<T>(
  signal: AbortSignal,
  work: Promise<T>,
  stop: () => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const aborted = (): void => {
      stop();
      reject(new Error(abortMessage(signal)));
    };
    // Either way `work` gets handlers, so its late rejection is never unhandled.
    work.then(
      (value) => {
        signal.removeEventListener("abort", aborted);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", aborted);
        reject(err);
      },
    );
    if (signal.aborted) aborted();
    else signal.addEventListener("abort", aborted, { once: true });
  });
}

/**
 * Ends a connection politely but never waits on a hung server for longer than `timeoutMs`:
 * then `destroy` drops the socket. Resolves when either has happened.
 */
export function endWithin(
  end: (done: () => void) => void,
  destroy: () => void,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      destroy();
      resolve();
    }, timeoutMs);
    timer.unref();
    end(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Whether a driver connection may still be used, shared by both drivers: a connection that
 * failed, was aborted, or was reported lost by its driver between checks (server restart,
 * `pg_terminate_backend`, `KILL`, `wait_timeout`) is dropped so the next check opens a new one.
 *
 * @example
 * ```ts
 * const guard = new ConnectionGuard(client, socket);
 * await guard.end((done) => void client.end().then(done, done), 500);
 * ```
 */
export class ConnectionGuard {
  #usable = true;
  readonly #socket: { destroy(): void };

  constructor(
    driver: { on(event: "error" | "end", listener: () => void): unknown },
    socket: { destroy(): void },
  ) {
    this.#socket = socket;
    // Failures during a call also reach that call; these report a loss between checks.
    driver.on("error", this.destroy);
    driver.on("end", this.destroy);
  }

  /** False once the connection was dropped or is being ended. */
  get usable(): boolean {
    return this.#usable;
  }

  /** Drops the socket at once. */
  readonly destroy = (): void => {
    this.#usable = false;
    this.#socket.destroy();
  };

  /**
   * Ends the connection politely while it is still usable (so the server logs no aborted
   * connection), dropping it after `timeoutMs` at the latest; otherwise drops it.
   */
  end(politely: (done: () => void) => void, timeoutMs: number): Promise<void> {
    if (!this.#usable) {
      this.destroy();
      return Promise.resolve();
    }
    this.#usable = false;
    return endWithin(politely, this.destroy, timeoutMs);
  }
}
