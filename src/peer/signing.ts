/**
 * Signatures on the requests and replies exchanged by the agents of a pair.
 *
 * A signature is HMAC-SHA256 with the cluster's shared secret over
 * `method \n path \n node \n target \n timestamp \n nonce \n sha256(body)`. The signing node's
 * name is signed, so a captured request cannot be re-attributed to another node; the target's
 * name is signed, so a request captured on its way to one node is refused by every other node
 * of the cluster (they share the secret and each keeps its own replay cache). A reply is signed
 * over `REPLY <status>` as its method, the request's path and the request's nonce, and targets
 * the node that asked, which binds it to the one request it answers: an old reply played back
 * to a later heartbeat does not verify.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { ConfigInvalidError, PeerAuthError, PeerClockError } from "../errors.js";
import type { NonceCache } from "./nonce-cache.js";

/**
 * The headers that carry a signature.
 *
 * @example
 * ```ts
 * req.headers[PEER_HEADERS.node]; // "a": who signed the request
 * ```
 */
export const PEER_HEADERS = {
  node: "x-tandem-node",
  target: "x-tandem-target",
  timestamp: "x-tandem-timestamp",
  nonce: "x-tandem-nonce",
  signature: "x-tandem-signature",
} as const;

/**
 * The five signature headers with their values.
 *
 * @example
 * ```ts
 * const h: SignatureHeaders = signRequest({ secret, node: "a", method: "POST", path, body });
 * ```
 */
export type SignatureHeaders = Record<(typeof PEER_HEADERS)[keyof typeof PEER_HEADERS], string>;

/**
 * Why a request or reply was refused, and the HTTP status that says so (the `details` of the peer errors).
 *
 * @example
 * ```ts
 * const r: PeerRejection = { reason: "replayed nonce", status: 401 };
 * ```
 */
export interface PeerRejection {
  reason: string;
  status: number;
}

/**
 * The `details` of a {@link PeerClockError}: a request that was correctly signed for this node
 * but stamped outside the window. It proves its sender was alive and had the secret when it
 * signed; the route answers it with a signed refusal bound to `nonce`.
 *
 * @example
 * ```ts
 * const c: ClockRejection = { reason, status: 401, node: "b", nonce, skewMs: 600_000 };
 * ```
 */
export interface ClockRejection extends PeerRejection {
  /** The signing node. */
  node: string;
  /** The request's nonce, for the signed refusal. */
  nonce: string;
  /** Sender's timestamp minus this node's clock (offset included), in ms. */
  skewMs: number;
}

/**
 * Shortest shared secret accepted, in bytes (128 bits).
 *
 * @example
 * ```ts
 * if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) console.error("secret too short");
 * ```
 */
export const MIN_SECRET_BYTES = 16;

const NODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const FORMATS: Record<keyof typeof PEER_HEADERS, { pattern: RegExp; expected: string }> = {
  node: { pattern: NODE_PATTERN, expected: "a node name" },
  target: { pattern: NODE_PATTERN, expected: "a node name" },
  timestamp: { pattern: /^\d{1,15}$/, expected: "ms since the epoch" },
  nonce: { pattern: /^[0-9a-f]{32}$/, expected: "32 hex digits" },
  signature: { pattern: /^[0-9a-f]{64}$/, expected: "64 hex digits" },
};
const MISMATCH = "signature does not match (check cluster.secret on both nodes)";
const UNBOUND =
  "request names no target node (no x-tandem-target header): the sender runs a Tandem older than this node; upgrade every node of the cluster";

/**
 * Throws a {@link ConfigInvalidError} unless `secret` has at least {@link MIN_SECRET_BYTES}
 * bytes: a shorter HMAC key can be guessed offline from one captured heartbeat.
 *
 * @example
 * ```ts
 * assertSecret(config.cluster.secret); // before any heartbeat is signed
 * ```
 */
export function assertSecret(secret: string): void {
  const bytes = Buffer.byteLength(secret, "utf8");
  if (bytes < MIN_SECRET_BYTES) {
    throw new ConfigInvalidError(
      `cluster.secret: expected a shared secret of at least ${MIN_SECRET_BYTES} bytes, got ${bytes}`,
    );
  }
}

