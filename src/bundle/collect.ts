/**
 * What goes into a support bundle: both nodes' status, failover logs and metrics, this node's
 * agent log (its end), state files and configuration, versions, and the doctor's findings.
 * Everything passes through {@link redactText} on the way in.
 */
import { open, readdir, readFile, stat } from "node:fs/promises";
import { arch, hostname, release, type } from "node:os";
import { join } from "node:path";
import { palette } from "../cli/colors.js";
import type { LoadedConfig } from "../config/load.js";
import { OperatorClient } from "../control/client.js";
import { renderChecks, runDoctor } from "../doctor/index.js";
import { VERSION } from "../version.js";
import { redactText, secretsOf } from "./redact.js";
import type { TarEntry } from "./tar.js";

/** Options of {@link collectBundle}. */
export interface CollectOptions {
  /** Bytes kept from the end of the agent log and of each state file. @default 5 MiB */
  maxFileBytes?: number;
  /** How long to wait for each agent. @default 5000 */
  timeoutMs?: number;
  /** Failover-log entries asked of each node. @default 2000 */
  logEntries?: number;
  /** Top folder inside the archive. */
  root: string;
}

/** The last `max` bytes of a file, with a first line saying what was cut. */
async function tail(path: string, max: number): Promise<string> {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - max);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    const text = buffer.toString("utf8");
    return start > 0 ? `[first ${start} bytes of ${size} left out]\n${text}` : text;
  } finally {
    await handle.close();
  }
}

async function json(what: () => Promise<unknown>): Promise<string> {
  try {
    return `${JSON.stringify(await what(), null, 2)}\n`;
  } catch (err) {
    return `${JSON.stringify({ error: (err as Error).message }, null, 2)}\n`;
  }
}

async function osName(): Promise<string> {
  const text = await readFile("/etc/os-release", "utf8").catch(() => "");
  return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1] ?? `${type()} ${release()}`;
}

/**
 * Gathers the bundle's files for the node whose configuration `loaded` is.
 *
 * @example
 * ```ts
 * const entries = await collectBundle(await loadConfig(path), rawText, { root: "tandem-bundle-a" });
 * writeFileSync("a.tar.gz", tarGz(entries));
 * ```
 */
export async function collectBundle(
  loaded: LoadedConfig,
  rawText: string,
  options: CollectOptions,
): Promise<TarEntry[]> {
  const { config } = loaded;
  const max = options.maxFileBytes ?? 5 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 5000;
  const secrets = await secretsOf(config, rawText);
  const files: Array<{ name: string; text: string }> = [];
  const add = (name: string, text: string) => files.push({ name, text });

  add(
    "versions.json",
    `${JSON.stringify({ tandem: VERSION, node: process.version, os: await osName(), kernel: `${type()} ${release()}`, arch: arch(), hostname: hostname(), node_name: config.node.name, collected: new Date().toISOString() }, null, 2)}\n`,
  );
  add("config/tandem.yaml", rawText);
  add(
    "config/check.json",
    `${JSON.stringify({ file: loaded.path, hash: loaded.hash, clusterHash: loaded.clusterHash, warnings: loaded.warnings }, null, 2)}\n`,
  );

  const nodes = config.cluster?.nodes ?? [
    {
      name: config.node.name,
      api: `http://${config.api.listen.replace(/^0\.0\.0\.0:/, "127.0.0.1:")}`,
    },
  ];
  await Promise.all(
    nodes.map(async (n) => {
      const client = new OperatorClient({
        name: n.name,
        url: n.api,
        secret: config.cluster?.secret ?? "x".repeat(16),
        timeoutMs,
      });
      const [status, log, metrics] = await Promise.all([
        json(() => client.status()),
        config.cluster ? json(() => client.log(options.logEntries ?? 2000)) : null,
        fetch(`${client.url}/metrics`, { signal: AbortSignal.timeout(timeoutMs) })
          .then((r) => r.text())
          .catch((err: Error) => `# not read: ${err.message}\n`),
      ]);
      add(`status/${n.name}.json`, status);
      if (log) add(`failover-log/${n.name}.json`, log);
      add(`metrics/${n.name}.txt`, metrics);
    }),
  );

  if (config.log.file) {
    add(
      "logs/agent.log",
      await tail(config.log.file, max).catch(
        (err: Error) => `[cannot read ${config.log.file}: ${err.message}]\n`,
      ),
    );
  } else {
    add(
      "logs/README.txt",
      "log.file is not set: the agent logs to standard output. Attach `journalctl -u tandem-agent --since -1d` as well.\n",
    );
  }

  const stateDir = config.node.stateDir;
  const names = await readdir(stateDir).catch(() => [] as string[]);
  for (const name of names.sort()) {
    const path = join(stateDir, name);
    if (!(await stat(path).catch(() => null))?.isFile()) continue;
    add(
      `state/${name}`,
      await tail(path, max).catch((err: Error) => `[cannot read: ${err.message}]\n`),
    );
  }

  const checks = await runDoctor(config, { timeoutMs });
  add("doctor.json", `${JSON.stringify(checks, null, 2)}\n`);
  add("doctor.txt", renderChecks(config.node.name, checks, palette(false)));
  add(
    "README.txt",
    [
      `Tandem support bundle of node "${config.node.name}", ${new Date().toISOString()}.`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: names the config's reference syntax.
      "Secrets (cluster.secret, passwords, tokens, ${file:…} and ${NAME} values, passwords in URLs)",
      "are replaced by <redacted> in every file. Check before you send it anyway.",
      "",
    ].join("\n"),
  );
  const mtime = new Date();
  return files
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((f) => ({
      name: `${options.root}/${f.name}`,
      data: Buffer.from(redactText(f.text, secrets)),
      mtime,
    }));
}
