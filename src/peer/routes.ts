/**
 * The peer endpoints on the agent's API: heartbeats and fence requests from the other agent.
 *
 * They live in their own Fastify plugin so that their raw-body JSON parser (the signature covers
 * the exact bytes sent, which a parse-and-reserialise would lose) and their error format do not
 * change the rest of the API. Order of checks: signature, timestamp and nonce (401), membership
 * (403), then body shape (400). Nothing unauthenticated is ever parsed as JSON, and nothing
 * malformed ever reaches the engine callbacks.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { PeerView } from "../engine/index.js";
import { isTandemError, PeerMessageError, PeerUnknownError } from "../errors.js";
import { type Parsed, parseFenceBody, parsePeerView } from "./messages.js";
import { NonceCache } from "./nonce-cache.js";
import {
  assertSecret,
  clockRejectionOf,
  type PeerRejection,
  rejectionOf,
  signReply,
  verifyRequest,
} from "./signing.js";

/**
 * The paths of the peer endpoints.
 *
 * @example
 * ```ts
 * await fetch(`${peerUrl}${PEER_PATHS.heartbeat}`, { method: "POST", headers, body });
 * ```
 */
export const PEER_PATHS = {
  heartbeat: "/v1/peer/heartbeat",
  fence: "/v1/peer/fence",
  unfence: "/v1/peer/unfence",
} as const;

/**
 * The `code` of a signed refusal for a request's timestamp (a {@link PeerClockError} on the
 * answering side).
 *
 * @example
 * ```ts
 * if (JSON.parse(body).code === CLOCK_CODE) { ... } // the peer answered: its clock differs
 * ```
 */
export const CLOCK_CODE = "TANDEM_ERR_PEER_CLOCK";

const LABELS: Record<string, string> = {
  [PEER_PATHS.heartbeat]: "heartbeat",
  [PEER_PATHS.fence]: "fence request",
  [PEER_PATHS.unfence]: "unfence request",
};

/**
 * Options of {@link registerPeerRoutes}.
 *
 * @example
 * ```ts
 * const o: PeerRoutesOptions = { secret, selfName: "b", knownPeers: ["a"], onHeartbeat, onFence, onUnfence };
 * ```
 */
export interface PeerRoutesOptions {
  /** The cluster's shared secret (at least 16 bytes). */
  secret: string;
  /** This node's name: it signs the replies. */
  selfName: string;
  /** The nodes allowed to send heartbeats and fence requests. */
  knownPeers: string[];
  /**
   * Called with each authenticated, well-formed heartbeat; returns this node's view (or a
   * promise of it, e.g. to wait until the term it shows is on disk).
   */
  onHeartbeat(from: PeerView): PeerView | Promise<PeerView>;
  /** The peer `from` asks this node to stand down in `term`. */
  onFence(from: string, term: number): void;
  /** The peer `from` lifts the fence it asserted in `term`. */
  onUnfence(from: string, term: number): void;
  /**
   * Called with a one-line reason for every refused request, before any authentication for
   * oversized or non-JSON bodies: rate-limit what you log from it.
   */
  onRejected?(reason: string, remote: string): void;
  /** Largest accepted timestamp distance from this node's clock, in ms. @default 30000 */
  windowMs?: number;
  /**
   * This node's current view. With it, a request refused only for its timestamp is answered
   * with a signed 401 carrying the view (`code: TANDEM_ERR_PEER_CLOCK`), so the sender knows
   * this node is alive and learns its clock; without it such a refusal is a plain 401.
   */
  selfView?(): PeerView | Promise<PeerView>;
  /** The known clock offset of a peer (its clock minus ours, in ms). @default 0 */
  clockOffsetMs?(node: string): number;
  /** Most nonces remembered within the window. @default 10000 */
  nonceCapacity?: number;
  /** Largest accepted body in bytes. @default 16384 */
  bodyLimit?: number;
}

/**
 * Registers `POST /v1/peer/heartbeat`, `/v1/peer/fence` and `/v1/peer/unfence` on the API, in
 * an encapsulated plugin (loaded with the app's `ready()` / `listen()`). Replies to accepted
 * requests are signed for the request they answer. Throws a `ConfigInvalidError` at once for a
 * secret shorter than 16 bytes.
 *
 * @example
 * ```ts
 * const app = createApiServer({ getStatus, metrics });
 * registerPeerRoutes(app, {
 *   secret: config.cluster.secret, selfName: "a", knownPeers: ["b"],
 *   onHeartbeat: (view) => { feed({ type: "heartbeatReceived", from: view }); return viewOf(state, Date.now()); },
 *   onFence: (from, term) => feed({ type: "fenceRequest", from, term }),
 *   onUnfence: (from, term) => feed({ type: "unfenceRequest", from, term }),
 *   onRejected: (reason, remote) => log.warn({ remote }, reason),
 * });
 * await listenApi(app, "127.0.0.1:7701");
 * ```
 */
