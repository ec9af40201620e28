/**
 * Timer sanity: the warnings `tandem delay` prints for the configured heartbeat timers.
 */
import { heartbeatTimers } from "../cluster/heartbeat-timers.js";
import { formatDuration } from "../config/duration.js";
import type { ClusterConfig } from "../config/schema.js";
import { expectedFailoverDelay } from "../engine/delay.js";
import { check, type DoctorCheck } from "./types.js";

/**
 * WARN with each of `tandem delay`'s warnings, OK with the expected failover delay otherwise.
 *
 * @example
 * ```ts
 * timersCheck("a", cluster).message; // "failover in 250ms typical, 400ms worst (profile fast)"
 * ```
 */
export function timersCheck(node: string, cluster: ClusterConfig): DoctorCheck {
  const delay = expectedFailoverDelay(heartbeatTimers(cluster));
  const summary = `failover in ${formatDuration(delay.typicalMs)} typical, ${formatDuration(delay.worstMs)} worst (profile ${cluster.profile})`;
  if (delay.warnings.length > 0) {
    return check(
      `${node}/timers`,
      "warn",
      `${summary}; ${delay.warnings.join("; ")}`,
      "adjust cluster.heartbeat (see tandem delay --config FILE)",
    );
  }
  return check(`${node}/timers`, "ok", summary);
}
