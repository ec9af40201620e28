/**
 * The operator endpoints of a pair's agent: commands, the recovery checks, client notices,
 * activity reports and the failover log.
 *
 * Commands change who takes calls, so they are signed like the heartbeats (HMAC with the
 * cluster secret over method, path, signer, target node, timestamp, nonce and body; replays
 * refused, and so is a request signed for the other node): whoever can
 * read a node's configuration is an operator of the pair. The body names who asked; the agent
 * adds the address the request came from, and the engine logs both with the decision.
 *
 * `/v1/activity` is different: a dialplan's `CURL()` cannot sign, so it is accepted unsigned
 * from loopback (the PBX on the same server) and signed from anywhere else.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { CommandOutcome } from "../cluster/cluster-node.js";
import type { FailoverLogEntry } from "../cluster/failover-log.js";
import { COMMAND_NAMES, type CommandName } from "../engine/types.js";
import { isTandemError, PeerMessageError } from "../errors.js";
import { NonceCache } from "../peer/nonce-cache.js";
import { rejectionOf, verifyRequest } from "../peer/signing.js";

/**
 * The paths of the operator endpoints.
 *
 * @example
 * ```ts
 * await fetch(`${url}${CONTROL_PATHS.command}`, { method: "POST", headers: signed, body });
 * ```
 */
export const CONTROL_PATHS = {
  command: "/v1/operator/command",
  check: "/v1/operator/check",
  notify: "/v1/operator/notify",
  activity: "/v1/activity",
  log: "/v1/log",
} as const;

/**
 * What a recovery check hook answered.
 *
 * @example
 * ```ts
 * const r: CheckResult = { configured: true, ok: false, messages: ["hook /etc/tandem/paused exit 1: queue sales has 2 members unpaused"] };
 * ```
 */
export interface CheckResult {
  /** False when no hook is configured for the check: the operator must confirm by hand. */
  configured: boolean;
  ok: boolean;
  messages: string[];
}

/** Options of {@link registerControlRoutes}. */
export interface ControlRoutesOptions {
  secret: string;
  selfName: string;
  /** Applies a command addressed to this node (`force`: even if it leaves nobody serving). */
  command(
    command: CommandName,
    target: string | undefined,
    by: string,
    force: boolean,
  ): CommandOutcome;
  /** Runs the `queues-paused` check hooks. */
  check(name: "queues-paused", by: string): Promise<CheckResult>;
  /** Publishes a notice to this node's event stream. */
  notify(event: "reconnect", data: { to: string; reason: string; by: string }): void;
  /** Calls arrived at this node (active-active); returns the node's mode afterwards. */
  activity(from: string): { mode: string; serving: boolean };
  readLog(limit: number): Promise<FailoverLogEntry[]>;
  /** Logs a refused request (rate-limit it). */
  onRejected?(reason: string, remote: string): void;
  /** @default 16384 */
  bodyLimit?: number;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
const BY_PATTERN = /^[\x20-\x7e]{1,120}$/;

/**
 * Registers the operator endpoints in an encapsulated plugin (raw bodies, so the signature
 * covers the exact bytes sent).
 *
 * @example
 * ```ts
 * registerControlRoutes(app, {
 *   secret, selfName: "a",
 *   command: (c, t, by) => node.command(c, t, by),
 *   check: (name, by) => runCheck(name, by),
 *   notify: (event, data) => hub.publish(event, data),
 *   activity: () => { node.input({ type: "activity" }); return { mode: node.state.mode, serving: node.state.serving }; },
 *   readLog: (n) => node.readLog(n),
 * });
 * ```
 */
export function registerControlRoutes(app: FastifyInstance, options: ControlRoutesOptions): void {
  const nonces = new NonceCache();
  const bodyLimit = options.bodyLimit ?? 16_384;

  /** Verifies the signature and returns the parsed body and who asked. */
  function signedBody(req: FastifyRequest, label: string): { body: Record<string, unknown> } {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    verifyRequest(
      { method: req.method, path: req.url, headers: req.headers, body: raw },
      { secret: options.secret, self: options.selfName, nonces, label, remote: req.ip },
    );
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString("utf8"));
    } catch {
      throw malformed(`${label} rejected: body is not JSON`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw malformed(`${label} rejected: body is not a JSON object`);
    }
    return { body: parsed as Record<string, unknown> };
  }

