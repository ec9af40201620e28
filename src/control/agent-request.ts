/**
 * One HTTP(S) request from the CLI to an agent, on `node:http`/`node:https` rather than
 * `fetch`: Node 20's `fetch` cannot be given a CA file or a client certificate without an extra
 * dependency, and an operator must be able to verify the agent against the cluster's own CA.
 */
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { AgentUnreachableError, TlsError } from "../errors.js";

/**
 * TLS material for `https` agents: the CA to verify them and an optional client certificate.
 *
 * @example
 * ```ts
 * const tls: AgentTls = { ca: readFileSync("/etc/tandem/ca.crt", "utf8"), caSource: "--ca /etc/tandem/ca.crt" };
 * ```
 */
export interface AgentTls {
  /** PEM CA certificate(s) that signed the agent's certificate. @default the system's CAs */
  ca?: string;
  /** Where `ca` came from, for the message when verification fails (`--ca FILE`, `api.tls.ca of FILE`). */
  caSource?: string;
  /** PEM client certificate and key (for `api.tls.requireClientCert`). */
  cert?: string;
  key?: string;
}

/**
 * What {@link requestAgent} sends.
 *
 * @example
 * ```ts
 * const r: AgentRequest = { url: "https://10.0.0.11:7701/v1/status", method: "GET", timeoutMs: 3000, where: 'the agent at https://10.0.0.11:7701' };
 * ```
 */
export interface AgentRequest {
  url: string;
  method: "GET" | "POST";
  headers?: Record<string, string>;
  body?: Buffer;
  /** Longest wait for the whole exchange, in ms. */
  timeoutMs: number;
  tls?: AgentTls;
  /** Names the agent in messages: `the agent at URL`, `the agent of "a" (URL)`. */
  where: string;
  /** Added to a connection failure's message, e.g. `(is "tandem agent" running?)`. */
  hint?: string;
}

/**
 * Sends the request and resolves with the status and body text. Throws a `TlsError` when the
 * agent's certificate fails verification (the message names the CA used and what to pass
 * instead), and an `AgentUnreachableError` for any other failure to get an answer.
 *
 * @example
 * ```ts
 * const { status, text } = await requestAgent({ url: `${base}/v1/status`, method: "GET", timeoutMs: 3000, where: `the agent at ${base}` });
 * ```
 */
export function requestAgent(
  r: AgentRequest,
): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  const url = new URL(r.url);
  const https = url.protocol === "https:";
  const send = https ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, {
      method: r.method,
      headers: { ...r.headers, ...(r.body ? { "content-length": String(r.body.length) } : {}) },
      agent: false,
      ...(https && r.tls ? tlsOptions(r.tls) : {}),
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(
        new AgentUnreachableError(
          `Cannot reach ${r.where}: no answer within ${r.timeoutMs} ms${suffix(r.hint)}`,
        ),
      );
    }, r.timeoutMs);
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(failure(err, r, https));
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", (err) => {
        clearTimeout(timer);
        reject(failure(err, r, https));
      });
      res.on("end", () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString("utf8"),
        });
      });
    });
    req.end(r.body);
  });
}

function tlsOptions(tls: AgentTls): { ca?: string; cert?: string; key?: string } {
  return {
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls.cert === undefined ? {} : { cert: tls.cert, key: tls.key }),
  };
}

function failure(err: Error, r: AgentRequest, https: boolean): Error {
  const code = (err as NodeJS.ErrnoException).code ?? "";
  if (https && /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS|ERR_SSL/.test(code)) {
    const against = r.tls?.ca
      ? `the CA of ${r.tls.caSource ?? "the configuration"}`
      : "the system's trusted CAs";
    const fix = r.tls?.ca
      ? "check that this is the CA that signed the agent's certificate"
      : "pass --ca FILE with the CA that signed it";
    return new TlsError(
      `Cannot trust ${r.where}: its certificate does not verify against ${against} (${code}: ${err.message}); ${fix}`,
      { cause: err },
    );
  }
  // The bare code (ECONNREFUSED) is what operators search for; as the CLI always printed.
  const why = code || err.message;
  return new AgentUnreachableError(`Cannot reach ${r.where}: ${why}${suffix(r.hint)}`, {
    cause: err,
  });
}

function suffix(hint: string | undefined): string {
  return hint ? ` ${hint}` : "";
}
