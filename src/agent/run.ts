/**
 * `tandem agent`: loads the config (starting nothing if it is invalid), runs the agent, and
 * turns signals into actions — SIGTERM/SIGINT stop gracefully, SIGUSR1 toggles debug polls,
 * SIGHUP reopens `log.file` after a rotation (the config is not reloaded: restart the agent to
 * apply a new one).
 */
import { loadConfig } from "../config/index.js";
import { createLogger, flushLogger, type Logger, reopenLogFile } from "../log/logger.js";
import { Agent } from "./agent.js";
import { raisePriority } from "./priority.js";

/** Options of {@link runAgent}. */
export interface RunAgentOptions {
  configPath: string;
  /** Overrides the config's log level (e.g. from `--log-level`). */
  logLevel?: string | undefined;
  /** Resolves when the agent has started (tests, the demo). */
  onStarted?: (agent: Agent, port: number) => void;
}

/**
 * Runs an agent until a stop signal; resolves with the process exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await runAgent({ configPath: "/etc/tandem/tandem.yaml" });
 * ```
 */
export async function runAgent(options: RunAgentOptions): Promise<number> {
  const loaded = await loadConfig(options.configPath);
  const { config } = loaded;
  const logger = await createLogger({
    level: (options.logLevel ?? config.log.level) as "info",
    file: config.log.file,
    pretty: config.log.pretty,
    base: { node: config.node.name },
  });
  for (const warning of loaded.warnings) logger.warn({ event: "config_warning" }, warning);
  raisePriority(config.node.nice, logger);

  const agent = new Agent({ config, logger, clusterHash: loaded.clusterHash });
  let port: number;
  try {
    port = await agent.start();
  } catch (err) {
    logger.fatal({ event: "start_failed", err }, (err as Error).message);
    await agent.stop("start failed");
    flushLogger(logger);
    throw err;
  }
  options.onStarted?.(agent, port);
  return waitForStop(agent, logger);
}

function waitForStop(agent: Agent, logger: Logger): Promise<number> {
  return new Promise<number>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off("SIGTERM", stop);
      process.off("SIGINT", stop);
      process.off("SIGUSR1", debug);
      process.off("SIGHUP", hup);
      agent.stop(signal).then(
        () => {
          flushLogger(logger);
          resolve(0);
        },
        (err: unknown) => {
          logger.error({ event: "stop_failed", err }, `stop failed: ${(err as Error).message}`);
          flushLogger(logger);
          resolve(1);
        },
      );
    };
    const debug = (): void => {
      agent.toggleDebugPolls();
    };
    const hup = (): void => {
      if (!reopenLogFile(logger)) {
        logger.warn(
          { event: "sighup" },
          "SIGHUP ignored: no log.file to reopen (restart the agent to apply a changed configuration)",
        );
        return;
      }
      logger.info(
        { event: "log_reopened" },
        "SIGHUP: log file reopened (the configuration is not reloaded: restart the agent to apply changes)",
      );
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
    process.on("SIGUSR1", debug);
    process.on("SIGHUP", hup);
  });
}
