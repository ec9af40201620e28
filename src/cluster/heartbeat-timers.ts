/**
 * The heartbeat timers a cluster section stands for: its profile, with any field the section
 * sets itself taking precedence.
 */
import type { ClusterConfig } from "../config/schema.js";
import { TIMER_PROFILES } from "../engine/profiles.js";
import type { HeartbeatTimers } from "../engine/types.js";

/**
 * Resolves `cluster.profile` and `cluster.heartbeat` into concrete timers.
 *
 * @example
 * ```ts
 * heartbeatTimers({ ...cluster, profile: "fast", heartbeat: { fall: 5 } });
 * // { intervalMs: 100, timeoutMs: 80, fall: 5, rise: 3 }
 * ```
 */
export function heartbeatTimers(
  cluster: Pick<ClusterConfig, "profile" | "heartbeat">,
): HeartbeatTimers {
  const base = TIMER_PROFILES[cluster.profile];
  return {
    intervalMs: cluster.heartbeat.interval ?? base.intervalMs,
    timeoutMs: cluster.heartbeat.timeout ?? base.timeoutMs,
    fall: cluster.heartbeat.fall ?? base.fall,
    rise: cluster.heartbeat.rise ?? base.rise,
  };
}
