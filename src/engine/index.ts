/**
 * The failover engine's public face: a pure decision core (`step`) with its state, inputs and
 * effects, plus the operator-facing helpers (flag explanation, expected delay, timer profiles).
 *
 * @example
 * ```ts
 * import { initialState, step, viewOf } from "../engine/index.js";
 * let state = initialState(options, record);
 * const { state: next, effects } = step(state, { type: "tick" }, performance.now());
 * ```
 */
export { electWinner } from "./conflict.js";
export { expectedFailoverDelay, type FailoverDelay, type LoadBalancerTimers } from "./delay.js";
export { explainFlags, type FlagExplanation, type FlagSubject } from "./flags-explain.js";
export { initialState, noFlags } from "./init.js";
export { freezeLimitMs } from "./observe.js";
export { TIMER_PROFILES } from "./profiles.js";
export { GONE_ERROR } from "./quorum.js";
export { step } from "./step.js";
export type * from "./types.js";
export { viewOf } from "./view.js";