export function registerPeerRoutes(app: FastifyInstance, options: PeerRoutesOptions): void {
  assertSecret(options.secret);
  const nonces = new NonceCache({ windowMs: options.windowMs, capacity: options.nonceCapacity });
  const bodyLimit = options.bodyLimit ?? 16_384;
  const known = new Set(options.knownPeers);
  const signers = new WeakMap<FastifyRequest, string>();

  function authenticate(req: FastifyRequest): { node: string; nonce: string; body: Buffer } {
    const label = labelOf(req);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const { node, nonce } = verifyRequest(
      { method: req.method, path: req.url, headers: req.headers, body },
      {
        secret: options.secret,
        self: options.selfName,
        nonces,
        label,
        remote: req.ip,
        ...(options.clockOffsetMs ? { clockOffsetMs: options.clockOffsetMs } : {}),
      },
    );
    signers.set(req, node);
    const refuse = (reason: string) =>
      new PeerUnknownError(`${label} from "${node}" rejected: ${reason}`, {
        details: { reason, status: 403 } satisfies PeerRejection,
      });
    if (node === options.selfName) {
      throw refuse(`"${node}" is this node's own name (both nodes configured as "${node}"?)`);
    }
    if (!known.has(node)) {
      const peers = [...known].map((p) => `"${p}"`).join(", ") || "none";
      throw refuse(`"${node}" is not a peer of this node (peers: ${peers})`);
    }
    return { node, nonce, body };
  }

  function accept<T>(req: FastifyRequest, node: string, parsed: Parsed<T>): T {
    if (parsed.ok) return parsed.value;
    throw malformed(`${labelOf(req)} from "${node}" rejected`, `body is ${parsed.problem}`, 400);
  }

  function sendSigned(
    req: FastifyRequest,
    reply: FastifyReply,
    asker: { node: string; nonce: string },
    value: unknown,
    status = 200,
  ) {
    const body = Buffer.from(JSON.stringify(value));
    const headers = signReply({
      secret: options.secret,
      node: options.selfName,
      target: asker.node,
      status,
      path: req.url,
      requestNonce: asker.nonce,
      body,
    });
    return reply
      .code(status)
      .headers(headers)
      .header("content-type", "application/json; charset=utf-8")
      .header("cache-control", "no-store")
      .send(body);
  }

  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      "application/json",
      { parseAs: "buffer", bodyLimit },
      (_req, body, done) => done(null, body),
    );

    scope.setErrorHandler(async (err: Error & { statusCode?: number }, req, reply) => {
      const who = signers.has(req) ? `"${signers.get(req)}"` : req.ip;
      const label = labelOf(req);
      const clock = clockRejectionOf(err);
      if (clock && options.selfView && known.has(clock.node)) {
        // Signed by a peer moments ago, refused only for its clock: the peer is alive, and a
        // signed answer bound to its nonce lets it count this node alive too and learn the
        // offset. Nothing in the request is acted on.
        options.onRejected?.(`${err.message}; answered with this node's signed view`, req.ip);
        const body = { error: clock.reason, code: CLOCK_CODE, view: await options.selfView() };
        return sendSigned(req, reply, clock, body, 401);
      }
      const rejection = rejectionOf(err);
      if (rejection && isTandemError(err)) {
        options.onRejected?.(err.message, req.ip);
        return reply.code(rejection.status).send({ error: rejection.reason, code: err.code });
      }
      const status = err.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        const reason =
          status === 413
            ? `body larger than ${bodyLimit} bytes`
            : status === 415
              ? "content type is not application/json"
              : err.message;
        const error = malformed(`${label} from ${who} rejected`, reason, status);
        options.onRejected?.(error.message, req.ip);
        return reply.code(status).send({ error: reason, code: error.code });
      }
      options.onRejected?.(`${label} from ${who} could not be handled: ${err.message}`, req.ip);
      return reply.code(500).send({ error: "internal error" });
    });

    scope.post(PEER_PATHS.heartbeat, { bodyLimit }, async (req, reply) => {
      const { node, nonce, body } = authenticate(req);
      const view = accept(req, node, parsePeerView(body));
      if (view.name !== node) {
        const problem = `body names node "${view.name}" but is signed by "${node}"`;
        throw malformed(`heartbeat from "${node}" rejected`, problem, 400);
      }
      return sendSigned(req, reply, { node, nonce }, await options.onHeartbeat(view));
    });

    scope.post(PEER_PATHS.fence, { bodyLimit }, async (req, reply) => {
      const { node, nonce, body } = authenticate(req);
      const { term } = accept(req, node, parseFenceBody(body));
      options.onFence(node, term);
      return sendSigned(req, reply, { node, nonce }, { ok: true, term });
    });

    scope.post(PEER_PATHS.unfence, { bodyLimit }, async (req, reply) => {
      const { node, nonce, body } = authenticate(req);
      const { term } = accept(req, node, parseFenceBody(body));
      options.onUnfence(node, term);
      return sendSigned(req, reply, { node, nonce }, { ok: true, term });
    });
  });
}

function labelOf(req: FastifyRequest): string {
  return LABELS[req.routeOptions.url ?? ""] ?? "peer request";
}

function malformed(prefix: string, reason: string, status: number) {
  return new PeerMessageError(`${prefix}: ${reason}`, {
    details: { reason, status } satisfies PeerRejection,
  });
}
