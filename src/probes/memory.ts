/**
 * The `memory` probe: how much memory is available to start new work without swapping.
 */
import { readFile } from "node:fs/promises";
import { freemem, totalmem } from "node:os";
import type { ProbeConfig } from "../config/schema.js";
import { fail, ok, settle } from "./result.js";
import type { CheckerContext, CheckResult, ProbeChecker } from "./types.js";

/** The config of a `memory` probe. */
export type MemoryProbeConfig = Extract<ProbeConfig, { kind: "memory" }>;

const GIB = 1024 ** 3;

/**
 * Creates the checker of a `memory` probe, failing below `minAvailablePercent`.
 *
 * Reads `MemAvailable` from `/proc/meminfo`: unlike free memory it counts the page cache the
 * kernel can reclaim, so a busy file server does not look out of memory. Where it is missing
 * (not Linux, or a kernel before 3.14) it falls back to `os.freemem()`.
 *
 * @example
 * ```ts
 * const checker = createMemoryChecker({ kind: "memory", minAvailablePercent: 10 }, ctx);
 * await checker.check(signal); // { status: "ok", message: "memory 62.3% available (4.9 of 7.8 GiB; min 10%)" }
 * ```
 */
export function createMemoryChecker(config: MemoryProbeConfig, _ctx: CheckerContext): ProbeChecker {
  return {
    check: (signal) =>
      settle(signal, async (): Promise<CheckResult> => {
        const { available, total } = (await readMeminfo()) ?? {
          available: freemem(),
          total: totalmem(),
        };
        const percent = (available / total) * 100;
        const message = `memory ${percent.toFixed(1)}% available (${(available / GIB).toFixed(1)} of ${(total / GIB).toFixed(1)} GiB; min ${config.minAvailablePercent}%)`;
        return percent < config.minAvailablePercent ? fail(message) : ok(message);
      }),
    close: async () => {},
  };
}

/** Available and total bytes from `/proc/meminfo`, or `undefined` when it cannot tell. */
async function readMeminfo(): Promise<{ available: number; total: number } | undefined> {
  let text: string;
  try {
    text = await readFile("/proc/meminfo", "utf8");
  } catch {
    return undefined;
  }
  const kib = (field: string): number | undefined => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(text);
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  };
  const available = kib("MemAvailable");
  const total = kib("MemTotal");
  if (available === undefined || total === undefined || total === 0) return undefined;
  return { available, total };
}
