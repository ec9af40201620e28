/**
 * Finds a running agent and reads its status over the HTTP API.
 */

import { parseListenAddress } from "../api/server.js";
import type { StatusDocument } from "../api/status-types.js";
import { loadConfig } from "../config/index.js";
import { fetchFailure } from "../control/client.js";
import { AgentResponseError, AgentUnreachableError, UsageError } from "../errors.js";

/** The API address `npm start` and an unconfigured agent use. */
export const DEFAULT_AGENT_URL = "http://127.0.0.1:7701";

/**
 * The agent's base URL from `--url`, or from the `api.listen` of `--config`, or the default.
 * A wildcard listen address (`0.0.0.0`, `::`) is reached through loopback.
 */
export async function resolveAgentUrl(options: {
  url?: string | undefined;
  config?: string | undefined;
}): Promise<string> {
  if (options.url) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new UsageError(
        `--url "${options.url}" is not a URL (expected e.g. http://127.0.0.1:7701)`,
      );
    }
    return parsed.origin;
  }
  if (options.config) {
    const { config } = await loadConfig(options.config);
    const { host, port } = parseListenAddress(config.api.listen);
    const reachable = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
    return `http://${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}`;
  }
  return DEFAULT_AGENT_URL;
}

/**
 * Reads `/v1/status` from the agent at `baseUrl`.
 *
 * @example
 * ```ts
 * const doc = await fetchStatus("http://127.0.0.1:7701");
 * ```
 */
export async function fetchStatus(baseUrl: string, timeoutMs = 3000): Promise<StatusDocument> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/v1/status`, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new AgentUnreachableError(
      `Cannot reach the agent at ${baseUrl}: ${fetchFailure(err, timeoutMs)} (is "tandem agent" running?)`,
      {
        cause: err,
      },
    );
  }
  if (!response.ok) {
    throw new AgentResponseError(
      `The agent at ${baseUrl} answered HTTP ${response.status} to /v1/status`,
    );
  }
  try {
    return (await response.json()) as StatusDocument;
  } catch (err) {
    throw new AgentResponseError(`The agent at ${baseUrl} sent a status that is not JSON`, {
      cause: err,
    });
  }
}
