/**
 * The health probes: one checker per configured probe, run by the scheduler.
 *
 * @example
 * ```ts
 * import { createChecker } from "../probes/index.js";
 * const checker = createChecker(config.probes.web, { probeName: "web", hostname, timeoutMs: 500 });
 * ```
 */
export { createChecker } from "./create-checker.js";
export { createStamp } from "./stamp.js";
export type { CheckerContext, CheckResult, CheckStatus, ProbeChecker } from "./types.js";
