/**
 * Named heartbeat timer sets. `fast` is for a pair on one LAN segment that must fail over in
 * well under a second: a silent peer is lost after `(fall − 1) × interval + timeout` (280 ms)
 * plus the phase of the beat; a killed peer much sooner, since the shell confirms refused
 * connections 15 ms apart. `lan` tolerates a busy network and GC pauses; `wan` tolerates a
 * link with loss and 100 ms+ round trips.
 */
import type { HeartbeatTimers } from "./types.js";

/**
 * The timer profiles a cluster config can name.
 *
 * @example
 * ```ts
 * expectedFailoverDelay(TIMER_PROFILES.fast).worstMs; // 380
 * ```
 */
export const TIMER_PROFILES = {
  fast: { intervalMs: 100, timeoutMs: 80, fall: 3, rise: 3 },
  lan: { intervalMs: 500, timeoutMs: 400, fall: 3, rise: 3 },
  wan: { intervalMs: 2000, timeoutMs: 1500, fall: 4, rise: 4 },
} as const satisfies Record<string, HeartbeatTimers>;