  function whoAsked(req: FastifyRequest, body: Record<string, unknown>, label: string): string {
    const by = body.by;
    if (typeof by !== "string" || !BY_PATTERN.test(by)) {
      throw malformed(
        `${label} rejected: "by" must name who asks (1–120 printable characters, e.g. "alice@console")`,
      );
    }
    return `${by} from ${req.ip}`;
  }

  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit }, (_req, body, done) =>
      done(null, body),
    );
    scope.setErrorHandler(async (err: Error & { statusCode?: number }, req, reply) => {
      const rejection = rejectionOf(err);
      if (rejection && isTandemError(err)) {
        options.onRejected?.(err.message, req.ip);
        return reply.code(rejection.status).send({ error: err.message, code: err.code });
      }
      const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
      const message = status === 500 ? "internal error" : err.message;
      return reply.code(status).send({ error: message, code: (err as { code?: string }).code });
    });

    scope.post(CONTROL_PATHS.command, async (req) => {
      const label = "operator command";
      const { body } = signedBody(req, label);
      const command = body.command;
      if (typeof command !== "string" || !(COMMAND_NAMES as readonly string[]).includes(command)) {
        throw malformed(`${label} rejected: "command" must be one of ${COMMAND_NAMES.join(", ")}`);
      }
      const target = body.target;
      if (target !== undefined && (typeof target !== "string" || target === "")) {
        throw malformed(`${label} rejected: "target" must be a node name`);
      }
      const by = whoAsked(req, body, label);
      if (body.force !== undefined && typeof body.force !== "boolean") {
        throw malformed(`${label} rejected: "force" must be true or false`);
      }
      if (command !== "switchover" && target !== undefined && target !== options.selfName) {
        throw malformed(
          `${label} rejected: "${command} ${target}" is addressed to "${target}", not to this node "${options.selfName}"; send it to "${target}"`,
          409,
        );
      }
      return {
        node: options.selfName,
        command,
        target: target ?? options.selfName,
        by,
        ...options.command(command as CommandName, target, by, body.force === true),
      };
    });

    scope.post(CONTROL_PATHS.check, async (req) => {
      const label = "recovery check";
      const { body } = signedBody(req, label);
      if (body.check !== "queues-paused") {
        throw malformed(`${label} rejected: "check" must be "queues-paused"`);
      }
      const by = whoAsked(req, body, label);
      return {
        node: options.selfName,
        check: "queues-paused",
        ...(await options.check("queues-paused", by)),
      };
    });

    scope.post(CONTROL_PATHS.notify, async (req) => {
      const label = "client notice";
      const { body } = signedBody(req, label);
      if (body.event !== "reconnect" || typeof body.to !== "string" || body.to === "") {
        throw malformed(
          `${label} rejected: expected {"event": "reconnect", "to": NODE, "by": WHO}`,
        );
      }
      const by = whoAsked(req, body, label);
      const reason =
        typeof body.reason === "string" ? body.reason.slice(0, 200) : "operator notice";
      options.notify("reconnect", { to: body.to, reason, by });
      return { node: options.selfName, event: "reconnect", to: body.to };
    });

    const activity = async (req: FastifyRequest) => {
      if (!LOOPBACK.test(req.ip)) signedBody(req, "activity report");
      return { node: options.selfName, ...options.activity(req.ip) };
    };
    scope.post(CONTROL_PATHS.activity, activity);
    scope.get(CONTROL_PATHS.activity, activity);

    scope.get<{ Querystring: { limit?: string } }>(CONTROL_PATHS.log, async (req) => {
      const raw = req.query.limit ?? "100";
      const limit = Number(raw);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
        throw malformed(`limit "${raw}" must be an integer from 1 to 10000`);
      }
      return { node: options.selfName, entries: await options.readLog(limit) };
    });
  });
}

function malformed(message: string, status = 400) {
  const err = new PeerMessageError(message, {
    details: { reason: message, status },
  });
  return err;
}
