/**
 * Read-only questions the rules ask about a state: is a peer reachable, may this node take
 * over, does the witness agree. Kept apart so every rule reads the same definitions.
 */
import type { EngineState, PeerState, PeerView } from "./types.js";

/**
 * The peers of this node, in rank order.
 *
 * @example
 * ```ts
 * peersOf(state).map((p) => p.name); // ["b"]
 * ```
 */
export function peersOf(s: EngineState): PeerState[] {
  return Object.values(s.peers).sort((x, y) => x.rank - y.rank);
}

/**
 * The peer's last view when it is still considered reachable (fewer than `fall` misses).
 *
 * @example
 * ```ts
 * liveView(state.peers.a)?.mode; // "ACTIVE"
 * ```
 */
export function liveView(p: PeerState | undefined): PeerView | null {
  return p && !p.lost ? p.view : null;
}

/**
 * The reachable peer that is ACTIVE, if any.
 *
 * @example
 * ```ts
 * activePeer(state)?.name; // "a"
 * ```
 */
export function activePeer(s: EngineState): PeerState | undefined {
  return peersOf(s).find((p) => liveView(p)?.mode === "ACTIVE");
}

/**
 * Whether the witness lets this node act alone against `peer`: no witness, or a witness that
 * answered its last check (and, for a load balancer, does not route to that peer).
 *
 * @example
 * ```ts
 * witnessAllows(state, "a"); // true when no witness is configured
 * ```
 */
export function witnessAllows(s: EngineState, peer: string): boolean {
  const w = s.options.witness;
  if (!w) return true;
  if (s.witness.reachable !== true) return false;
  return w.kind !== "load-balancer" || s.witness.routesTo !== peer;
}

/**
 * Why this node may not take over on its own, or `null` when it may.
 *
 * @example
 * ```ts
 * takeoverBlocker(state); // 'critical probe "db" down'
 * ```
 */
export function takeoverBlocker(s: EngineState): string | null {
  if (!s.health) return "local health not known yet";
  if (!s.health.healthy) return describeDown(s.health.criticalDown);
  if (s.flags.suspended) return `takeover suspended by ${s.flags.suspended.by}`;
  if (s.frozen) return "just woke from a freeze; waiting to hear from the peer";
  const differs = peersOf(s).find((p) => p.configDiffers);
  if (differs?.view) return configDiffersMessage(s, differs.name, differs.view.configHash);
  return null;
}

/**
 * The log line for a cluster config mismatch.
 *
 * @example
 * ```ts
 * configDiffersMessage(state, "a", "3c4d5e");
 * // 'cluster config differs from peer "a" (hash 1a2b… vs 3c4d…)'
 * ```
 */
export function configDiffersMessage(s: EngineState, peer: string, theirs: string): string {
  const short = (h: string) => `${h.slice(0, 4)}…`;
  return `cluster config differs from peer "${peer}" (hash ${short(s.options.configHash)} vs ${short(theirs)})`;
}

/**
 * A one-line description of failing critical probes.
 *
 * @example
 * ```ts
 * describeDown(["db"]); // 'critical probe "db" down'
 * ```
 */
export function describeDown(probes: readonly string[]): string {
  if (probes.length === 0) return "critical probes not all up";
  const names = probes.map((n) => `"${n}"`).join(", ");
  return `critical probe${probes.length > 1 ? "s" : ""} ${names} down`;
}

/**
 * Whether a peer's view acknowledges this node's fence in `term`.
 *
 * @example
 * ```ts
 * acknowledgesFence(view, "b", 2); // true once the view shows peerFenced by "b" in term 2
 * ```
 */
export function acknowledgesFence(view: PeerView | null, by: string, term: number): boolean {
  if (!view) return false;
  const fenced = view.flags.peerFenced;
  if (fenced && fenced.by === by && fenced.term >= term) return true;
  return (view.acknowledgedFenceTerm ?? -1) >= term && fenced?.by === by;
}

/**
 * The reachable peer that could take the active role from this node now (a healthy STANDBY,
 * not suspended, same cluster config, heard `rise` times in a row), or why none can. A node that gives up the role when
 * this says `null` leaves nobody serving.
 *
 * @example
 * ```ts
 * successor(state); // { peer: "b", why: null } or { peer: null, why: 'peer "b" is PEER_FENCED' }
 * ```
 */
export function successor(s: EngineState): { peer: string | null; why: string } {
  const reasons: string[] = [];
  for (const p of peersOf(s)) {
    const v = liveView(p);
    if (!v) {
      reasons.push(`peer "${p.name}" unreachable`);
      continue;
    }
    const rise = s.options.heartbeat.rise;
    if (p.answersInRow < rise) {
      reasons.push(`peer "${p.name}" answered ${p.answersInRow} of ${rise} heartbeats in a row`);
    } else if (v.mode !== "STANDBY") reasons.push(`peer "${p.name}" is ${v.mode}`);
    else if (!v.healthy) reasons.push(`peer "${p.name}" is not healthy`);
    else if (v.flags.suspended) reasons.push(`peer "${p.name}" has takeover suspended`);
    else if (p.configDiffers) reasons.push(`peer "${p.name}" has another cluster config`);
    else return { peer: p.name, why: "" };
  }
  return { peer: null, why: reasons.join(", ") || "no peer configured" };
}
