/**
 * Wires restart-in-place into the agent: one {@link ProbeRestarts} for the probes that have a
 * `restart` field, following the node's serving state on the transition bus.
 */
import type { TransitionBus } from "../agent/transitions.js";
import type { Config } from "../config/schema.js";
import type { Logger } from "../log/logger.js";
import { ProbeRestarts } from "./restarter.js";

/**
 * The restarts of `config`'s probes, added to `transitions` (which closes them when the agent
 * stops), or null when no probe has a `restart` field.
 *
 * @example
 * ```ts
 * const restarts = attachRestarts(config, { logger, transitions, onHoldChange: () => update() });
 * const monitor = new HealthMonitor(probes, { logger, gate: restarts ?? undefined });
 * ```
 */
export function attachRestarts(
  config: Config,
  deps: { logger: Logger; transitions: TransitionBus; onHoldChange: () => void },
): ProbeRestarts | null {
  const probes = Object.entries(config.probes).flatMap(([name, p]) =>
    p.restart ? [{ name, restart: p.restart }] : [],
  );
  if (probes.length === 0) return null;
  const restarts = new ProbeRestarts({
    probes,
    logger: deps.logger,
    onHoldChange: deps.onHoldChange,
  });
  deps.transitions.add(restarts);
  return restarts;
}
