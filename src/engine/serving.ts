/**
 * Whether the node accepts calls, as a function of its state. Serving is separate from the
 * mode: an ACTIVE node that just woke from a freeze, or that waits for the old active to stop
 * until a reachable peer has acknowledged its new term, does not serve; a healthy standby serves in active-active mode.
 */
import type { EngineState } from "./types.js";

/**
 * Decides serving and says why.
 *
 * @example
 * ```ts
 * servingOf(state); // { serving: false, why: "frozen for 900 ms; waiting to hear from a peer" }
 * ```
 */
export function servingOf(s: EngineState): { serving: boolean; why: string } {
  // With a quorum the lease deadline is the proof that nobody else serves: a freeze the lease
  // outlived is caught by its deadline, so the freeze hold does not apply.
  if (s.quorum && s.mode === "ACTIVE") {
    return s.quorum.held
      ? { serving: true, why: `holds the quorum key at revision ${s.quorum.revision}` }
      : { serving: false, why: "does not hold the quorum key" };
  }
  if (s.frozen) {
    return { serving: false, why: `frozen for ${s.frozen.gapMs} ms; waiting to hear from a peer` };
  }
  if (s.mode === "ACTIVE") {
    if (s.awaitingPeer) {
      return {
        serving: false,
        why: `waiting for "${s.awaitingPeer}" to acknowledge term ${s.term}`,
      };
    }
    return { serving: true, why: "active" };
  }
  if (s.mode === "STANDBY" && s.options.clusterMode === "active-active" && s.health?.healthy) {
    return { serving: true, why: "active-active: a healthy standby accepts calls" };
  }
  return { serving: false, why: s.mode === "STANDBY" ? "standby" : s.mode };
}
