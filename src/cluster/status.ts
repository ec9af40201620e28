/**
 * The pair part of `/v1/status`: this node's term and flags, and what it knows of its peer.
 */
import type { EngineState, Flags, Mode } from "../engine/types.js";

/** What this node knows about its peer, for `tandem status`. */
export interface PeerStatusView {
  name: string;
  rank: number;
  /** False after `fall` missed heartbeats, until the peer answers again. */
  reachable: boolean;
  misses: number;
  lastError: string | null;
  /** The peer's own view from its last heartbeat, or null before the first. */
  mode: Mode | null;
  term: number | null;
  healthy: boolean | null;
  serving: boolean | null;
  flags: Flags | null;
  /** The peer's cluster section differs from ours: takeovers are refused. */
  configDiffers: boolean;
  /** The peer's wall clock minus this node's, in ms (± half a round trip); null before the first view. */
  clockSkewMs: number | null;
}

/** The `cluster` object of the status document. */
export interface ClusterStatusView {
  clusterMode: "hot-standby" | "active-active";
  rank: number;
  term: number;
  flags: Flags;
  lastTransition: { from: Mode; to: Mode; reason: string } | null;
  peers: PeerStatusView[];
  /** The leader key as this node last saw it, with `cluster.quorum`; null without a quorum. */
  quorum?: { holder: string | null; revision: number; held: boolean; error: string | null } | null;
}

/**
 * Builds the cluster status from the engine state.
 *
 * @example
 * ```ts
 * clusterStatus(node.state).peers[0]?.reachable; // true
 * ```
 */
export function clusterStatus(state: EngineState): ClusterStatusView {
  return {
    clusterMode: state.options.clusterMode,
    rank: state.options.self.rank,
    term: state.term,
    flags: state.flags,
    lastTransition: state.lastTransition
      ? {
          from: state.lastTransition.from,
          to: state.lastTransition.to,
          reason: state.lastTransition.reason,
        }
      : null,
    peers: Object.values(state.peers).map((p) => ({
      name: p.name,
      rank: p.rank,
      reachable: p.view !== null && !p.lost,
      misses: p.misses,
      lastError: p.lastError,
      mode: p.view?.mode ?? null,
      term: p.view?.term ?? null,
      healthy: p.view?.healthy ?? null,
      serving: p.view?.serving ?? null,
      flags: p.view?.flags ?? null,
      configDiffers: p.configDiffers,
      clockSkewMs: p.skewMs === null ? null : Math.round(p.skewMs),
    })),
    quorum: state.quorum
      ? {
          holder: state.quorum.holder,
          revision: state.quorum.revision,
          held: state.quorum.held,
          error: state.quorum.error,
        }
      : null,
  };
}
