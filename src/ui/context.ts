/**
 * What the console's routes share: the configuration, this node, the login sessions, and a
 * guard that answers 401/403 for requests that need a login or a CSRF token.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { StatusDocument } from "../api/status-types.js";
import type { ClusterNode } from "../cluster/cluster-node.js";
import type { Config } from "../config/schema.js";
import type { AgentTls } from "../control/agent-request.js";
import type { Logger } from "../log/logger.js";
import {
  cookieValue,
  csrfMatches,
  SESSION_COOKIE,
  type Session,
  type Sessions,
} from "./sessions.js";

/**
 * The console's view of its agent.
 *
 * @example
 * ```ts
 * const ctx: ConsoleContext = { config, name: "a", status: () => agent.status(), cluster: () => null, logger, sessions, secure: false };
 * ```
 */
export interface ConsoleContext {
  config: Config;
  name: string;
  status: () => StatusDocument;
  /** The pair's engine shell, once the agent joined its cluster; null for a standalone node. */
  cluster: () => ClusterNode | null;
  logger: Logger;
  sessions: Sessions;
  /** The API is HTTPS: cookies get `Secure`. */
  secure: boolean;
  /** TLS material for requests to the other node's agent. */
  peerTls?: AgentTls;
}

/**
 * The session of a request, or null.
 *
 * @example
 * ```ts
 * const who = sessionOf(ctx, req)?.operator ?? "anonymous";
 * ```
 */
export function sessionOf(ctx: ConsoleContext, req: FastifyRequest): Session | null {
  return ctx.sessions.get(cookieValue(req.headers.cookie, SESSION_COOKIE));
}

/**
 * For a read: null when the request may see the status view (`ui.public: status`, or logged
 * in), else answers 401 and returns the reply.
 *
 * @example
 * ```ts
 * if (mayView(ctx, req, reply) !== null) return reply;
 * ```
 */
export function mayView(
  ctx: ConsoleContext,
  req: FastifyRequest,
  reply: FastifyReply,
): FastifyReply | null {
  if (ctx.config.ui.public === "status" || sessionOf(ctx, req)) return null;
  return reply.code(401).send({ error: 'log in first: ui.public is "none"' });
}

/**
 * For an action: the session when the request carries a live session cookie, the session's
 * CSRF token in `X-CSRF-Token` and (if sent) an `Origin` of this very host; otherwise answers
 * 401 or 403 and returns null.
 *
 * @example
 * ```ts
 * const session = mayAct(ctx, req, reply);
 * if (!session) return reply;
 * ```
 */
export function mayAct(
  ctx: ConsoleContext,
  req: FastifyRequest,
  reply: FastifyReply,
): Session | null {
  const session = sessionOf(ctx, req);
  if (!session) {
    void reply.code(401).send({ error: "log in first: actions need an operator account" });
    return null;
  }
  const origin = req.headers.origin;
  if (origin !== undefined && originHost(origin) !== req.headers.host) {
    void reply.code(403).send({
      error: `request from origin "${origin}" refused: the console only acts for its own page`,
    });
    return null;
  }
  if (!csrfMatches(session, req.headers["x-csrf-token"])) {
    void reply.code(403).send({
      error: "missing or wrong X-CSRF-Token header: reload the console and try again",
    });
    return null;
  }
  return session;
}

function originHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/**
 * How an operator's web request is named in the failover log: `alice@web from 10.0.0.5`.
 *
 * @example
 * ```ts
 * webActor(session, req); // "alice@web from 10.0.0.5"
 * ```
 */
export function webActor(session: Session, req: FastifyRequest): string {
  return `${session.operator}@web from ${req.ip}`;
}
