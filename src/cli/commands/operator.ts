/**
 * The operator commands: `activate`, `deactivate`, `suspend`, `resume`, `clear-fence` (sent to
 * the node they name), `failover` and `switchover` (sent to the ACTIVE node, then watched until
 * the other node serves). Each is idempotent and lands in both the node's log and its failover
 * log with who asked.
 */
import type { Command } from "commander";
import type { CommandReply } from "../../control/client.js";
import { describePair, type PairClient, soleActive } from "../../control/pair-client.js";
import type { CommandName } from "../../engine/types.js";
import { CommandRefusedError, UsageError } from "../../errors.js";
import { openPair, type PairCommandOptions, withPairOptions } from "../pair-config.js";

const FORCE_HELP =
  "take the ACTIVE node out even when no other node can take over (nobody will serve)";

interface WaitOptions extends PairCommandOptions {
  wait: string;
}

const NODE_COMMANDS: Array<{ name: CommandName; summary: string; help: string }> = [
  {
    name: "activate",
    summary: "Make NODE ACTIVE now, whatever its fencing flags (it must be healthy)",
    help: "Use it to bring a pair back into service by hand. The other node, if ACTIVE, is told of the higher term and steps down.",
  },
  {
    name: "deactivate",
    summary:
      "On the ACTIVE node: fence it so the other takes over. On a standby: suspend its takeover",
    help: "A deactivated ACTIVE node stays SELF_FENCED (also across restarts) until `tandem clear-fence NODE` or `tandem recover`.",
  },
  {
    name: "suspend",
    summary: "Stop NODE from taking over or fencing its peer (maintenance)",
    help: "An ACTIVE node keeps serving; a standby stays standby whatever happens to its peer. `tandem resume NODE` re-arms it.",
  },
  {
    name: "resume",
    summary: "Re-arm takeover and fencing on NODE after suspend or deactivate",
    help: "",
  },
  {
    name: "clear-fence",
    summary:
      "Clear NODE's fencing flags (self-fenced, fenced by the peer) so it can stand by again",
    help: "Check first why the node was fenced (`tandem status`, `tandem log`): the flag is what kept it from taking calls.",
  },
];

/** Registers the operator commands. */
export function registerOperatorCommands(program: Command): void {
  for (const spec of NODE_COMMANDS) {
    const command = withPairOptions(
      program.command(`${spec.name} <node>`).description(spec.summary),
    );
    if (spec.name === "deactivate") command.option("--force", FORCE_HELP);
    command
      .addHelpText(
        "after",
        `\n${spec.help ? `${spec.help}\n` : ""}Idempotent: asking again changes nothing and says so.\nExit codes: 0 done (or already so), 1 refused, 2 bad usage or config, 3 agent unreachable.`,
      )
      .action(async (node: string, opts: PairCommandOptions & { force?: boolean }) => {
        const { pair, by } = await openPair(opts);
        const reply = await pair.client(node).command(spec.name, node, by, opts.force === true);
        report(reply, opts.json === true);
        if (reply.outcome === "refused") process.exitCode = 1;
      });
  }

  withPairOptions(
    program
      .command("failover")
      .description("Force the ACTIVE node to step down so the other node takes over"),
  )
    .option(
      "--wait <seconds>",
      "how long to wait for the other node to serve (0: do not wait)",
      "10",
    )
    .option("--force", FORCE_HELP)
    .addHelpText(
      "after",
      "\nThe ACTIVE node fences itself (it stays out until `tandem recover` or `tandem clear-fence`).\nWith no reachable ACTIVE node, the healthiest standby is told to take over.\nExit codes: 0 the other node serves, 1 refused or not done within --wait, 2 bad usage, 3 unreachable.",
    )
    .action(async (opts: WaitOptions & { force?: boolean }) => {
      const { pair, by } = await openPair(opts);
      const waitMs = waitOf(opts.wait);
      const before = await pair.readAny("failover");
      const active = before.find((n) => n.status?.node.mode === "ACTIVE");
      const standby = before.find(
        (n) => n.name !== active?.name && n.status?.node.mode === "STANDBY",
      );
      const sendTo = active ?? standby;
      if (!sendTo) {
        throw new CommandRefusedError(
          `failover refused: no ACTIVE node and no STANDBY node can be reached (${describePair(before)})`,
        );
      }
      const reply = await pair
        .client(sendTo.name)
        .command("failover", sendTo.name, by, opts.force === true);
      report(reply, opts.json === true);
      if (reply.outcome === "refused") {
        process.exitCode = 1;
        return;
      }
      const next = active ? before.find((n) => n.name !== active.name)?.name : sendTo.name;
      if (waitMs > 0 && next) await waitAndSay(pair, next, waitMs, opts);
    });

  withPairOptions(
    program
      .command("switchover")
      .description("Planned, graceful handover of the ACTIVE role to another node"),
  )
    .requiredOption("--to <node>", "the node that takes the ACTIVE role")
    .option("--wait <seconds>", "how long to wait for it to serve (0: do not wait)", "10")
    .addHelpText(
      "after",
      "\nNothing is fenced: the ACTIVE node steps down to STANDBY once the other node, healthy and\nnot suspended, takes over in a new term; clients on the event stream get a switchover notice.\nExit codes: 0 the node serves, 1 refused or not done within --wait, 2 bad usage, 3 unreachable.",
    )
    .action(async (opts: WaitOptions & { to: string }) => {
      const { pair, by } = await openPair(opts);
      pair.client(opts.to);
      const waitMs = waitOf(opts.wait);
      const before = await pair.readAny("switchover");
      const active = before.find((n) => n.status?.node.mode === "ACTIVE");
      if (!active) {
        throw new CommandRefusedError(
          `switchover refused: no ACTIVE node to hand over from (${describePair(before)}); use "tandem activate ${opts.to}"`,
        );
      }
      const reply = await pair.client(active.name).command("switchover", opts.to, by);
      report(reply, opts.json === true);
      if (reply.outcome === "refused") {
        process.exitCode = 1;
        return;
      }
      if (waitMs > 0) await waitAndSay(pair, opts.to, waitMs, opts);
    });
}

function waitOf(value: string): number {
  const seconds = Number(value);
  if (!(seconds >= 0)) throw new UsageError(`--wait "${value}" must be a number of seconds`);
  return seconds * 1000;
}

async function waitAndSay(
  pair: PairClient,
  node: string,
  waitMs: number,
  opts: PairCommandOptions,
): Promise<void> {
  const started = Date.now();
  const nodes = await pair.waitUntil(
    (n) => soleActive(n, node),
    `"${node}" serving as ACTIVE`,
    waitMs,
  );
  if (!opts.json) {
    process.stdout.write(
      `"${node}" serves as ACTIVE after ${((Date.now() - started) / 1000).toFixed(1)} s: ${describePair(nodes)}\n`,
    );
  }
}

function report(reply: CommandReply, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(reply, null, 2)}\n`);
    return;
  }
  const head = `${reply.node}: ${reply.command}${reply.command === "switchover" ? ` to ${reply.target}` : ""}: ${reply.outcome}`;
  const lines = [head, ...reply.messages.map((m) => `  ${m}`)];
  lines.push(`  now ${reply.mode}${reply.serving ? " serving" : ""}, term ${reply.term}`);
  (reply.outcome === "refused" ? process.stderr : process.stdout).write(`${lines.join("\n")}\n`);
}
