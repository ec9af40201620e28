/**
 * The `http` probe: one request per check on a fresh connection.
 *
 * Built on `node:http`/`node:https` rather than `fetch` because `insecure` needs
 * `rejectUnauthorized: false` per request, and because a redirect must be reported, not
 * followed: a health URL that starts redirecting to a login page is worth seeing.
 */
import { type ClientRequest, request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { ProbeConfig } from "../config/schema.js";
import { describeError, displayUrl, elapsedMs, fail, ok, settle } from "./result.js";
import type { CheckerContext, CheckResult, ProbeChecker } from "./types.js";

/** The config of an `http` probe. */
export type HttpProbeConfig = Extract<ProbeConfig, { kind: "http" }>;

/** The most body read when looking for `expectBody`; health pages are small. */
const BODY_LIMIT = 1_048_576;

/**
 * Creates the checker of an `http` probe. A status is good when it is in `expectStatus`, or,
 * without it, any 2xx or 3xx; then the body must contain `expectBody` if set.
 *
 * @example
 * ```ts
 * const checker = createHttpChecker(
 *   { kind: "http", url: "http://127.0.0.1:8088/httpstatus", method: "GET", insecure: false, expectBody: "Asterisk" },
 *   ctx,
 * );
 * await checker.check(AbortSignal.timeout(500)); // { status: "ok", message: "HTTP 200 from … in 3 ms" }
 * ```
 */
export function createHttpChecker(config: HttpProbeConfig, _ctx: CheckerContext): ProbeChecker {
  const url = new URL(config.url);
  const shown = displayUrl(url);
  return {
    check: (signal) => settle(signal, () => requestOnce(config, url, shown, signal)),
    close: async () => {},
  };
}

function requestOnce(
  config: HttpProbeConfig,
  url: URL,
  shown: string,
  signal: AbortSignal,
): Promise<CheckResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const request = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req: ClientRequest = request(url, {
      method: config.method,
      headers: { "user-agent": "tandem-probe", ...lowerCaseKeys(config.headers) },
      // A fresh connection each time: a pooled socket would hide a server that stopped accepting.
      agent: false,
      rejectUnauthorized: !config.insecure,
    });
    const finish = (result: CheckResult): void => {
      signal.removeEventListener("abort", stop);
      req.destroy();
      resolve(result);
    };
    const stop = (): void => finish(fail(`${config.method} ${shown}: aborted`));
    signal.addEventListener("abort", stop, { once: true });
    req.on("error", (err) => finish(fail(`${config.method} ${shown}: ${describeError(err)}`)));
    req.on("response", (res) => onResponse(config, shown, res, started, finish));
    req.end();
  });
}

function onResponse(
  config: HttpProbeConfig,
  shown: string,
  res: IncomingMessage,
  started: number,
  finish: (result: CheckResult) => void,
): void {
  const status = res.statusCode ?? 0;
  res.on("error", (err) => finish(fail(`${config.method} ${shown}: ${describeError(err)}`)));
  const accepted =
    config.expectStatus === undefined
      ? status >= 200 && status < 400
      : config.expectStatus.includes(status);
  if (!accepted) {
    const expected = config.expectStatus?.join(" or ") ?? "2xx or 3xx";
    finish(fail(`HTTP ${status} from ${shown} (expected ${expected})`));
    return;
  }
  const reading = (): string => {
    const location = res.headers.location;
    const redirect =
      status >= 300 && status < 400 && location ? ` (redirect to ${location} not followed)` : "";
    return `HTTP ${status} from ${shown} in ${elapsedMs(started)} ms${redirect}`;
  };
  const expectBody = config.expectBody;
  if (expectBody === undefined) {
    finish(ok(reading()));
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const judge = (): void => {
    const body = Buffer.concat(chunks).toString("utf8");
    if (body.includes(expectBody)) finish(ok(reading()));
    else
      finish(
        fail(`body does not contain ${JSON.stringify(expectBody)} (HTTP ${status} from ${shown})`),
      );
  };
  res.on("data", (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= BODY_LIMIT) judge();
  });
  res.on("end", judge);
}

/** Header names in lower case, so a configured `User-Agent` replaces the default one. */
function lowerCaseKeys(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}
