/**
 * The `sql` probe: one query per check, on a connection kept between checks or on a new one
 * per check (proving the server still accepts them), and optionally a comparison of its
 * first cell.
 */
import type { ProbeConfig } from "../config/schema.js";
import { describeError, elapsedMs, fail, ok, redact, settle } from "./result.js";
import { connectMysql } from "./sql-mysql.js";
import { connectPostgres } from "./sql-postgres.js";
import type { FirstCell, SqlConnect, SqlConnection, SqlTarget } from "./sql-target.js";
import type { CheckerContext, CheckResult, ProbeChecker } from "./types.js";

/** The config of a `sql` probe. */
export type SqlProbeConfig = Extract<ProbeConfig, { kind: "sql" }>;

/** Longest query text quoted in a message. */
const QUERY_SHOWN = 60;

/**
 * Creates the checker of a `sql` probe. Connecting and the query are bounded by the probe's
 * timeout in the driver and on the server, and stopped (server side too) when the check is
 * aborted. Messages never contain the password.
 *
 * @example
 * ```ts
 * const checker = createSqlChecker(
 *   { kind: "sql", driver: "mysql", url: "mysql://asterisk@127.0.0.1/asterisk", password: "s3cret", query: "SELECT 1", expect: "1", connection: "persistent" },
 *   ctx,
 * );
 * await checker.check(signal); // { status: "ok", message: "SELECT 1 → 1 in 3 ms" }
 * await checker.close();
 * ```
 */
export function createSqlChecker(config: SqlProbeConfig, ctx: CheckerContext): ProbeChecker {
  // Also the escaped form that withPassword puts into the URL, in case a driver echoes it.
  const secrets = [
    config.password,
    config.password === undefined ? undefined : encodeURIComponent(config.password),
    urlPassword(config.url),
  ];
  const shown = showQuery(config.query);
  const connect = config.driver === "postgres" ? connectPostgres : connectMysql;
  const runner =
    config.connection === "per-check" ? perCheckRunner(connect) : persistentRunner(connect);
  return {
    check: (signal) =>
      settle(signal, async () => {
        try {
          const target: SqlTarget = {
            url: withPassword(config.url, config.password),
            query: config.query,
            timeoutMs: ctx.timeoutMs,
            applicationName: `tandem probe ${ctx.probeName}`,
          };
          const started = performance.now();
          const cell = await runner.run(target, signal);
          return judge(shown, cell, config.expect, elapsedMs(started));
        } catch (err) {
          return fail(redact(describeError(err), secrets));
        }
      }),
    close: () => runner.close(),
  };
}

/** Runs the query of one check on a connection, and owns the connections between checks. */
interface QueryRunner {
  /** The query's first cell; rejects on any connection or query error, and on abort. */
  run(target: SqlTarget, signal: AbortSignal): Promise<FirstCell>;
  /** Ends a connection kept between checks. Idempotent. */
  close(): Promise<void>;
}

/** `connection: per-check`: every check opens and ends its own connection. */
function perCheckRunner(connect: SqlConnect): QueryRunner {
  return {
    run: async (target, signal) => {
      const conn = await connect(target, signal);
      try {
        return await conn.query(signal);
      } finally {
        // Not awaited: the check is over once the answer is in.
        void conn.end();
      }
    },
    close: async () => {},
  };
}

/**
 * `connection: persistent`: one connection is kept between checks. A check takes it out of
 * `idle` while it runs and puts it back only after a good query that was not aborted, so a
 * connection that failed, timed out or may still be busy after an abort is never used again,
 * and two checks never share one.
 */
function persistentRunner(connect: SqlConnect): QueryRunner {
  let idle: SqlConnection | undefined;
  let closed = false;
  return {
    run: async (target, signal) => {
      // One the driver reported lost between checks has already been destroyed.
      let conn = idle?.usable ? idle : undefined;
      idle = undefined;
      conn ??= await connect(target, signal);
      let cell: FirstCell;
      try {
        cell = await conn.query(signal);
      } catch (err) {
        void conn.end();
        throw err;
      }
      // A late answer after an abort, a check after close(), or one that overlapped another.
      if (signal.aborted || closed || idle !== undefined) void conn.end();
      else idle = conn;
      return cell;
    },
    close: async () => {
      closed = true;
      const conn = idle;
      idle = undefined;
      await conn?.end();
    },
  };
}

function judge(
  shown: string,
  cell: FirstCell,
  expect: string | undefined,
  ms: number,
): CheckResult {
  const text = cell === undefined ? "no rows" : cell === null ? "NULL" : cell;
  if (expect !== undefined && (cell === undefined || text !== expect)) {
    return fail(`${shown} → ${text} (expected ${JSON.stringify(expect)})`);
  }
  return ok(`${shown} → ${text} in ${ms} ms`);
}

/**
 * The URL with `password` (when given) in place of its own. Both drivers let a URL password
 * win over a separate option, so the override has to go into the URL itself.
 */
function withPassword(url: string, password: string | undefined): string {
  if (password === undefined) return url;
  const parsed = parseUrl(url);
  if (parsed === undefined) {
    throw new Error("url is not a valid URL, so the password field cannot be applied to it");
  }
  // Fully escaped: the drivers decode the password with decodeURIComponent.
  parsed.password = encodeURIComponent(password);
  return parsed.href;
}

function urlPassword(url: string): string | undefined {
  const raw = parseUrl(url)?.password;
  if (raw === undefined || raw === "") return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

function showQuery(query: string): string {
  const oneLine = query.replace(/\s+/g, " ").trim();
  return oneLine.length > QUERY_SHOWN ? `${oneLine.slice(0, QUERY_SHOWN - 1)}…` : oneLine;
}
