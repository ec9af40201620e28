/**
 * `GET /ui/api/session`, `POST /ui/api/login`, `POST /ui/api/logout`: console logins against
 * the `operators` section, with a per-address limit on failures.
 */
import type { FastifyInstance } from "fastify";
import { type ConsoleContext, mayAct, sessionOf } from "./context.js";
import { SCRYPT_PARAMS, verifyPassword } from "./password.js";
import { LoginLimiter } from "./rate-limit.js";
import { SESSION_COOKIE } from "./sessions.js";

/**
 * A password hash no account has, with the parameters of new hashes, checked for unknown names
 * so they take as long as known ones.
 */
const DUMMY_HASH = `scrypt$N=${SCRYPT_PARAMS.N},r=${SCRYPT_PARAMS.r},p=${SCRYPT_PARAMS.p}$${Buffer.alloc(16).toString("base64")}$${Buffer.alloc(32).toString("base64")}`;

/**
 * Registers the login routes.
 *
 * @example
 * ```ts
 * registerAuthRoutes(app, ctx);
 * ```
 */
export function registerAuthRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const limiter = new LoginLimiter(ctx.config.ui.loginFailures);
  const cookie = (value: string, maxAge: number): string =>
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${ctx.secure ? "; Secure" : ""}`;

  app.get("/ui/api/session", async (req) => {
    const session = sessionOf(ctx, req);
    return {
      node: ctx.name,
      operator: session?.operator ?? null,
      csrf: session?.csrf ?? null,
      public: ctx.config.ui.public,
      pair: ctx.config.cluster !== undefined,
      queues: ctx.config.reports !== undefined,
    };
  });

  app.post("/ui/api/login", async (req, reply) => {
    const wait = limiter.retryAfter(req.ip);
    if (wait > 0) {
      return reply
        .code(429)
        .header("retry-after", String(wait))
        .send({ error: `too many failed logins from ${req.ip}: try again in ${wait} s` });
    }
    const body = req.body as { name?: unknown; password?: unknown } | null;
    const name = typeof body?.name === "string" ? body.name : "";
    const password = typeof body?.password === "string" ? body.password : "";
    if (!name || !password) {
      return reply
        .code(400)
        .send({ error: 'expected a JSON body {"name": OPERATOR, "password": PASSWORD}' });
    }
    const hash = Object.hasOwn(ctx.config.operators, name) ? ctx.config.operators[name] : undefined;
    const ok = await verifyPassword(password, hash ?? DUMMY_HASH);
    if (!ok || hash === undefined) {
      limiter.fail(req.ip);
      ctx.logger.warn(
        { event: "ui_login_failed", operator: name.slice(0, 63), remote: req.ip },
        `console login refused for "${name.slice(0, 63)}" from ${req.ip}`,
      );
      return reply.code(401).send({ error: "wrong operator name or password" });
    }
    limiter.succeed(req.ip);
    const session = ctx.sessions.open(name);
    ctx.logger.info(
      { event: "ui_login", operator: name, remote: req.ip },
      `console login by ${name}@web from ${req.ip}`,
    );
    return reply
      .header("set-cookie", cookie(session.id, ctx.sessions.maxAgeSeconds))
      .send({ operator: name, csrf: session.csrf });
  });

  app.post("/ui/api/logout", async (req, reply) => {
    const session = mayAct(ctx, req, reply);
    if (!session) return reply;
    ctx.sessions.close(session.id);
    return reply.header("set-cookie", cookie("", 0)).send({ operator: null });
  });
}
