/**
 * `tandem stamp create PATH`: write the stamp file a `file` probe checks.
 */
import type { Command } from "commander";
import { createStamp } from "../../probes/index.js";

/** Registers `tandem stamp`. */
export function registerStamp(program: Command): void {
  const stamp = program.command("stamp").description("Manage the stamp files of file probes");
  stamp
    .command("create")
    .description(
      "Write a stamp file with a fresh identity and print it (use it as the probe's stampId)",
    )
    .argument("<path>", "where to write the stamp, on the file system the probe watches")
    .option("--json", "print as JSON")
    .action(async (path: string, opts: { json?: boolean }) => {
      const { id } = await createStamp(path);
      process.stdout.write(
        opts.json ? `${JSON.stringify({ path, stampId: id })}\n` : `${path}: stampId ${id}\n`,
      );
    });
}
