/**
 * The `load` probe: the system load average per CPU.
 */
import { availableParallelism, loadavg } from "node:os";
import type { ProbeConfig } from "../config/schema.js";
import { fail, ok, settle } from "./result.js";
import type { CheckerContext, CheckResult, ProbeChecker } from "./types.js";

/** The config of a `load` probe. */
export type LoadProbeConfig = Extract<ProbeConfig, { kind: "load" }>;

const WINDOW_INDEX = { 1: 0, 5: 1, 15: 2 } as const;

/**
 * Creates the checker of a `load` probe: the load average over `window` minutes divided by
 * the CPUs this process may use, failing above `maxPerCore`.
 *
 * @example
 * ```ts
 * const checker = createLoadChecker({ kind: "load", window: 5, maxPerCore: 2 }, ctx);
 * await checker.check(signal); // { status: "ok", message: "load 0.21 per CPU (0.42 on 2 CPUs, 5 min; max 2)" }
 * ```
 */
export function createLoadChecker(config: LoadProbeConfig, _ctx: CheckerContext): ProbeChecker {
  return {
    check: (signal) =>
      settle(signal, async (): Promise<CheckResult> => {
        const load = loadavg()[WINDOW_INDEX[config.window]] ?? 0;
        const cpus = availableParallelism();
        const perCore = load / cpus;
        const message = `load ${perCore.toFixed(2)} per CPU (${load.toFixed(2)} on ${cpus} CPUs, ${config.window} min; max ${config.maxPerCore})`;
        return perCore > config.maxPerCore ? fail(message) : ok(message);
      }),
    close: async () => {},
  };
}
