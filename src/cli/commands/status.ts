/**
 * `tandem status`: this node's mode, health and probes, as a table or JSON, once or live.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { type Command, Option } from "commander";
import { isTandemError, UsageError } from "../../errors.js";
import { fetchStatus, resolveAgent } from "../agent-client.js";
import { palette } from "../colors.js";
import { renderStatus } from "../status-view.js";

interface StatusOptions {
  url?: string;
  config?: string;
  ca?: string;
  json?: boolean;
  watch?: boolean;
  interval: string;
  timeout: string;
}

/** Registers `tandem status`. */
export function registerStatus(program: Command): void {
  program
    .command("status")
    .description("Show this node's mode, health and probes")
    .option("--url <url>", "agent API base URL (default http://127.0.0.1:7701)")
    .option("--ca <file>", "with an https --url: PEM CA that signed the agent's certificate")
    .option(
      "-c, --config <file>",
      "find the agent from this config's api.listen (and api.tls: https, verified with api.tls.ca)",
    )
    .option("--json", "print the status document as JSON")
    .option("-w, --watch", "refresh until interrupted")
    .addOption(new Option("--interval <seconds>", "refresh interval with --watch").default("1"))
    .addOption(new Option("--timeout <ms>", "how long to wait for the agent").default("3000"))
    .addHelpText(
      "after",
      "\nExit codes: 0 healthy, 1 reachable but not healthy, 2 bad usage or config, 3 agent unreachable.",
    )
    .action(async (opts: StatusOptions) => {
      process.exitCode = await statusCommand(opts);
    });
}

async function statusCommand(opts: StatusOptions): Promise<number> {
  const interval = Number(opts.interval);
  const timeout = Number(opts.timeout);
  if (!(interval > 0))
    throw new UsageError(`--interval "${opts.interval}" must be a number of seconds above 0`);
  if (!(timeout > 0))
    throw new UsageError(`--timeout "${opts.timeout}" must be a number of milliseconds above 0`);
  const { url, tls } = await resolveAgent(opts);
  const colors = palette(process.stdout.isTTY === true && !opts.json);
  if (!opts.watch) {
    const doc = await fetchStatus(url, timeout, tls);
    process.stdout.write(
      opts.json ? `${JSON.stringify(doc, null, 2)}\n` : renderStatus(doc, colors, Date.now()),
    );
    return doc.node.healthy ? 0 : 1;
  }
  let stop = false;
  const onSigint = (): void => {
    stop = true;
  };
  process.once("SIGINT", onSigint);
  let code = 0;
  while (!stop) {
    try {
      const doc = await fetchStatus(url, timeout, tls);
      code = doc.node.healthy ? 0 : 1;
      const text = opts.json
        ? `${JSON.stringify(doc)}\n`
        : `\u001b[2J\u001b[H${renderStatus(doc, colors, Date.now())}`;
      process.stdout.write(text);
    } catch (err) {
      if (!isTandemError(err)) throw err;
      code = err.exitCode;
      process.stdout.write(
        opts.json
          ? `${JSON.stringify({ error: err.message, code: err.code })}\n`
          : `\u001b[2J\u001b[H${err.message}\n`,
      );
    }
    await sleep(interval * 1000);
  }
  process.off("SIGINT", onSigint);
  return code;
}
