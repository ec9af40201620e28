/**
 * The log lines of the API's connection limits: an operator whose consoles cannot connect
 * reads which limit refused them and which option raises it.
 */
import type { Logger } from "../log/logger.js";
import { refusalCounter } from "./refusal-counter.js";

/** The limits named in the log lines (the `api` section's values). */
export interface ApiLimits {
  maxConnections: number;
  maxEventStreams: number;
}

/**
 * Callbacks for the hub's `onRefused` and the API server's `onDropped` that log a warning at
 * the first refusal and then at most one summary per 10 s.
 *
 * @example
 * ```ts
 * const refusals = refusalLog(logger, config.api);
 * const hub = new EventHub({ maxClients: config.api.maxEventStreams, onRefused: refusals.stream });
 * createApiServer({ …, onDropped: refusals.connection });
 * ```
 */
export function refusalLog(
  logger: Logger,
  limits: ApiLimits,
): { stream: () => void; connection: () => void } {
  return {
    stream: refusalCounter((refused) =>
      logger.warn(
        { event: "event_streams_refused", refused, max: limits.maxEventStreams },
        `refused ${refused} GET /v1/events stream(s) with 503: api.maxEventStreams (${limits.maxEventStreams}) streams are open; raise api.maxEventStreams (and api.maxConnections to at least twice that)`,
      ),
    ),
    connection: refusalCounter((refused) =>
      logger.warn(
        { event: "connections_refused", refused, max: limits.maxConnections },
        `closed ${refused} new API connection(s) on accept: api.maxConnections (${limits.maxConnections}) are open; raise api.maxConnections (and the open-file limit, systemd LimitNOFILE)`,
      ),
    ),
  };
}
