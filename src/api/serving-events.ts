/**
 * Tells event-stream clients when this node starts or stops serving. A `role` event alone is
 * not enough: an ACTIVE node may hold calls back until its peer has seen the new term, and a
 * client that follows the serving node must wait for that.
 */
import type { RoleTransition, TransitionConsumer } from "../agent/transitions.js";
import type { ServingData } from "./client-wire.js";
import type { EventHub } from "./event-hub.js";

/**
 * A transition consumer that publishes a `serving` event when the node's serving flag changes.
 *
 * @example
 * ```ts
 * agent.transitions.add(servingEvents(hub));
 * ```
 */
export function servingEvents(hub: EventHub): TransitionConsumer {
  return {
    name: "event-stream",
    onTransition(t: RoleTransition): void {
      if (t.serving === t.wasServing) return;
      const data: ServingData = {
        node: t.node,
        mode: t.to,
        serving: t.serving,
        term: t.term,
        reason: t.reason,
      };
      hub.publish("serving", data);
    },
  };
}
