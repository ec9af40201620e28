/**
 * The failover delay a set of timers implies, with the unsafe settings called out. A hung
 * peer is noticed after `fall` heartbeats, the last of which waits the full timeout; the crash
 * lands anywhere within an interval, so on average half an interval sooner than the worst case.
 */
import type { HeartbeatTimers } from "./types.js";

/**
 * A load balancer's health-check timers, to compare with the agents'.
 *
 * @example
 * ```ts
 * const haproxy: LoadBalancerTimers = { intervalMs: 2000, timeoutMs: 1000, fall: 3 }; // inter 2s fall 3
 * ```
 */
export interface LoadBalancerTimers {
  intervalMs: number;
  timeoutMs: number;
  fall: number;
}

/**
 * Expected failover delay and warnings about the timers.
 *
 * @example
 * ```ts
 * const { typicalMs, worstMs, warnings }: FailoverDelay = expectedFailoverDelay(TIMER_PROFILES.lan);
 * ```
 */
export interface FailoverDelay {
  typicalMs: number;
  worstMs: number;
  warnings: string[];
}

/** The shortest silence worth a takeover: GC pauses and CPU contention stall a process for tens of ms. */
const MIN_SILENCE_MS = 100;

/**
 * Computes the typical and worst-case failover delay (the load balancer's when it is slower).
 *
 * @example
 * ```ts
 * expectedFailoverDelay({ intervalMs: 500, timeoutMs: 400, fall: 3, rise: 3 });
 * // { typicalMs: 1650, worstMs: 1900, warnings: [] }
 * ```
 */
export function expectedFailoverDelay(
  heartbeat: HeartbeatTimers,
  lb?: LoadBalancerTimers,
): FailoverDelay {
  const warnings: string[] = [];
  const agents = worstOf(heartbeat);
  // Beats may overlap (a timeout longer than the interval is fine: only silence counts), but a
  // peer silent for less than a scheduling stall is not dead, only busy.
  const silenceMs = (heartbeat.fall - 1) * heartbeat.intervalMs + heartbeat.timeoutMs;
  if (silenceMs < MIN_SILENCE_MS) {
    warnings.push(
      `a peer silent for ${silenceMs} ms ((fall − 1) × interval + timeout) is counted lost: a loaded machine stalls a process that long; keep at least ${MIN_SILENCE_MS} ms`,
    );
  }
  if (heartbeat.fall === 1) {
    warnings.push("fall of 1: a single lost heartbeat triggers a failover; use at least 2");
  }
  let worstMs = agents;
  let intervalMs = heartbeat.intervalMs;
  if (lb) {
    const balancer = worstOf(lb);
    if (lb.timeoutMs >= lb.intervalMs) {
      warnings.push(
        `load balancer timeout ${lb.timeoutMs} ms is not below its interval ${lb.intervalMs} ms`,
      );
    }
    if (balancer > agents) {
      warnings.push(
        `the load balancer needs up to ${balancer} ms to switch, the agents ${agents} ms: calls reach a standby in between; align fall × interval + timeout`,
      );
      worstMs = balancer;
      intervalMs = lb.intervalMs;
    }
  }
  return { typicalMs: worstMs - intervalMs / 2, worstMs, warnings };
}

function worstOf(t: { intervalMs: number; timeoutMs: number; fall: number }): number {
  return t.fall * t.intervalMs + t.timeoutMs;
}
