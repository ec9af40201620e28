/**
 * `tandem agent --config FILE`: run this node's agent in the foreground.
 */
import type { Command } from "commander";
import { runAgent } from "../../agent/run.js";

/** Registers `tandem agent`. */
export function registerAgent(program: Command): void {
  program
    .command("agent")
    .description("Run the agent for this node in the foreground (stop with SIGTERM or Ctrl-C)")
    .requiredOption("-c, --config <file>", "the YAML configuration file")
    .option("--log-level <level>", "override log.level (fatal, error, warn, info, debug, trace)")
    .addHelpText(
      "after",
      [
        "",
        "Signals: SIGTERM/SIGINT stop gracefully; SIGUSR1 toggles logging of every poll with its",
        "duration (for tuning timeouts); SIGHUP reopens log.file after logrotate renamed it (the",
        "config is not reloaded: restart to apply a new one).",
        "Exit codes: 0 stopped cleanly, 2 invalid config (nothing started), 4 a listener could not bind.",
      ].join("\n"),
    )
    .action(async (opts: { config: string; logLevel?: string }) => {
      process.exitCode = await runAgent({ configPath: opts.config, logLevel: opts.logLevel });
    });
}
