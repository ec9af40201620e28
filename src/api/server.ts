/**
 * The agent's HTTP API: monitor URLs for load balancers, `/v1/status` for the CLI and
 * scripts, `/metrics` for Prometheus. Bodies, request times and connections are bounded, over
 * plain HTTP or TLS.
 *
 * Node checks a connection's header and request deadlines only every
 * `connectionsCheckingInterval` (30 s by default), so with its defaults a client that drips
 * its headers was cut anywhere from 5 to 35 s after connecting; the interval here is 250 ms,
 * and the header deadline of a new connection has a timer of its own (see header-deadline.ts).
 */
import type { ServerOptions as HttpServerOptions } from "node:http";
import Fastify, { type FastifyInstance } from "fastify";
import { ConfigInvalidError, type ListenError } from "../errors.js";
import { listenError } from "../net/bind-error.js";
import { requireClientCert } from "./client-cert.js";
import { cutSlowHeaders } from "./header-deadline.js";
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
  /** Longest time a client may take to send a whole request, in ms. @default 5000 */
  requestTimeoutMs?: number;
  /** Longest time a client may take to send a request's headers, in ms. @default 2000 */
  headersTimeoutMs?: number;
  /** Most connections open at once; more are closed on accept. @default 1000 */
  maxConnections?: number;
  /** Told of each connection closed on accept for `maxConnections`. @default none */
  onDropped?: () => void;
  /** Serve HTTPS with this certificate (PEM contents, not paths). */
  tls?: ApiTlsOptions;
  /** Called with a one-line reason for each request refused for its client certificate. */
  onRefused?: (reason: string, remote: string) => void;
  /** This node's name, sent as `X-Tandem-Node` on every response (for a load-balancer witness). */
  nodeName?: string;
}

/**
 * The API's TLS material, read from the files of `api.tls`.
 *
 * @example
 * ```ts
 * const tls: ApiTlsOptions = { cert: readFileSync("a.crt", "utf8"), key: readFileSync("a.key", "utf8"), requireClientCert: false };
 * ```
 */
export interface ApiTlsOptions {
  cert: string;
  key: string;
  /** CA certificates that client certificates must chain to. */
  ca?: string;
  /** Refuse peer and operator requests from clients without a certificate signed by `ca`. */
  requireClientCert: boolean;
}

/** How often Node looks for connections past their header or request deadline, in ms. */
export const CONNECTION_CHECK_INTERVAL_MS = 250;

/**
 * Builds the API (not yet listening). Throws a `ConfigInvalidError` when the TLS certificate
 * or key cannot be used.
 *
 * @example
 * ```ts
 * const app = createApiServer({ getStatus, metrics });
 * await listenApi(app, "127.0.0.1:7701");
 * ```
 */
export function createApiServer(options: ApiServerOptions): FastifyInstance {
  const requestTimeout = options.requestTimeoutMs ?? 5000;
  const headersTimeout = Math.min(options.headersTimeoutMs ?? 2000, requestTimeout);
  const timeouts: HttpServerOptions = {
    requestTimeout,
    headersTimeout,
    connectionsCheckingInterval: CONNECTION_CHECK_INTERVAL_MS,
  };
  const { tls } = options;
  let app: FastifyInstance;
  try {
    app = Fastify({
      logger: false,
      bodyLimit: options.bodyLimit ?? 65_536,
      requestTimeout,
      connectionTimeout: requestTimeout,
      keepAliveTimeout: 5000,
      return503OnClosing: true,
      forceCloseConnections: true,
      http: timeouts,
      // The handshake succeeds without a client certificate; requireClientCert decides per route.
      ...(tls
        ? {
            https: {
              ...timeouts,
              cert: tls.cert,
              key: tls.key,
              ...(tls.ca === undefined ? {} : { ca: tls.ca }),
              requestCert: tls.requireClientCert,
              rejectUnauthorized: false,
              handshakeTimeout: headersTimeout,
            },
          }
        : {}),
      // An https server is a net.Server like the http one; the routes never see the difference.
    }) as unknown as FastifyInstance;
  } catch (err) {
    throw new ConfigInvalidError(
      `api.tls: cannot use the certificate and key: ${(err as Error).message}`,
      { cause: err },
    );
  }
  app.server.maxConnections = options.maxConnections ?? 1000;
  const { onDropped } = options;
  if (onDropped) app.server.on("drop", () => onDropped());
  cutSlowHeaders(app.server, tls ? "secureConnection" : "connection", headersTimeout);
  if (tls?.requireClientCert) requireClientCert(app, options.onRefused);
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
