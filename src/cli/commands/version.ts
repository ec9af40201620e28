/**
 * `tandem version`.
 */
import type { Command } from "commander";
import { VERSION } from "../../version.js";

/** Registers `tandem version`. */
export function registerVersion(program: Command): void {
  program
    .command("version")
    .description("Print the Tandem version")
    .option("--json", "print as JSON")
    .action((opts: { json?: boolean }) => {
      process.stdout.write(
        opts.json
          ? `${JSON.stringify({ tandem: VERSION, node: process.version })}\n`
          : `tandem ${VERSION} (node ${process.version})\n`,
      );
    });
}
