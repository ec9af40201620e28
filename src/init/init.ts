/**
 * `tandem init`: looks at this server, writes a commented configuration for it, and proves the
 * file valid with the same loader the agent uses before writing it.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { hostname, networkInterfaces } from "node:os";
import { dirname, resolve } from "node:path";
import { parseConfigText } from "../config/index.js";
import { osReason } from "../config/os-reason.js";
import { nodeNameFromHost } from "../config/semantics.js";
import { InitWriteError, UsageError } from "../errors.js";
import { discoverAsterisk } from "./discover-asterisk.js";
import { type PlannedProbe, renderConfig } from "./render-config.js";
import { ensureSecretFile } from "./secret-file.js";
import { spoolFileSystems } from "./spool-mounts.js";

/** Options of {@link runInit}. */
export interface InitOptions {
  /** Where to write the configuration; `-` returns the text without writing. */
  output: string;
  /** This node's name. @default the host name */
  node?: string | undefined;
  /** 1 primary, 2 secondary. @default 1 */
  rank?: number;
  /** This node's address as the peer reaches it. @default the first non-loopback IPv4 address */
  address?: string | undefined;
  /** The agents' API port. @default 7701 */
  port?: number;
  /** The other node; without it the cluster section is written commented out. */
  peer?: { name: string; address: string } | undefined;
  /** @default "/etc/tandem/cluster.secret" */
  secretFile?: string;
  /** @default "/etc/asterisk" */
  asteriskEtc?: string;
  /** Replace an existing output file. @default false */
  force?: boolean;
  /** Mount table to read. @default "/proc/self/mounts" */
  mountsFile?: string;
  now?: Date;
}

/** What {@link runInit} did. */
export interface InitResult {
  /** The file written, or `-`. */
  file: string;
  /** The configuration text. */
  text: string;
  node: string;
  rank: number;
  address: string;
  peer: { name: string; address: string } | null;
  secretFile: string;
  /** True when init created the secret file (copy it to the peer). */
  secretCreated: boolean;
  asterisk: { etcDir: string; files: string[] };
  probes: PlannedProbe[];
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

function firstAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) if (i.family === "IPv4" && !i.internal) return i.address;
  }
  return "127.0.0.1";
}

function checkName(what: string, name: string): void {
  if (!NAME_RE.test(name)) {
    throw new UsageError(
      `${what} "${name}" is not a valid node name: expected letters, digits, '.', '_' or '-' (at most 63)`,
    );
  }
}

/**
 * Writes the configuration of this server.
 *
 * @throws UsageError for a bad option or an existing file without `force`.
 * @throws InitWriteError when the file or the secret cannot be written.
 *
 * @example
 * ```ts
 * const result = await runInit({ output: "/etc/tandem/tandem.yaml", rank: 1,
 *   peer: { name: "pbx-b", address: "10.0.0.12" } });
 * result.probes.map((p) => p.name); // ["asterisk", "sip-udp", "ami", ...]
 * ```
 */
export async function runInit(options: InitOptions): Promise<InitResult> {
  const node = options.node ?? nodeNameFromHost(hostname());
  const rank = options.rank ?? 1;
  const port = options.port ?? 7701;
  checkName("--name", node);
  if (rank !== 1 && rank !== 2) throw new UsageError(`--rank "${rank}" is not 1 or 2`);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new UsageError(`--port "${port}" is not a port from 1 to 65535`);
  if (options.peer) {
    checkName("--peer-name", options.peer.name);
    if (options.peer.name === node)
      throw new UsageError(
        `--peer-name "${node}" is this node's own name: the two nodes need different names`,
      );
  }
  const toStdout = options.output === "-";
  const file = toStdout ? "-" : resolve(options.output);
  if (!toStdout && existsSync(file) && options.force !== true) {
    throw new UsageError(`${file} exists: give --force to replace it, or -o another path`);
  }
  const secretFile = resolve(options.secretFile ?? "/etc/tandem/cluster.secret");
  const asterisk = discoverAsterisk(options.asteriskEtc ?? "/etc/asterisk");
  const spools = asterisk.spoolDir
    ? spoolFileSystems(asterisk.spoolDir.path, options.mountsFile)
    : [];
  const address = options.address ?? firstAddress();
  const { text, probes } = renderConfig({
    node,
    rank,
    address,
    port,
    peer: options.peer,
    secretFile,
    asterisk,
    spools,
    now: options.now ?? new Date(),
  });
  const secretCreated = options.peer ? ensureSecretFile(secretFile) : false;
  // The agent's own loader: a file init writes always passes `tandem config check`.
  await parseConfigText(text, file, { baseDir: toStdout ? process.cwd() : dirname(file) });
  if (!toStdout) writeAtomically(file, text);
  return {
    file,
    text,
    node,
    rank,
    address,
    peer: options.peer ?? null,
    secretFile,
    secretCreated,
    asterisk: { etcDir: asterisk.etcDir, files: asterisk.files },
    probes,
  };
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o750 });
    writeFileSync(tmp, text, { mode: 0o640 });
    renameSync(tmp, file);
  } catch (err) {
    throw new InitWriteError(`cannot write the configuration "${file}": ${osReason(err)}`, {
      cause: err,
    });
  }
}