/**
 * What {@link signRequest} signs.
 *
 * @example
 * ```ts
 * const input: SignRequestInput = { secret, node: "a", target: "b", method: "POST", path: "/v1/peer/fence", body };
 * ```
 */
export interface SignRequestInput {
  secret: string;
  /** This node's name (`operator` for the CLI). */
  node: string;
  /** The name of the node the request is for: every other node refuses it. */
  target: string;
  method: string;
  /** The request target exactly as sent, query included. */
  path: string;
  body: Buffer;
  /** Wall clock used for the timestamp. @default Date.now() */
  nowMs?: number;
  /** Fresh random nonce. @default 16 random bytes in hex */
  nonce?: string;
}

/**
 * Signs a request: returns the five `x-tandem-*` headers to send with it.
 *
 * @example
 * ```ts
 * const body = Buffer.from(JSON.stringify(view));
 * const headers = signRequest({ secret, node: "a", target: "b", method: "POST", path: "/v1/peer/heartbeat", body });
 * ```
 */
export function signRequest(input: SignRequestInput): SignatureHeaders {
  assertSecret(input.secret);
  const timestamp = String(Math.trunc(input.nowMs ?? Date.now()));
  const nonce = input.nonce ?? randomBytes(16).toString("hex");
  const { method, path, node, target } = input;
  return headersFor(input.secret, { method, path, node, target, timestamp, nonce }, input.body);
}

/**
 * What {@link signReply} signs.
 *
 * @example
 * ```ts
 * const input: SignReplyInput = { secret, node: "b", target: "a", status: 200, path, requestNonce, body };
 * ```
 */
export interface SignReplyInput {
  secret: string;
  /** The answering node's name. */
  node: string;
  /** The name of the node that sent the request being answered. */
  target: string;
  status: number;
  /** The path of the request being answered. */
  path: string;
  /** The nonce of the request being answered. */
  requestNonce: string;
  body: Buffer;
  /** @default Date.now() */
  nowMs?: number;
}

/**
 * Signs a reply to a verified request; the reply carries the request's nonce.
 *
 * @example
 * ```ts
 * reply.headers(signReply({ secret, node: "b", target: "a", status: 200, path: req.url, requestNonce, body }));
 * ```
 */
export function signReply(input: SignReplyInput): SignatureHeaders {
  assertSecret(input.secret);
  const timestamp = String(Math.trunc(input.nowMs ?? Date.now()));
  const fields = {
    method: `REPLY ${input.status}`,
    path: input.path,
    node: input.node,
    target: input.target,
    timestamp,
    nonce: input.requestNonce,
  };
  return headersFor(input.secret, fields, input.body);
}

/**
 * A request as the verifier sees it.
 *
 * @example
 * ```ts
 * const r: SignedRequest = { method: req.method, path: req.url, headers: req.headers, body: raw };
 * ```
 */
export interface SignedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body bytes, exactly as received. */
  body: Buffer;
}

/**
 * Options of {@link verifyRequest}.
 *
 * @example
 * ```ts
 * const o: VerifyRequestOptions = { secret, self: "b", nonces: new NonceCache(), label: "heartbeat", remote: req.ip };
 * ```
 */
export interface VerifyRequestOptions {
  secret: string;
  /** This node's name: a request signed for any other target is refused. */
  self: string;
  /** Remembers accepted nonces; its `windowMs` is the timestamp window. */
  nonces: NonceCache;
  /** What the request is, for messages: `heartbeat`, `fence request`. */
  label: string;
  /** The sender's address, named when the request does not say which node sent it. */
  remote: string;
  /** @default Date.now() */
  nowMs?: number;
  /**
   * How far ahead of this node's wall clock the signing node's clock is known to be, in ms,
   * learned from its signed replies: the window is centred on `now + offset`, so a node whose
   * clock was stepped is accepted again after one exchange. @default 0
   */
  clockOffsetMs?: (node: string) => number;
}

