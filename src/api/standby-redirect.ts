/**
 * The standby's redirect: a console opened on the node that does not serve lands on the one
 * that does. Requests under the configured client paths are answered `307` with the same path
 * on the serving node (307 keeps the method and body, unlike 302).
 */
import type { FastifyInstance } from "fastify";

/** Options of {@link registerStandbyRedirect}. */
export interface StandbyRedirectOptions {
  /** Path prefixes to redirect (`api.clientPaths`); `/console` covers `/console/x`, not `/consoles`. */
  paths: readonly string[];
  /** Whether this node serves now. */
  serving: () => boolean;
  /** The serving node's API base URL, or null when no other node is known to serve. */
  servingUrl: () => string | null;
}

/** Whether `path` is `prefix` or below it. */
export function underPrefix(path: string, prefix: string): boolean {
  const p = prefix.endsWith("/") && prefix.length > 1 ? prefix.slice(0, -1) : prefix;
  return p === "/" || path === p || path.startsWith(`${p}/`);
}

/**
 * Adds the redirect as an `onRequest` hook (nothing is added for an empty path list).
 *
 * @example
 * ```ts
 * registerStandbyRedirect(app, { paths: ["/console"], serving: () => agent.serving,
 *   servingUrl: () => "http://10.0.0.12:7701" });
 * ```
 */
export function registerStandbyRedirect(
  app: FastifyInstance,
  options: StandbyRedirectOptions,
): void {
  if (options.paths.length === 0) return;
  app.addHook("onRequest", async (req, reply) => {
    const path = req.url.split("?")[0] ?? "/";
    if (!options.paths.some((p) => underPrefix(path, p)) || options.serving()) return;
    const target = options.servingUrl();
    if (!target) {
      return reply
        .code(503)
        .header("retry-after", "1")
        .send({ error: `this node does not serve and no other node is known to serve ${path}` });
    }
    return reply
      .code(307)
      .header("location", `${target.replace(/\/+$/, "")}${req.url}`)
      .header("cache-control", "no-store")
      .send();
  });
}
