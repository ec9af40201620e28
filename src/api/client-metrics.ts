/**
 * The connected clients as Prometheus gauges, read from the event hub at scrape time.
 */
import { Gauge, type Registry } from "prom-client";
import type { EventHub } from "./event-hub.js";

/**
 * Registers `tandem_event_streams` (open streams) and `tandem_clients` (identified clients by
 * policy and followed node) on `registry`.
 *
 * @example
 * ```ts
 * registerClientMetrics(metrics.registry, hub);
 * ```
 */
export function registerClientMetrics(registry: Registry, hub: EventHub): void {
  new Gauge({
    name: "tandem_event_streams",
    help: "Open GET /v1/events streams",
    registers: [registry],
    collect() {
      this.set(hub.clients);
    },
  });
  new Gauge({
    name: "tandem_clients",
    help: "Identified event-stream clients by policy and the node they follow ('' for none)",
    labelNames: ["policy", "follows"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const c of hub.connected()) {
        if (c.session === null) continue;
        this.inc({ policy: c.policy ?? "", follows: c.follows ?? "" });
      }
    },
  });
}
