/**
 * The agent's side of `tandem doctor`: a signed request asks this node to run its own checks
 * (as the user the agent runs as, with the configuration it runs with), to try the ports of the
 * node that asks, and to tell its clock and its cluster section (secret hashed).
 */
import type { FastifyInstance } from "fastify";
import type { Config } from "../config/schema.js";
import { isTandemError, PeerMessageError } from "../errors.js";
import { NonceCache } from "../peer/nonce-cache.js";
import { rejectionOf, verifyRequest } from "../peer/signing.js";
import { type RedactedCluster, redactCluster } from "./cluster-diff.js";
import { nodeChecks } from "./local.js";
import { type ReachResult, type ReachTarget, reach } from "./reach.js";
import type { DoctorCheck } from "./types.js";

/** Where the doctor asks an agent. */
export const DOCTOR_PATH = "/v1/operator/doctor";

/** Most ports one request may ask to try: an API and a few SIP listeners. */
const MAX_TARGETS = 16;

/** How long each port try may take on the agent's side. */
const REACH_TIMEOUT_MS = 1500;

/**
 * What an agent answers to the doctor.
 *
 * @example
 * ```ts
 * const r: DoctorReply = { node: "b", time: Date.now(), cluster, checks: [], reach: [] };
 * ```
 */
export interface DoctorReply {
  node: string;
  /** The agent's wall clock (ms since the epoch) while answering. */
  time: number;
  cluster: RedactedCluster | null;
  checks: DoctorCheck[];
  /** The asking node's ports, as tried from this node. */
  reach: ReachResult[];
}

function parseTargets(value: unknown): ReachTarget[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > MAX_TARGETS) {
    throw malformed(
      `doctor request rejected: "reach" must be a list of at most ${MAX_TARGETS} ports`,
    );
  }
  return value.map((t: Partial<ReachTarget>) => {
    const ok =
      typeof t === "object" &&
      t !== null &&
      typeof t.name === "string" &&
      t.name.length <= 40 &&
      typeof t.host === "string" &&
      t.host.length > 0 &&
      t.host.length <= 253 &&
      Number.isInteger(t.port) &&
      (t.port as number) >= 1 &&
      (t.port as number) <= 65535 &&
      (t.transport === "tcp" || t.transport === "sip-udp");
    if (!ok) {
      throw malformed(
        'doctor request rejected: each "reach" item must be {name, host, port 1-65535, transport "tcp" or "sip-udp"}',
      );
    }
    return { name: t.name, host: t.host, port: t.port, transport: t.transport } as ReachTarget;
  });
}

/**
 * Registers `POST /v1/operator/doctor` (signed with the cluster secret, like operator commands).
 *
 * @example
 * ```ts
 * registerDoctorRoutes(app, { secret: cluster.secret, selfName: "a", config });
 * ```
 */
export function registerDoctorRoutes(
  app: FastifyInstance,
  options: { secret: string; selfName: string; config: Config },
): void {
  const nonces = new NonceCache();
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: 16_384 }, (_req, body, done) =>
      done(null, body),
    );
    scope.setErrorHandler(async (err: Error & { statusCode?: number }, _req, reply) => {
      const rejection = rejectionOf(err);
      if (rejection && isTandemError(err)) {
        return reply.code(rejection.status).send({ error: err.message, code: err.code });
      }
      const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
      return reply.code(status).send({
        error: status === 500 ? "internal error" : err.message,
        code: (err as { code?: string }).code,
      });
    });
    scope.post(DOCTOR_PATH, async (req): Promise<DoctorReply> => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      verifyRequest(
        { method: req.method, path: req.url, headers: req.headers, body: raw },
        {
          secret: options.secret,
          self: options.selfName,
          nonces,
          label: "doctor request",
          remote: req.ip,
        },
      );
      let body: { reach?: unknown };
      try {
        body = JSON.parse(raw.toString("utf8")) as { reach?: unknown };
      } catch {
        throw malformed("doctor request rejected: body is not JSON");
      }
      const targets = parseTargets(body?.reach);
      const [checks, reached] = await Promise.all([
        nodeChecks(options.selfName, options.config),
        reach(targets, REACH_TIMEOUT_MS),
      ]);
      return {
        node: options.selfName,
        time: Date.now(),
        cluster: options.config.cluster ? redactCluster(options.config.cluster) : null,
        checks,
        reach: reached,
      };
    });
  });
}

function malformed(message: string): Error {
  return new PeerMessageError(message, { details: { reason: message, status: 400 } });
}