/**
 * Verifies a request's signature, target, timestamp and nonce, and returns the signing node and
 * nonce. Throws a {@link PeerAuthError} whose `details` is a {@link PeerRejection}; only
 * requests with a valid signature for this node reach the nonce cache, so nobody without the
 * secret can fill it.
 *
 * @example
 * ```ts
 * const { node } = verifyRequest(
 *   { method: "POST", path: req.url, headers: req.headers, body: rawBody },
 *   { secret, self: "a", nonces, label: "heartbeat", remote: req.ip },
 * ); // throws 'heartbeat from "b" rejected: replayed nonce' on a replay
 * ```
 */
export function verifyRequest(
  request: SignedRequest,
  options: VerifyRequestOptions,
): { node: string; nonce: string } {
  const { label, secret, nonces } = options;
  const now = options.nowMs ?? Date.now();
  const headers = readHeaders(request.headers, "unsigned request");
  if (typeof headers === "string") throw reject(label, options.remote, headers, 401);
  const who = `"${headers.node}"`;
  const expected = headersFor(
    secret,
    { method: request.method, path: request.path, ...headers },
    request.body,
  );
  if (!sameHex(expected["x-tandem-signature"], headers.signature)) {
    throw reject(label, who, MISMATCH, 401);
  }
  if (headers.target !== options.self) {
    const reason = `addressed to node "${headers.target}", not to this node "${options.self}" (a request to "${headers.target}" played back here, or a cluster.nodes api URL that leads to the wrong node)`;
    throw reject(label, who, reason, 401);
  }
  const offsetMs = options.clockOffsetMs?.(headers.node) ?? 0;
  // The sender's stamp in this node's clock: the replay window and cache work in local time.
  const timestampMs = Number(headers.timestamp) - offsetMs;
  const skewMs = timestampMs - now;
  if (Math.abs(skewMs) > nonces.windowMs) {
    const known = offsetMs === 0 ? "" : ` after the known offset of ${seconds(offsetMs)} s`;
    const reason = `timestamp ${seconds(Math.abs(skewMs))} s ${skewMs > 0 ? "ahead of" : "behind"} this node's clock${known} (window ${seconds(nonces.windowMs)} s)`;
    const details: ClockRejection = {
      reason,
      status: 401,
      node: headers.node,
      nonce: headers.nonce,
      skewMs,
    };
    throw new PeerClockError(`${label} from ${who} rejected: ${reason}`, { details });
  }
  const verdict = nonces.remember(headers.nonce, timestampMs, now);
  if (verdict === "replayed") throw reject(label, who, "replayed nonce", 401);
  if (verdict === "full") {
    const reason = `replay cache full (${nonces.capacity} signed requests within ${seconds(nonces.windowMs)} s)`;
    throw reject(label, who, reason, 503);
  }
  return { node: headers.node, nonce: headers.nonce };
}

/**
 * A reply as the client sees it.
 *
 * @example
 * ```ts
 * const r: SignedReply = { status: res.statusCode ?? 0, headers: res.headers, body };
 * ```
 */
export interface SignedReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Options of {@link verifyReply}.
 *
 * @example
 * ```ts
 * const o: VerifyReplyOptions = { secret, self: "a", peer: "b", path: "/v1/peer/heartbeat", requestNonce };
 * ```
 */
export interface VerifyReplyOptions {
  secret: string;
  /** This node's name: the node that sent the request. */
  self: string;
  /** The node the request was sent to. */
  peer: string;
  /** Path and nonce of the request this reply should answer. */
  path: string;
  requestNonce: string;
}

/**
 * Verifies that a reply was signed by `peer` for the request with `requestNonce` sent by `self`.
 * Throws a {@link PeerAuthError} (`details.reason`: `not signed`, `signature does not match …`,
 * `answers another request`, `signed by "c", expected "b"`, `answers node "c", not this node "a"`).
 *
 * @example
 * ```ts
 * verifyReply({ status: 200, headers: res.headers, body }, { secret, self: "a", peer: "b", path, requestNonce });
 * ```
 */
