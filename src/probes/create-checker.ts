/**
 * Picks the checker of a probe kind.
 */
import { createAsteriskChecker } from "../asterisk/probe.js";
import type { ProbeConfig } from "../config/schema.js";
import { createCommandChecker } from "./command.js";
import { createDiskChecker } from "./disk.js";
import { createFileChecker } from "./file.js";
import { createHttpChecker } from "./http.js";
import { createLoadChecker } from "./load.js";
import { createMemoryChecker } from "./memory.js";
import { createProcessChecker } from "./process.js";
import { createSipChecker } from "./sip.js";
import { createSqlChecker } from "./sql.js";
import { createTcpChecker } from "./tcp.js";
import type { CheckerContext, ProbeChecker } from "./types.js";

/**
 * Creates the checker for one configured probe. Nothing is contacted until the first check;
 * call `close()` when the probe is removed or the agent stops.
 *
 * @example
 * ```ts
 * const checker = createChecker(config.probes.db, { probeName: "db", hostname: os.hostname(), timeoutMs: 500 });
 * const { status, message } = await checker.check(AbortSignal.timeout(500));
 * await checker.close();
 * ```
 */
export function createChecker(config: ProbeConfig, ctx: CheckerContext): ProbeChecker {
  switch (config.kind) {
    case "http":
      return createHttpChecker(config, ctx);
    case "tcp":
      return createTcpChecker(config, ctx);
    case "sql":
      return createSqlChecker(config, ctx);
    case "file":
      return createFileChecker(config, ctx);
    case "disk":
      return createDiskChecker(config, ctx);
    case "load":
      return createLoadChecker(config, ctx);
    case "memory":
      return createMemoryChecker(config, ctx);
    case "process":
      return createProcessChecker(config, ctx);
    case "command":
      return createCommandChecker(config, ctx);
    case "sip":
      return createSipChecker(config, ctx);
    case "asterisk":
      return createAsteriskChecker(config, ctx);
    default: {
      const unknown: never = config;
      throw new TypeError(
        `unknown probe kind: ${JSON.stringify((unknown as { kind: unknown }).kind)}`,
      );
    }
  }
}
