/**
 * The `sql` probe: a new connection per check (proving the server still accepts them), one
 * query, and optionally a comparison of its first cell.
 */
import type { ProbeConfig } from "../config/schema.js";
import { describeError, elapsedMs, fail, ok, redact, settle } from "./result.js";
import { queryMysql } from "./sql-mysql.js";
import { queryPostgres } from "./sql-postgres.js";
import type { FirstCell, SqlTarget } from "./sql-target.js";
import type { CheckerContext, CheckResult, ProbeChecker } from "./types.js";

/** The config of a `sql` probe. */
export type SqlProbeConfig = Extract<ProbeConfig, { kind: "sql" }>;

/** Longest query text quoted in a message. */
const QUERY_SHOWN = 60;

/**
 * Creates the checker of a `sql` probe. Connection and query are bounded by the probe's
 * timeout in the driver and on the server, and stopped (server side too) when the check is
 * aborted. Messages never contain the password.
 *
 * @example
 * ```ts
 * const checker = createSqlChecker(
 *   { kind: "sql", driver: "mysql", url: "mysql://asterisk@127.0.0.1/asterisk", password: "s3cret", query: "SELECT 1", expect: "1" },
 *   ctx,
 * );
 * await checker.check(signal); // { status: "ok", message: "SELECT 1 → 1 in 3 ms" }
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
  const run = config.driver === "postgres" ? queryPostgres : queryMysql;
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
          const cell = await run(target, signal);
          return judge(shown, cell, config.expect, elapsedMs(started));
        } catch (err) {
          return fail(redact(describeError(err), secrets));
        }
      }),
    close: async () => {},
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
