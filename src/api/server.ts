/**
 * The agent's HTTP API: monitor URLs for load balancers, `/v1/status` for the CLI and
 * scripts, `/metrics` for Prometheus. Bodies and request times are bounded.
 */
import Fastify, { type FastifyInstance } from "fastify";
import type { ListenError } from "../errors.js";
import { listenError } from "../net/bind-error.js";
import type { AgentMetrics } from "./metrics.js";
import { registerMonitorRoutes } from "./monitor-routes.js";
import type { StatusDocument } from "./status-types.js";

/** Options of {@link createApiServer}. */
export interface ApiServerOptions {
  /** The current status document. */
  getStatus: () => StatusDocument;
  metrics: AgentMetrics;
  /** Largest accepted request body in bytes. @default 65536 */
  bodyLimit?: number;
  /** Longest time a request may take, in ms. @default 5000 */
  requestTimeoutMs?: number;
  /** This node's name, sent as `X-Tandem-Node` on every response (for a load-balancer witness). */
  nodeName?: string;
}

/**
 * Builds the API (not yet listening).
 *
 * @example
 * ```ts
 * const app = createApiServer({ getStatus, metrics });
 * await listenApi(app, "127.0.0.1:7701");
 * ```
 */
export function createApiServer(options: ApiServerOptions): FastifyInstance {
  const requestTimeout = options.requestTimeoutMs ?? 5000;
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit ?? 65_536,
    requestTimeout,
    connectionTimeout: requestTimeout,
    keepAliveTimeout: 5000,
    return503OnClosing: true,
    forceCloseConnections: true,
  });
  const nodeName = options.nodeName;
  if (nodeName) {
    app.addHook("onRequest", async (_req, reply) => {
      reply.header("x-tandem-node", nodeName);
    });
  }
  registerMonitorRoutes(app, options.getStatus);
  app.get("/v1/status", async () => options.getStatus());
  app.get("/metrics", async (_req, reply) => {
    const text = await options.metrics.text();
    return reply.header("content-type", options.metrics.registry.contentType).send(text);
  });
  app.setNotFoundHandler(async (req, reply) =>
    reply.code(404).send({ error: "not found", path: req.url.split("?")[0] }),
  );
  app.setErrorHandler(
    async (err: { statusCode?: number; message: string; code?: string }, _req, reply) => {
      const code = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
      return reply
        .code(code)
        .send({ error: code === 500 ? "internal error" : err.message, code: err.code });
    },
  );
  return app;
}

/** Splits `host:port` (IPv6 as `[::1]:7701`). */
export function parseListenAddress(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(":");
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, "$1");
  return { host, port: Number(address.slice(colon + 1)) };
}

/**
 * Starts listening; a bind failure becomes a {@link ListenError} that names the address.
 * Returns the bound port (useful with port 0).
 */
export async function listenApi(app: FastifyInstance, address: string): Promise<number> {
  const { host, port } = parseListenAddress(address);
  try {
    await app.listen({ host, port });
  } catch (err) {
    throw listenError(`the API listener: port "${port}" on ${host}`, err);
  }
  const bound = app.server.address();
  return typeof bound === "object" && bound ? bound.port : port;
}
