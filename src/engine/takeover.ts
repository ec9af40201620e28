/**
 * The three ways a node changes hands: taking the active role (with a new term), fencing
 * itself, and stepping down to STANDBY. Each is one logged transition.
 */
import { type Because, type Draft, enter } from "./draft.js";
import { liveView, peersOf } from "./facts.js";
import { quorumAllowsTakeover, quorumTerm } from "./quorum.js";

/**
 * How a takeover happens.
 *
 * @example
 * ```ts
 * const plan: TakeoverPlan = { reason: "failover forced by alice", event: "command", cause: {},
 *   fence: "a", switchover: true };
 * ```
 */
export interface TakeoverPlan extends Because {
  /** Fence this peer (the old active failed); `null` for elections and planned handovers. */
  fence: string | null;
  /**
   * Serve without waiting for a reachable peer to acknowledge the new term. Only for
   * active-active activity, where this node already serves calls as the secondary.
   */
  serveAtOnce?: boolean;
  /** Tell clients to switch over to this node. */
  switchover: boolean;
}

/**
 * Becomes ACTIVE in a new term, one above every term this node has seen.
 *
 * @example
 * ```ts
 * takeOver(d, { reason: 'peer "a" unreachable 3/3 (timeout)', event: "takeover", cause: {},
 *   fence: "a", switchover: false });
 * ```
 */
export function takeOver(d: Draft, plan: TakeoverPlan): void {
  const s = d.s;
  if (!quorumAllowsTakeover(d)) return;
  const seen = peersOf(s).map((p) => p.view?.term ?? 0);
  s.term = quorumTerm(s) ?? Math.max(s.term, ...seen) + 1;
  s.flags.selfFenced = null;
  s.flags.peerFenced = null;
  s.handoverTo = null;
  s.isolationHold = false;
  enter(d, "ACTIVE", plan);
  // With a quorum the key already excludes the old holder: no fence, no wait for the peer.
  if (plan.fence && !s.quorum)
    s.flags.fencingPeer = { peer: plan.fence, term: s.term, since: d.now };
  // A reachable peer may be taking over at this very moment, or still serving: serve only once
  // it has seen the new term and is not active. A lost peer cannot object, so serve at once.
  const reachable = peersOf(s).find((p) => liveView(p) !== null);
  if (reachable && !plan.serveAtOnce && !s.quorum) s.awaitingPeer = reachable.name;
  if (plan.switchover) {
    d.out.push({
      type: "emit",
      event: "switchover",
      data: { to: s.options.self.name, term: s.term, reason: plan.reason },
    });
  }
}

/**
 * Refuses calls at once and persists why: a critical probe failed or an operator said so.
 *
 * @example
 * ```ts
 * selfFence(d, { reason: 'critical probe "db" down', event: "self-fence", cause: { probes: ["db"] } });
 * ```
 */
export function selfFence(d: Draft, why: Because): void {
  d.s.flags.selfFenced = { since: d.now, reason: why.reason };
  enter(d, "SELF_FENCED", { level: "warn", ...why });
}

/**
 * Gives up the active role without fencing (lost a conflict, isolated, handed over).
 *
 * @example
 * ```ts
 * stepDown(d, { reason: 'two actives: peer "b" wins (higher term 5 > 4)', event: "conflict", cause: {} });
 * ```
 */
export function stepDown(d: Draft, why: Because): void {
  enter(d, "STANDBY", { level: "warn", ...why });
}
