/**
 * Finds a running agent and reads its status over the HTTP API.
 */

import { readFileSync } from "node:fs";
import { parseListenAddress } from "../api/server.js";
import type { StatusDocument } from "../api/status-types.js";
import { readApiTls } from "../api/tls-files.js";
import { type Config, loadConfig } from "../config/index.js";
import { type AgentTls, requestAgent } from "../control/agent-request.js";
import { AgentResponseError, UsageError } from "../errors.js";

/** The API address `npm start` and an unconfigured agent use. */
export const DEFAULT_AGENT_URL = "http://127.0.0.1:7701";

/**
 * The agent's base URL and TLS material: from `--url` (with `--ca`), or from the `api` section
 * of `--config` (its `listen` address, and with `api.tls` an `https` URL verified against
 * `api.tls.ca`), or the default. A wildcard listen address (`0.0.0.0`, `::`) is reached through
 * loopback.
 *
 * @example
 * ```ts
 * await resolveAgent({ url: "https://10.0.0.11:7701", ca: "/etc/tandem/ca.crt" });
 * // { url: "https://10.0.0.11:7701", tls: { ca: "-----BEGIN CERTIFICATE-----…", caSource: "--ca /etc/tandem/ca.crt" } }
 * ```
 */
export async function resolveAgent(options: {
  url?: string | undefined;
  config?: string | undefined;
  ca?: string | undefined;
}): Promise<{ url: string; tls?: AgentTls }> {
  const ca = options.ca === undefined ? undefined : readCaOption(options.ca);
  if (options.url) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new UsageError(
        `--url "${options.url}" is not a URL (expected e.g. http://127.0.0.1:7701)`,
      );
    }
    return { url: parsed.origin, ...(ca ? { tls: ca } : {}) };
  }
  if (options.config) {
    const { config } = await loadConfig(options.config);
    const { host, port } = parseListenAddress(config.api.listen);
    const reachable = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
    const scheme = config.api.tls ? "https" : "http";
    const url = `${scheme}://${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}`;
    const tls = ca ?? agentTlsOf(config, options.config);
    return { url, ...(tls ? { tls } : {}) };
  }
  if (ca) throw new UsageError("--ca needs --url (or use --config, whose api.tls.ca is used)");
  return { url: DEFAULT_AGENT_URL };
}

/**
 * The CA and client certificate a CLI run with `--config FILE` uses for the cluster's `https`
 * agents: the node's own `api.tls` files (whoever may read the node's configuration is an
 * operator of the pair).
 *
 * @example
 * ```ts
 * agentTlsOf(config, "/etc/tandem/tandem.yaml"); // { ca, caSource: "api.tls.ca of /etc/tandem/tandem.yaml", cert, key }
 * ```
 */
export function agentTlsOf(config: Config, path: string): AgentTls | undefined {
  const tls = readApiTls(config.api.tls);
  if (!tls) return undefined;
  return {
    cert: tls.cert,
    key: tls.key,
    ...(tls.ca === undefined ? {} : { ca: tls.ca, caSource: `api.tls.ca of ${path}` }),
  };
}

function readCaOption(path: string): AgentTls {
  let ca: string;
  try {
    ca = readFileSync(path, "utf8");
  } catch (err) {
    throw new UsageError(`--ca "${path}": cannot read it (${(err as Error).message})`);
  }
  if (!ca.includes("-----BEGIN CERTIFICATE-----")) {
    throw new UsageError(`--ca "${path}" holds no PEM certificate ("-----BEGIN CERTIFICATE-----")`);
  }
  return { ca, caSource: `--ca ${path}` };
}

/**
 * Reads `/v1/status` from the agent at `baseUrl`.
 *
 * @example
 * ```ts
 * const doc = await fetchStatus("http://127.0.0.1:7701");
 * ```
 */
export async function fetchStatus(
  baseUrl: string,
  timeoutMs = 3000,
  tls?: AgentTls,
): Promise<StatusDocument> {
  const response = await requestAgent({
    url: `${baseUrl}/v1/status`,
    method: "GET",
    timeoutMs,
    ...(tls ? { tls } : {}),
    where: `the agent at ${baseUrl}`,
    hint: '(is "tandem agent" running?)',
  });
  if (response.status !== 200) {
    throw new AgentResponseError(
      `The agent at ${baseUrl} answered HTTP ${response.status} to /v1/status`,
    );
  }
  try {
    return JSON.parse(response.text) as StatusDocument;
  } catch (err) {
    throw new AgentResponseError(`The agent at ${baseUrl} sent a status that is not JSON`, {
      cause: err,
    });
  }
}