export function verifyReply(reply: SignedReply, options: VerifyReplyOptions): void {
  const label = "reply";
  const who = `"${options.peer}"`;
  const headers = readHeaders(reply.headers, "not signed");
  if (typeof headers === "string") throw reject(label, who, headers, 401);
  if (headers.node !== options.peer) {
    throw reject(label, who, `signed by "${headers.node}", expected ${who}`, 401);
  }
  if (headers.nonce !== options.requestNonce) {
    throw reject(label, who, "answers another request (nonce differs)", 401);
  }
  if (headers.target !== options.self) {
    const reason = `answers node "${headers.target}", not this node "${options.self}"`;
    throw reject(label, who, reason, 401);
  }
  const expected = headersFor(
    options.secret,
    { method: `REPLY ${reply.status}`, path: options.path, ...headers },
    reply.body,
  );
  if (!sameHex(expected["x-tandem-signature"], headers.signature)) {
    throw reject(label, who, MISMATCH, 401);
  }
}

/**
 * The {@link ClockRejection} of a request refused only for its timestamp, if `err` is one.
 *
 * @example
 * ```ts
 * const clock = clockRejectionOf(err); // { node: "b", nonce, skewMs: 600_000, … } or null
 * ```
 */
export function clockRejectionOf(err: unknown): ClockRejection | null {
  if (!(err instanceof PeerClockError)) return null;
  return err.details as ClockRejection;
}

/**
 * The {@link PeerRejection} carried by a peer error (auth, unknown node, malformed), if it is one.
 *
 * @example
 * ```ts
 * try { verifyRequest(request, options); } catch (err) { reply.code(rejectionOf(err)?.status ?? 500); }
 * ```
 */
export function rejectionOf(err: unknown): PeerRejection | null {
  const details = (err as { details?: unknown } | null)?.details;
  if (typeof details !== "object" || details === null) return null;
  const { reason, status } = details as Partial<PeerRejection>;
  return typeof reason === "string" && typeof status === "number" ? { reason, status } : null;
}

/** The signed fields besides the body. */
interface Canonical {
  method: string;
  path: string;
  node: string;
  target: string;
  timestamp: string;
  nonce: string;
}

function headersFor(secret: string, f: Canonical, body: Buffer): SignatureHeaders {
  const bodyHash = createHash("sha256").update(body).digest("hex");
  const signature = createHmac("sha256", secret)
    .update([f.method, f.path, f.node, f.target, f.timestamp, f.nonce, bodyHash].join("\n"))
    .digest("hex");
  return {
    "x-tandem-node": f.node,
    "x-tandem-target": f.target,
    "x-tandem-timestamp": f.timestamp,
    "x-tandem-nonce": f.nonce,
    "x-tandem-signature": signature,
  };
}

/** The five header values, or why they cannot be used. */
function readHeaders(
  headers: IncomingHttpHeaders,
  unsignedReason: string,
): Record<keyof typeof PEER_HEADERS, string> | string {
  const values = {} as Record<keyof typeof PEER_HEADERS, string>;
  const keys = Object.keys(PEER_HEADERS) as (keyof typeof PEER_HEADERS)[];
  const present = (key: keyof typeof PEER_HEADERS) => {
    const value = headers[PEER_HEADERS[key]];
    return value !== undefined && value !== "";
  };
  // Signed by the scheme before targets existed: say so, rather than "unsigned".
  if (!present("target") && keys.every((k) => k === "target" || present(k))) return UNBOUND;
  for (const key of keys) {
    const value = headers[PEER_HEADERS[key]];
    if (value === undefined || value === "") return unsignedReason;
    const { pattern, expected } = FORMATS[key];
    // Repeated headers arrive joined with ", " (or as an array) and fail the pattern.
    if (typeof value !== "string" || !pattern.test(value)) {
      return `malformed ${PEER_HEADERS[key]} header (expected ${expected})`;
    }
    values[key] = value;
  }
  return values;
}

/** Constant-time comparison of two hex strings already checked to be 64 hex digits. */
function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}

function reject(label: string, who: string, reason: string, status: number): Error {
  const details: PeerRejection = { reason, status };
  return new PeerAuthError(`${label} from ${who} rejected: ${reason}`, { details });
}

/** 42000 → "42", 30400 → "30.4". */
function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}
