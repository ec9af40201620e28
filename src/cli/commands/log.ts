/**
 * `tandem log`: the failover log of both nodes, merged by time — every transition, fence,
 * refusal and operator command with its cause.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Command } from "commander";
import type { FailoverLogEntry } from "../../cluster/failover-log.js";
import { UsageError } from "../../errors.js";
import { type Palette, palette } from "../colors.js";
import { openPair, type PairCommandOptions, withPairOptions } from "../pair-config.js";

interface LogOptions extends PairCommandOptions {
  lines: string;
  node?: string;
  follow?: boolean;
}

/** Registers `tandem log`. */
export function registerLog(program: Command): void {
  withPairOptions(
    program.command("log").description("Print the failover log of both nodes, merged by time"),
  )
    .option("-n, --lines <n>", "entries to print", "50")
    .option("--node <name>", "only this node's log")
    .option("-f, --follow", "keep printing new entries until interrupted")
    .addHelpText(
      "after",
      "\nEach node keeps its log in <stateDir>/failover.log (1 MiB, then failover.log.1).\nA node that cannot be reached is named on stderr; the other node's log is still printed.\nExit codes: 0 printed, 2 bad usage or config, 3 no node reachable.",
    )
    .action(async (opts: LogOptions) => {
      process.exitCode = await logCommand(opts);
    });
}

async function logCommand(opts: LogOptions): Promise<number> {
  const limit = Number(opts.lines);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    throw new UsageError(`--lines "${opts.lines}" must be an integer from 1 to 10000`);
  }
  const { pair } = await openPair(opts);
  const nodes = opts.node ? [{ name: opts.node, client: pair.client(opts.node) }] : pair.nodes;
  const colors = palette(process.stdout.isTTY === true && !opts.json);
  const seen = new Set<string>();
  let first = true;
  let stop = false;
  const onSigint = (): void => {
    stop = true;
  };
  if (opts.follow) process.once("SIGINT", onSigint);
  try {
    for (;;) {
      const results = await Promise.allSettled(nodes.map((n) => n.client.log(limit)));
      const entries: FailoverLogEntry[] = [];
      let reached = 0;
      results.forEach((r, i) => {
        if (r.status === "fulfilled") {
          reached++;
          entries.push(...r.value);
        } else if (first) {
          process.stderr.write(`tandem: ${nodes[i]?.name}: ${(r.reason as Error).message}\n`);
        }
      });
      if (reached === 0 && first) return 3;
      entries.sort((x, y) => x.time.localeCompare(y.time));
      const fresh = entries.filter((e) => !seen.has(keyOf(e)));
      for (const e of fresh) seen.add(keyOf(e));
      const shown = first ? fresh.slice(-limit) : fresh;
      for (const e of shown) {
        process.stdout.write(opts.json ? `${JSON.stringify(e)}\n` : `${formatEntry(e, colors)}\n`);
      }
      first = false;
      if (!opts.follow || stop) return 0;
      await sleep(1000);
      if (stop) return 0;
    }
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
}

function keyOf(e: FailoverLogEntry): string {
  return `${e.node}|${e.time}|${e.event}|${e.message}`;
}

/**
 * One entry as a line: local time, node, level, term and mode, then the message.
 *
 * @example
 * ```ts
 * formatEntry(entry, palette(false));
 * // '2026-11-22 10:00:00.123  b  WARN  term 4 ACTIVE      STANDBY → ACTIVE: peer "a" unreachable 3/3 (connection refused)'
 * ```
 */
export function formatEntry(e: FailoverLogEntry, colors: Palette): string {
  const d = new Date(e.time);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const time = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  const level =
    e.level === "info" ? "info" : e.level === "warn" ? colors.yellow("WARN") : colors.red("ERROR");
  return `${time}  ${e.node}  ${level.padEnd(4)}  term ${e.term} ${e.mode.padEnd(11)} ${e.message}`;
}
