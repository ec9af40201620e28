/**
 * The `disk` probe: how full the file system holding `path` is, computed like `df`.
 */
import { statfs } from "node:fs/promises";
import type { ProbeConfig } from "../config/schema.js";
import { fail, ok, settle } from "./result.js";
import type { CheckerContext, CheckResult, ProbeChecker } from "./types.js";

/** The config of a `disk` probe. */
export type DiskProbeConfig = Extract<ProbeConfig, { kind: "disk" }>;

/**
 * Creates the checker of a `disk` probe. Used space is `(blocks - bfree) / (blocks - bfree +
 * bavail)`, as `df` shows it: blocks reserved for root count neither as used nor as available.
 *
 * Unlike the `file` probe, `statfs` runs in the agent's thread pool, so on a dead NFS mount it
 * can hold a pool thread until the mount recovers. The check still fails at its timeout; point
 * a `file` probe at network mounts and keep `disk` for local ones.
 *
 * @example
 * ```ts
 * const checker = createDiskChecker({ kind: "disk", path: "/var/spool/asterisk", maxUsedPercent: 90 }, ctx);
 * await checker.check(signal); // { status: "fail", message: "disk /var/spool/asterisk is 93.1% used (max 90%)" }
 * ```
 */
export function createDiskChecker(config: DiskProbeConfig, _ctx: CheckerContext): ProbeChecker {
  return {
    check: (signal) =>
      settle(signal, async (): Promise<CheckResult> => {
        const stats = await statfs(config.path);
        const used = stats.blocks - stats.bfree;
        const usable = used + stats.bavail;
        if (usable <= 0)
          return fail(`disk ${config.path} reports no blocks (not a disk file system?)`);
        const percent = (used / usable) * 100;
        const message = `disk ${config.path} is ${percent.toFixed(1)}% used (max ${config.maxUsedPercent}%)`;
        return percent > config.maxUsedPercent ? fail(message) : ok(message);
      }),
    close: async () => {},
  };
}
