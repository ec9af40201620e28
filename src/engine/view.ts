/**
 * What this node tells its peers: the view carried by every heartbeat and heartbeat answer.
 */
import type { EngineState, PeerView } from "./types.js";

/**
 * Builds this node's view for a heartbeat.
 *
 * @example
 * ```ts
 * reply.send(viewOf(state, Date.now())); // the shell answers an inbound heartbeat
 * ```
 */
export function viewOf(s: EngineState, wallClockMs: number): PeerView {
  const view: PeerView = {
    name: s.options.self.name,
    rank: s.options.self.rank,
    mode: s.mode,
    term: s.term,
    healthy: s.health?.healthy ?? false,
    serving: s.serving,
    flags: s.flags,
    configHash: s.options.configHash,
    wallClockMs,
  };
  if (s.flags.peerFenced) view.acknowledgedFenceTerm = s.flags.peerFenced.term;
  if (s.handoverTo) view.handoverTo = s.handoverTo;
  if (s.witness.routesTo) view.witnessRoutesTo = s.witness.routesTo;
  return view;
}
