/**
 * What the operator commands need from a configuration file: the pair's nodes, their API
 * addresses and the secret that signs commands.
 */
import { existsSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import type { Command } from "commander";
import { loadConfig } from "../config/index.js";
import { PairClient } from "../control/pair-client.js";
import { UsageError } from "../errors.js";
import { agentTlsOf } from "./agent-client.js";

/** Where the commands look for a configuration when neither `--config` nor `TANDEM_CONFIG` is set. */
export const DEFAULT_CONFIG_PATH = "/etc/tandem/tandem.yaml";

/** Options shared by the commands that talk to a pair. */
export interface PairCommandOptions {
  config?: string;
  by?: string;
  json?: boolean;
  timeout: string;
}

/**
 * Adds `--config`, `--by`, `--json` and `--timeout` to a pair command.
 *
 * @example
 * ```ts
 * withPairOptions(program.command("failover")).action(...);
 * ```
 */
export function withPairOptions(command: Command): Command {
  return command
    .option(
      "-c, --config <file>",
      `a node's configuration (its cluster section and secret); default $TANDEM_CONFIG or ${DEFAULT_CONFIG_PATH}`,
    )
    .option("--by <name>", "who asks, for the nodes' logs (default USER@HOST)")
    .option("--json", "print the result as JSON")
    .option("--timeout <ms>", "how long to wait for each agent's answer", "5000");
}

/**
 * Loads the cluster section named by the options and builds the clients.
 *
 * @example
 * ```ts
 * const { pair, by } = await openPair(opts);
 * await pair.client("a").command("suspend", "a", by);
 * ```
 */
export async function openPair(
  opts: PairCommandOptions,
): Promise<{ pair: PairClient; by: string; stateDir: string }> {
  const path = opts.config ?? process.env.TANDEM_CONFIG ?? DEFAULT_CONFIG_PATH;
  if (!opts.config && !process.env.TANDEM_CONFIG && !existsSync(path)) {
    throw new UsageError(
      `no configuration given: pass --config FILE (a node's tandem.yaml) or set TANDEM_CONFIG; ${DEFAULT_CONFIG_PATH} does not exist`,
    );
  }
  const timeoutMs = Number(opts.timeout);
  if (!(timeoutMs > 0)) {
    throw new UsageError(`--timeout "${opts.timeout}" must be a number of milliseconds above 0`);
  }
  const { config } = await loadConfig(path);
  if (!config.cluster) {
    throw new UsageError(`${path} has no cluster section: this node is not part of a pair`);
  }
  const by = opts.by ?? defaultBy();
  if (!/^[\x20-\x7e]{1,120}$/.test(by)) {
    throw new UsageError(`--by "${by}" must be 1–120 printable characters`);
  }
  return {
    pair: new PairClient(config.cluster, { timeoutMs, tls: agentTlsOf(config, path) }),
    by,
    stateDir: config.node.stateDir,
  };
}

function defaultBy(): string {
  let user = process.env.SUDO_USER ?? process.env.USER ?? "";
  if (!user) {
    try {
      user = userInfo().username;
    } catch {
      user = "unknown";
    }
  }
  return `${user}@${hostname()}`;
}
