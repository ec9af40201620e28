/**
 * The peer transport: authenticated heartbeats and fence requests between the agents of a pair.
 * The server side registers on the agent's API; the client side calls the other agent. Both
 * sign with the cluster's shared secret and check the other side's signature.
 *
 * @example
 * ```ts
 * import { PeerClient, registerPeerRoutes } from "../peer/index.js";
 * registerPeerRoutes(app, { secret, selfName: "a", knownPeers: ["b"], onHeartbeat, onFence, onUnfence });
 * const peer = new PeerClient({ url: "http://127.0.0.1:7702", selfName: "a", peerName: "b", secret, timeoutMs: 80 });
 * ```
 */
export {
  type FenceResult,
  type HeartbeatResult,
  PeerClient,
  type PeerClientOptions,
} from "./client.js";
export { type Parsed, parseFenceBody, parsePeerView } from "./messages.js";
export { describeNetworkError } from "./network-error.js";
export { NonceCache, type NonceCacheOptions, type NonceVerdict } from "./nonce-cache.js";
export { PEER_PATHS, type PeerRoutesOptions, registerPeerRoutes } from "./routes.js";
export {
  assertSecret,
  MIN_SECRET_BYTES,
  PEER_HEADERS,
  type PeerRejection,
  rejectionOf,
  type SignatureHeaders,
  type SignedReply,
  type SignedRequest,
  type SignReplyInput,
  type SignRequestInput,
  signReply,
  signRequest,
  type VerifyReplyOptions,
  type VerifyRequestOptions,
  verifyReply,
  verifyRequest,
} from "./signing.js";
