/**
 * `tandem bundle`: one `.tar.gz` with what a bug report needs, every secret redacted.
 */
import { readFile, writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { collectBundle, tarGz } from "../../bundle/index.js";
import { loadConfig } from "../../config/index.js";
import { osReason } from "../../config/os-reason.js";
import { BundleWriteError, UsageError } from "../../errors.js";
import { DEFAULT_CONFIG_PATH } from "../pair-config.js";

interface BundleOptions {
  config?: string;
  output?: string;
  json?: boolean;
  logBytes: string;
  timeout: string;
}

/** Registers `tandem bundle`. */
export function registerBundle(program: Command): void {
  program
    .command("bundle")
    .description("Write a support bundle (.tar.gz) for a bug report, with every secret redacted")
    .option(
      "-c, --config <file>",
      `this node's configuration; default $TANDEM_CONFIG or ${DEFAULT_CONFIG_PATH}`,
    )
    .option("-o, --output <file>", "the archive to write (default tandem-bundle-NODE-TIME.tar.gz)")
    .option(
      "--log-bytes <n>",
      "bytes kept from the end of the agent log and of each state file",
      "5242880",
    )
    .option("--timeout <ms>", "how long to wait for each agent", "5000")
    .option("--json", "print what was written as JSON")
    .addHelpText(
      "after",
      "\nHolds: both nodes' status, failover logs and metrics; the end of this node's agent log\n(log.file); its state files; its configuration; versions; the doctor's output.\nSecrets are replaced by <redacted> in every file. Exit 0 written, 1 not written, 2 bad usage or config.",
    )
    .action(async (opts: BundleOptions) => {
      process.exitCode = await bundleCommand(opts);
    });
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

async function bundleCommand(opts: BundleOptions): Promise<number> {
  const maxFileBytes = Number(opts.logBytes);
  if (!Number.isInteger(maxFileBytes) || maxFileBytes < 1024) {
    throw new UsageError(
      `--log-bytes "${opts.logBytes}" must be a whole number of bytes, at least 1024`,
    );
  }
  const timeoutMs = Number(opts.timeout);
  if (!(timeoutMs > 0)) {
    throw new UsageError(`--timeout "${opts.timeout}" must be a number of milliseconds above 0`);
  }
  const path = opts.config ?? process.env.TANDEM_CONFIG ?? DEFAULT_CONFIG_PATH;
  const loaded = await loadConfig(path);
  const rawText = await readFile(path, "utf8");
  const root = `tandem-bundle-${loaded.config.node.name}-${stamp(new Date())}`;
  const output = opts.output ?? `${root}.tar.gz`;
  const entries = await collectBundle(loaded, rawText, { root, maxFileBytes, timeoutMs });
  const archive = tarGz(entries);
  try {
    await writeFile(output, archive, { mode: 0o600, flag: "wx" });
  } catch (err) {
    throw new BundleWriteError(`cannot write the bundle "${output}": ${osReason(err)}`, {
      cause: err,
    });
  }
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify({ file: output, bytes: archive.length, files: entries.map((e) => e.name) }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(
      `wrote ${output} (${archive.length} bytes, ${entries.length} files, secrets redacted)\n`,
    );
  }
  return 0;
}
