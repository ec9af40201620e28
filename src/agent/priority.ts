/**
 * The agent's scheduling priority. Under CPU saturation a heartbeat answered late is a missed
 * heartbeat, and a missed heartbeat becomes a false takeover: the agent asks for a priority above
 * the PBX and the loader (keepalived does the same for its VRRP process).
 */
import { getPriority, setPriority } from "node:os";
import type { Logger } from "../log/logger.js";

/**
 * Sets this process's nice value to `nice`, logging what it got; never throws.
 *
 * @example
 * ```ts
 * raisePriority(-10, logger); // "scheduling priority: nice -10"
 * ```
 */
export function raisePriority(nice: number, logger: Logger): number {
  const before = getPriority();
  if (before === nice) return before;
  try {
    setPriority(nice);
    logger.info({ event: "priority", nice }, `scheduling priority: nice ${nice}`);
    return nice;
  } catch (err) {
    // os.setPriority throws a SystemError whose `info.code` is the errno name (EACCES).
    const e = err as NodeJS.ErrnoException & { info?: { code?: string } };
    const why = e.info?.code ?? e.code ?? e.message;
    logger.warn(
      { event: "priority_refused", nice, kept: before, err },
      `cannot set scheduling priority to nice ${nice} (${why}): keeping nice ${before}; under CPU load heartbeats may be answered late — run as root or grant CAP_SYS_NICE (systemd: Nice=${nice})`,
    );
    return before;
  }
}
