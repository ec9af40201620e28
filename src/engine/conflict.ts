/**
 * Two actives meet (a partition healed): exactly one stays. Both nodes run the same pure
 * function on the same two views, so they agree on the winner within one heartbeat exchange.
 */
import type { PeerView } from "./types.js";

/**
 * Picks the node that keeps the active role: the node the load balancer routes to when both
 * views agree on it, else the higher term, else the lower rank (then the name, so it is total).
 *
 * @example
 * ```ts
 * electWinner(viewA, viewB); // { winner: "b", rule: "higher term 5 > 4" }
 * ```
 */
export function electWinner(x: PeerView, y: PeerView): { winner: string; rule: string } {
  const routed = x.witnessRoutesTo;
  if (routed && routed === y.witnessRoutesTo && (routed === x.name || routed === y.name)) {
    return { winner: routed, rule: "the load balancer routes to it" };
  }
  if (x.term !== y.term) {
    const [hi, lo] = x.term > y.term ? [x, y] : [y, x];
    return { winner: hi.name, rule: `higher term ${hi.term} > ${lo.term}` };
  }
  if (x.rank !== y.rank) {
    const [lo, hi] = x.rank < y.rank ? [x, y] : [y, x];
    return { winner: lo.name, rule: `same term ${x.term}, lower rank ${lo.rank} < ${hi.rank}` };
  }
  const first = [x.name, y.name].sort()[0] ?? x.name;
  return { winner: first, rule: "same term and rank, first name" };
}
