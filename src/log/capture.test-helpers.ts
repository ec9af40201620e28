/**
 * A pino logger that keeps its lines in memory, for tests that assert what was logged.
 */
import pino from "pino";
import type { Logger } from "./logger.js";

/** A logger and the parsed JSON lines it wrote. */
export interface CapturedLogger {
  logger: Logger;
  lines: Array<Record<string, unknown> & { msg: string; level: number }>;
}

/** Creates a logger whose output is collected in `lines`. */
export function captureLogger(): CapturedLogger {
  const lines: CapturedLogger["lines"] = [];
  const stream = {
    write(chunk: string): void {
      for (const line of chunk.split("\n")) if (line) lines.push(JSON.parse(line));
    },
  };
  return { logger: pino({ level: "trace" }, stream), lines };
}
