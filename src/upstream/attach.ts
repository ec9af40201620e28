/**
 * Wires the `upstream` section into the agent: each configured push becomes a consumer of the
 * transition bus.
 */
import type { TransitionBus } from "../agent/transitions.js";
import type { Config } from "../config/schema.js";
import type { Logger } from "../log/logger.js";
import { KamailioPush } from "./kamailio-push.js";

/**
 * Adds the pushes of `config.upstream` to `transitions` (which closes them when the agent
 * stops). Nothing without an `upstream` section.
 *
 * @example
 * ```ts
 * attachUpstream(config, { transitions: agent.transitions, logger });
 * ```
 */
export function attachUpstream(
  config: Config,
  deps: { transitions: TransitionBus; logger: Logger },
): void {
  const targets = config.upstream?.kamailio ?? [];
  if (targets.length === 0) return;
  deps.transitions.add(
    new KamailioPush({
      targets,
      logger: deps.logger,
      hotStandby: (config.cluster?.mode ?? "hot-standby") === "hot-standby",
    }),
  );
}
