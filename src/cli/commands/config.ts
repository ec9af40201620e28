/**
 * `tandem config check FILE` and `tandem config schema`.
 */
import type { Command } from "commander";
import { configJsonSchema, loadConfig } from "../../config/index.js";
import { isTandemError } from "../../errors.js";

/** Registers `tandem config` and its subcommands. */
export function registerConfig(program: Command): void {
  const config = program
    .command("config")
    .description("Check a configuration file or print its JSON Schema");
  config
    .command("check")
    .description("Validate a configuration file; exit 0 when valid, 2 when not")
    .argument("<file>", "the YAML configuration file")
    .option("--json", "print the result as JSON")
    .action(async (file: string, opts: { json?: boolean }) => {
      process.exitCode = await checkCommand(file, opts.json === true);
    });
  config
    .command("schema")
    .description("Print the JSON Schema of the configuration (for editors and CI)")
    .action(() => {
      process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    });
}

async function checkCommand(file: string, json: boolean): Promise<number> {
  try {
    const loaded = await loadConfig(file);
    const probes = Object.values(loaded.config.probes);
    const critical = probes.filter((p) => (p.severity ?? "critical") === "critical").length;
    if (json) {
      process.stdout.write(
        `${JSON.stringify({ valid: true, file, hash: loaded.hash, node: loaded.config.node.name, probes: probes.length, critical, warnings: loaded.warnings }, null, 2)}\n`,
      );
    } else {
      for (const w of loaded.warnings) process.stderr.write(`warning: ${w}\n`);
      process.stdout.write(
        `${file}: valid — node "${loaded.config.node.name}", API ${loaded.config.api.listen}, ${probes.length} probes (${critical} critical, ${probes.length - critical} warning)\n`,
      );
    }
    return 0;
  } catch (err) {
    if (!isTandemError(err)) throw err;
    if (json) {
      process.stdout.write(
        `${JSON.stringify({ valid: false, file, code: err.code, message: err.message, errors: err.details ?? [], error: { code: err.code, message: err.message } }, null, 2)}\n`,
      );
    } else {
      process.stderr.write(`${err.message}\n`);
    }
    return err.exitCode;
  }
}
