/**
 * The web console on the agent's API port: the page at `/`, its files under `/ui/`, and the
 * `/ui/api/` routes it calls besides `/v1/status`, `/v1/events`, `/v1/clients`.
 */
import type { FastifyInstance } from "fastify";
import type { ApiTlsOptions } from "../api/server.js";
import type { StatusDocument } from "../api/status-types.js";
import type { ClusterNode } from "../cluster/cluster-node.js";
import type { Config } from "../config/schema.js";
import type { Logger } from "../log/logger.js";
import { registerActionRoutes } from "./action-routes.js";
import { assetDir, loadAssets } from "./assets.js";
import { registerAuthRoutes } from "./auth-routes.js";
import type { ConsoleContext } from "./context.js";
import { consoleHeaders } from "./headers.js";
import { registerPairRoutes } from "./pair-routes.js";
import { registerQueueRoutes } from "./queue-routes.js";
import { registerRecoverRoutes } from "./recover-routes.js";
import { Sessions } from "./sessions.js";

/** Options of {@link attachConsole}. */
export interface ConsoleOptions {
  config: Config;
  /** This node's name. */
  name: string;
  status: () => StatusDocument;
  /** The pair's engine shell once joined; null for a standalone node. */
  cluster: () => ClusterNode | null;
  logger: Logger;
  /** The API's TLS material: cookies get `Secure`, and the other node is asked over HTTPS with it. */
  tls?: ApiTlsOptions | undefined;
  /** Where the built page is. @default dist/ui/page */
  assetDir?: string;
}

/**
 * Serves the console on `app`.
 *
 * @example
 * ```ts
 * attachConsole(app, { config, name: "a", status: () => agent.status(), cluster: () => node, logger });
 * ```
 */
export function attachConsole(app: FastifyInstance, options: ConsoleOptions): void {
  const { tls } = options;
  const ctx: ConsoleContext = {
    config: options.config,
    name: options.name,
    status: options.status,
    cluster: options.cluster,
    logger: options.logger,
    sessions: new Sessions(options.config.ui.sessionTtl),
    secure: tls !== undefined,
    ...(tls
      ? {
          peerTls: {
            cert: tls.cert,
            key: tls.key,
            ...(tls.ca === undefined ? {} : { ca: tls.ca, caSource: "api.tls.ca" }),
          },
        }
      : {}),
  };
  const dir = options.assetDir ?? assetDir();
  const assets = loadAssets(dir);
  const serve = (path: string) =>
    app.get(path, async (req, reply) => {
      const key = path === "/" ? "/" : `/ui/${(req.params as { file: string }).file}`;
      const asset = assets.get(key);
      reply.headers(consoleHeaders());
      if (!asset) {
        if (key !== "/") return reply.code(404).send({ error: "not found", path: key });
        return reply
          .code(500)
          .type("text/plain; charset=utf-8")
          .send(`The console's files are missing from ${dir}: run "npm run build".`);
      }
      reply.header("etag", asset.etag).header("vary", "accept-encoding").type(asset.type);
      if (req.headers["if-none-match"] === asset.etag) return reply.code(304).send();
      if (/\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""))) {
        return reply.header("content-encoding", "gzip").send(asset.gzip);
      }
      return reply.send(asset.body);
    });
  serve("/");
  serve("/ui/:file");
  registerAuthRoutes(app, ctx);
  registerPairRoutes(app, ctx);
  registerActionRoutes(app, ctx);
  registerRecoverRoutes(app, ctx);
  registerQueueRoutes(app, ctx);
}
