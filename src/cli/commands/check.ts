/**
 * `tandem check`: a Nagios/Icinga plugin for the pair.
 */
import type { Command } from "commander";
import { isTandemError, UsageError } from "../../errors.js";
import { fetchStatus, resolveAgent } from "../agent-client.js";
import { evaluatePair, NAGIOS, nagiosLine } from "../nagios-check.js";

interface CheckOptions {
  url?: string;
  config?: string;
  timeout: string;
}

/** Registers `tandem check`. */
export function registerCheck(program: Command): void {
  program
    .command("check")
    .description("Nagios/Icinga plugin: one status line with perfdata about the pair")
    .option("--url <url>", "agent API base URL (default http://127.0.0.1:7701)")
    .option("-c, --config <file>", "find the agent from this config's api.listen")
    .option("--timeout <ms>", "how long to wait for the agent", "5000")
    .addHelpText(
      "after",
      [
        "",
        "Exit codes (Nagios plugin API): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.",
        "CRITICAL: no node serves, or both do (hot-standby).",
        "WARNING: the peer is unreachable, a fence waits for recovery, failover is suspended,",
        "the cluster sections differ, or a critical probe is down on the asked node.",
        "UNKNOWN: the agent did not answer.",
      ].join("\n"),
    )
    .action(async (opts: CheckOptions) => {
      process.exitCode = await checkCommand(opts);
    });
}

async function checkCommand(opts: CheckOptions): Promise<number> {
  const timeoutMs = Number(opts.timeout);
  try {
    if (!(timeoutMs > 0)) {
      throw new UsageError(`--timeout "${opts.timeout}" must be a number of milliseconds above 0`);
    }
    const { url, tls } = await resolveAgent(opts);
    const verdict = evaluatePair(await fetchStatus(url, timeoutMs, tls));
    process.stdout.write(`${nagiosLine(verdict)}\n`);
    return NAGIOS[verdict.state];
  } catch (err) {
    // A plugin answers UNKNOWN, never a stack trace: the monitoring server shows this line.
    const message = isTandemError(err) ? err.message : String((err as Error).message ?? err);
    process.stdout.write(`TANDEM UNKNOWN - ${message.replaceAll("|", "/")}\n`);
    return NAGIOS.UNKNOWN;
  }
}
