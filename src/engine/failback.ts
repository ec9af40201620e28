/**
 * When a recovered node may come back. Manual failback (the default) never returns by itself:
 * the node says "awaiting recovery" and waits for an operator. Auto failback returns only after
 * `rise` consecutive healthy heartbeats AND `minStableMs` of unbroken health, so a flapping
 * probe (which resets both) can never bring it back.
 */
import type { EngineState } from "./types.js";

/**
 * Whether auto failback lets this node return now.
 *
 * @example
 * ```ts
 * failbackReady(state, now); // false under manual failback, whatever the health
 * ```
 */
export function failbackReady(s: EngineState, now: number): boolean {
  const fb = s.options.failback;
  if (fb.mode !== "auto" || !s.health?.healthy || s.healthySince === null) return false;
  return s.healthyBeats >= fb.rise && now - s.healthySince >= fb.minStableMs;
}

/**
 * The cause object logged with a failback decision.
 *
 * @example
 * ```ts
 * failbackCause(state, now); // { healthyBeats: 3, rise: 3, stableMs: 30000, minStableMs: 30000 }
 * ```
 */
export function failbackCause(s: EngineState, now: number): object {
  return {
    healthyBeats: s.healthyBeats,
    rise: s.options.failback.rise,
    stableMs: s.healthySince === null ? 0 : now - s.healthySince,
    minStableMs: s.options.failback.minStableMs,
  };
}
