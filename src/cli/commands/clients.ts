/**
 * `tandem clients`: the clients connected to each node's event stream, and the node each
 * identified client follows.
 */
import type { Command } from "commander";
import { readClients } from "../../control/clients.js";
import { isTandemError } from "../../errors.js";
import { openPair, type PairCommandOptions, withPairOptions } from "../pair-config.js";
import { formatTable } from "../table.js";

/** The exit code for "an agent did not answer" (docs/cli.md). */
const UNREACHABLE_EXIT = 3;

/** Registers `tandem clients`. */
export function registerClients(program: Command): void {
  withPairOptions(
    program
      .command("clients")
      .description("List the clients connected to each node and the node each one follows"),
  )
    .addHelpText(
      "after",
      `\nClients built on tandem-ha/client identify themselves (name, version, policy) and report the\nnode they follow; other event-stream readers appear with "-". With --json: {"nodes": [{"name",\n"clients": GET /v1/clients of that node, or null, "error"}]}.\n\nExit codes: 0 both nodes answered, 2 bad usage or config, 3 a node did not answer.`,
    )
    .action(async (opts: PairCommandOptions) => {
      try {
        process.exitCode = await clientsCommand(opts);
      } catch (err) {
        if (!opts.json || !isTandemError(err)) throw err;
        process.stdout.write(
          `${JSON.stringify({ error: { code: err.code, message: err.message } }, null, 2)}\n`,
        );
        process.exitCode = err.exitCode;
      }
    });
}

async function clientsCommand(opts: PairCommandOptions): Promise<number> {
  const { pair } = await openPair(opts);
  const readings = await readClients(pair);
  const unreachable = readings.filter((r) => !r.doc);
  if (opts.json) {
    const nodes = readings.map((r) => ({ name: r.name, clients: r.doc, error: r.error }));
    process.stdout.write(`${JSON.stringify({ nodes }, null, 2)}\n`);
    return unreachable.length > 0 ? UNREACHABLE_EXIT : 0;
  }
  const rows: string[][] = [];
  for (const r of readings) {
    for (const c of r.doc?.clients ?? []) {
      rows.push([
        r.name,
        c.name ?? "-",
        c.version ?? "-",
        c.policy ?? "-",
        c.follows ?? "-",
        c.remote,
        c.since,
      ]);
    }
  }
  const summary = readings
    .map((r) =>
      r.doc
        ? `${r.name}: ${r.doc.streams} stream${r.doc.streams === 1 ? "" : "s"}`
        : `${r.name}: unreachable (${r.error})`,
    )
    .join(", ");
  const table = rows.length
    ? `${formatTable(["NODE", "CLIENT", "VERSION", "POLICY", "FOLLOWS", "REMOTE", "SINCE"], rows)}\n`
    : "";
  process.stdout.write(`${table}${summary}\n`);
  for (const r of unreachable) process.stderr.write(`tandem: ${r.error}\n`);
  return unreachable.length > 0 ? UNREACHABLE_EXIT : 0;
}
