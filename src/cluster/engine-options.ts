/**
 * Maps the validated `cluster` section onto the engine's options.
 */

import type { ClusterConfig } from "../config/schema.js";
import type { EngineOptions } from "../engine/types.js";
import { heartbeatTimers } from "./heartbeat-timers.js";

/**
 * The engine options of node `selfName` in `cluster`.
 *
 * @example
 * ```ts
 * const options = engineOptions(config.cluster, "a", loaded.clusterHash);
 * options.peers; // [{ name: "b", rank: 2 }]
 * ```
 */
export function engineOptions(
  cluster: ClusterConfig,
  selfName: string,
  clusterHash: string,
): EngineOptions {
  const self = cluster.nodes.find((n) => n.name === selfName);
  if (!self)
    throw new Error(
      `node "${selfName}" is not in the cluster (the config check should have said so)`,
    );
  return {
    self: { name: self.name, rank: self.rank },
    peers: cluster.nodes
      .filter((n) => n.name !== selfName)
      .map((n) => ({ name: n.name, rank: n.rank })),
    clusterMode: cluster.mode,
    heartbeat: heartbeatTimers(cluster),
    failback: {
      mode: cluster.failback.mode,
      rise: cluster.failback.rise,
      minStableMs: cluster.failback.minStable,
    },
    witness: cluster.witness ? { kind: cluster.witness.kind } : null,
    configHash: clusterHash,
    onActiveHookFailure: cluster.onActiveHookFailure,
    quorum: cluster.quorum
      ? {
          fastTakeover: cluster.quorum.fastTakeover,
          // Long enough for the better-ranked standby to claim a free key first.
          freeGraceMs: 2 * heartbeatTimers(cluster).fall * heartbeatTimers(cluster).intervalMs,
        }
      : null,
  };
}
