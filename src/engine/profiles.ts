/**
 * Named heartbeat timer sets. A peer is lost after `(fall − 1) × interval + timeout` of silence
 * (nothing heard, neither an answer nor a heartbeat of its own) plus the phase of the beat: one
 * beat leaves every interval, and with a timeout longer than the interval several overlap.
 * A killed peer is noticed much sooner, since the shell confirms refused connections 15 ms apart.
 * `tight` matches keepalived at `advert_int 0.05` on a silent host (130 ms of silence; one beat
 * every 20 ms, so 5 % loss never adds up to that) for dedicated links and agents at nice -10;
 * `fast` is for a pair on one LAN segment that must fail over in well under a second (280 ms);
 * `lan` tolerates a busy network and GC pauses; `wan` a link with loss and 100 ms+ round trips.
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
  tight: { intervalMs: 20, timeoutMs: 90, fall: 3, rise: 3 },
  fast: { intervalMs: 100, timeoutMs: 80, fall: 3, rise: 3 },
  lan: { intervalMs: 500, timeoutMs: 400, fall: 3, rise: 3 },
  wan: { intervalMs: 2000, timeoutMs: 1500, fall: 4, rise: 4 },
} as const satisfies Record<string, HeartbeatTimers>;
