/**
 * The quorum shell's public face: an etcd session per node whose observations are engine
 * inputs and which carries out the engine's `quorum` effects. The decisions stay in
 * `src/engine/quorum.ts`.
 *
 * @example
 * ```ts
 * import { createQuorumSession } from "../quorum/index.js";
 * const session = createQuorumSession(cluster.quorum, "a", { onObservation, onDeadline });
 * ```
 */
import type { QuorumConfig } from "../config/quorum-schema.js";
import type { QuorumObservation } from "../engine/types.js";
import { EtcdClient } from "./etcd-client.js";
import { QuorumSession } from "./session.js";

export { EtcdClient, type EtcdKv, type EtcdWatchEvent } from "./etcd-client.js";
export { QuorumSession, type QuorumSessionOptions } from "./session.js";

/**
 * The session of node `name` for a validated `cluster.quorum` section. Each etcd request
 * may take at most one keep-alive interval, so a hung member never delays the next renewal.
 *
 * @example
 * ```ts
 * const s = createQuorumSession(config.cluster.quorum, "a", {
 *   onObservation: (o) => node.input({ type: "quorum", ...o }),
 *   onDeadline: () => node.input({ type: "tick" }),
 * });
 * s.start();
 * ```
 */
export function createQuorumSession(
  quorum: QuorumConfig,
  name: string,
  callbacks: {
    onObservation: (obs: QuorumObservation) => void;
    onDeadline: () => void;
    now?: () => number;
  },
): QuorumSession {
  const etcd = new EtcdClient({
    endpoints: quorum.endpoints,
    requestTimeoutMs: quorum.lease.keepAlive,
  });
  return new QuorumSession({
    etcd,
    key: `${quorum.prefix}leader`,
    name,
    ttlSeconds: Math.round(quorum.lease.ttl / 1000),
    keepAliveMs: quorum.lease.keepAlive,
    marginMs: quorum.lease.margin,
    ...callbacks,
  });
}
