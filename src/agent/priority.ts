/**
 * The agent's scheduling priority. Under CPU saturation a heartbeat answered late is a missed
 * heartbeat, and a missed heartbeat becomes a false takeover: the agent asks for a priority above
 * the PBX and the loader (keepalived does the same for its VRRP process).
 */
import { readdirSync } from "node:fs";
import { getPriority, setPriority } from "node:os";
import type { Logger } from "../log/logger.js";

/**
 * Sets this process's nice value to `nice` on every one of its threads, logging what it got;
 * never throws. On Linux a nice value belongs to a thread: the runtime's garbage-collector
 * helpers start before the agent's code runs, and left at the old priority they make every
 * collection wait for CPUs that other work holds (pauses of 50 ms and more under saturation).
 *
 * @example
 * ```ts
 * raisePriority(-10, logger); // "scheduling priority: nice -10"
 * ```
 */
export function raisePriority(nice: number, logger: Logger): number {
  const before = getPriority();
  if (before === nice && threadIds().every((tid) => niceOf(tid) === nice)) return before;
  try {
    setPriority(nice);
    for (const tid of threadIds()) {
      try {
        setPriority(tid, nice);
      } catch {
        // A thread that ended since the listing has no priority to set.
      }
    }
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

/** The ids of this process's threads (Linux); empty where `/proc` has no task list. */
function threadIds(): number[] {
  try {
    return readdirSync("/proc/self/task").map(Number);
  } catch {
    return [];
  }
}

/** A thread's nice value as the kernel reports it (`getpriority` on its id). */
function niceOf(tid: number): number {
  try {
    return getPriority(tid);
  } catch {
    return Number.NaN;
  }
}
