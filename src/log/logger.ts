/**
 * The agent's logger: pino JSON lines to a file or standard output, or readable lines when a
 * person is watching a terminal. Writes are synchronous so nothing is lost when the process
 * stops, and {@link flushLogger} is safe to call on the way out.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import pino from "pino";

/** The logger type used across Tandem. */
export type Logger = pino.Logger;

/** The file destination of each logger that writes to `log.file`, for {@link reopenLogFile}. */
const fileDestinations = new WeakMap<Logger, pino.DestinationStream & { reopen(): void }>();

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Minimum level. @default "info" */
  level?: pino.LevelWithSilent;
  /** Write JSON lines to this file instead of standard output. */
  file?: string | undefined;
  /** `auto`: readable lines when standard output is a terminal and no file is set. @default "auto" */
  pretty?: "auto" | "always" | "never";
  /** Fields added to every line (e.g. `{ node: "a" }`). */
  base?: Record<string, unknown>;
}

/**
 * Creates the agent's logger.
 *
 * @example
 * ```ts
 * const log = await createLogger({ level: "info", base: { node: "a" } });
 * log.info({ event: "ready" }, "node a is ready");
 * ```
 */
export async function createLogger(options: LoggerOptions = {}): Promise<Logger> {
  const level = options.level ?? "info";
  const pretty =
    options.pretty === "always" ||
    (options.pretty !== "never" && !options.file && process.stdout.isTTY === true);
  const common: pino.LoggerOptions = {
    level,
    base: options.base ?? {},
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  if (options.file) {
    mkdirSync(dirname(options.file), { recursive: true });
    const destination = pino.destination({ dest: options.file, sync: true, mkdir: true });
    const logger = pino(common, destination);
    fileDestinations.set(logger, destination);
    return logger;
  }
  if (pretty) {
    // Loaded only when a person watches: it costs about 10 MB that a daemon does not need.
    const { default: pinoPretty } = await import("pino-pretty");
    return pino(
      common,
      // One line per event for a person: time, level, node and the message (which already says
      // everything the fields say); the JSON lines for machines keep every field.
      pinoPretty({
        colorize: process.stdout.isTTY === true,
        sync: true,
        ignore: "pid,hostname",
        hideObject: true,
        translateTime: "SYS:HH:MM:ss.l",
        messageFormat: "{if node}{node}: {end}{msg}",
      }),
    );
  }
  return pino(common, pino.destination({ dest: 1, sync: true }));
}

/** Flushes buffered log output; safe to call more than once and on any logger. */
export function flushLogger(logger: Logger): void {
  try {
    logger.flush();
  } catch {
    // A destination that cannot flush (already closed) has nothing left to lose.
  }
}

/**
 * Closes and reopens the logger's file at its configured path, so lines after a rotation
 * (`logrotate` renames the file, then sends SIGHUP) go to a new file. Writes are synchronous:
 * every line before the call is in the renamed file, every line after it in the new one.
 * Returns false when the logger does not write to a file.
 *
 * @example
 * ```ts
 * process.on("SIGHUP", () => reopenLogFile(logger));
 * ```
 */
export function reopenLogFile(logger: Logger): boolean {
  const destination = fileDestinations.get(logger);
  if (!destination) return false;
  destination.reopen();
  return true;
}
