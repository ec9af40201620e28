/**
 * Fencing between peers: obeying a fence (stand down, persist who asked and in which term),
 * lifting it, and re-asserting our own fence on every tick until the peer acknowledges it.
 * Terms order everything: a fence from an older term than ours is stale and ignored.
 */
import { type Draft, enter, log } from "./draft.js";
import { acknowledgesFence } from "./facts.js";

/**
 * Obeys a fence request from a peer unless it is stale.
 *
 * @example
 * ```ts
 * onFenceRequest(d, "b", 2); // → PEER_FENCED, flags.peerFenced = { by: "b", term: 2, … }
 * ```
 */
export function onFenceRequest(d: Draft, from: string, term: number): void {
  const s = d.s;
  if (!s.peers[from]) {
    log(d, "warn", "fence-ignored", `fence request from unknown node "${from}" ignored`, {
      from,
      term,
    });
    return;
  }
  if (term < s.term) {
    log(
      d,
      "warn",
      "fence-ignored",
      `stale fence request from "${from}" (term ${term} < ${s.term}) ignored`,
      {
        from,
        term,
        myTerm: s.term,
      },
    );
    return;
  }
  const current = s.flags.peerFenced;
  if (current && current.by === from && current.term === term) return;
  s.term = term;
  s.flags.peerFenced = { by: from, term, since: d.now };
  enter(d, "PEER_FENCED", {
    level: "warn",
    reason: `fenced by peer "${from}" in term ${term}`,
    event: "peer-fence",
    cause: { from, term, previousMode: s.mode },
  });
}

/**
 * Lifts a fence when the peer that set it asks, in the fence's term or later.
 *
 * @example
 * ```ts
 * onUnfenceRequest(d, "b", 2); // → STANDBY (or SELF_FENCED if that flag is still set)
 * ```
 */
export function onUnfenceRequest(d: Draft, from: string, term: number): void {
  const s = d.s;
  const fence = s.flags.peerFenced;
  if (!fence || fence.by !== from || term < fence.term) return;
  s.flags.peerFenced = null;
  const why = {
    reason: `fence lifted by peer "${from}" in term ${term}`,
    event: "peer-unfence",
    cause: { from, term },
  };
  if (s.flags.selfFenced) enter(d, "SELF_FENCED", why);
  else enter(d, "STANDBY", why);
}

/**
 * Sends our fence again while the peer has not acknowledged it (its view does not show the
 * fence) and fencing is not suspended.
 *
 * @example
 * ```ts
 * reassertFence(d); // pushes { type: "sendFence", peer: "a", term: 2 } on every tick until acked
 * ```
 */
export function reassertFence(d: Draft): void {
  const s = d.s;
  const f = s.flags.fencingPeer;
  if (!f || s.mode !== "ACTIVE" || s.flags.suspended) return;
  const p = s.peers[f.peer];
  if (acknowledgesFence(p?.view ?? null, s.options.self.name, f.term)) return;
  d.out.push({ type: "sendFence", peer: f.peer, term: f.term });
}
