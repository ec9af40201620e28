/**
 * `tandem init`: write a commented configuration for this server.
 */
import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import { type InitResult, runInit } from "../../init/index.js";

/** Options of `tandem init` as commander parses them. */
interface InitCliOptions {
  output: string;
  name?: string;
  rank: string;
  address?: string;
  port: string;
  peerName?: string;
  peerAddress?: string;
  secretFile: string;
  asteriskEtc: string;
  force?: boolean;
  json?: boolean;
}

/**
 * Registers `tandem init`.
 *
 * @example
 * ```sh
 * tandem init --rank 1 --address 10.0.0.11 --peer-name pbx-b --peer-address 10.0.0.12
 * ```
 */
export function registerInit(program: Command): void {
  program
    .command("init")
    .description(
      "Write a commented configuration for this server: this node, its peer, and probes for what it finds (Asterisk's pid file, SIP and AMI ports, spool file systems, database)",
    )
    .option("-o, --output <file>", "where to write it (- prints it)", "/etc/tandem/tandem.yaml")
    .option("--name <name>", "this node's name (default: the host name)")
    .option("--rank <n>", "1 for the primary, 2 for the secondary", "1")
    .option(
      "--address <ip>",
      "this node's address as the peer and the load balancer reach it (default: the first non-loopback IPv4 address)",
    )
    .option("--port <n>", "the agents' API port, the same on both nodes", "7701")
    .option("--peer-name <name>", "the other node's name (its --name)")
    .option("--peer-address <ip>", "the other node's address")
    .option(
      "--secret-file <path>",
      "the cluster secret; created with a random secret when missing (then copy it to the peer)",
      "/etc/tandem/cluster.secret",
    )
    .option("--asterisk-etc <dir>", "Asterisk's configuration directory", "/etc/asterisk")
    .option("--force", "replace an existing configuration file")
    .option("--json", "print what was found and written as JSON")
    .addHelpText(
      "after",
      `
Nothing is started and nothing is probed: init only reads Asterisk's configuration files and
the mount table. The file is checked with the agent's own loader before it is written, so it
passes \`tandem config check\`. Run it on both nodes with the roles swapped, e.g.
  on pbx-a: tandem init --name pbx-a --rank 1 --address 10.0.0.11 --peer-name pbx-b --peer-address 10.0.0.12
  on pbx-b: tandem init --name pbx-b --rank 2 --address 10.0.0.12 --peer-name pbx-a --peer-address 10.0.0.11
and copy the secret file from the first node to the second before running it there.

Exit codes: 0 written, 1 could not write (TANDEM_ERR_INIT_WRITE), 2 bad usage or the file exists.`,
    )
    .action(async (o: InitCliOptions) => {
      const result = await runInit(toInitOptions(o));
      if (result.file === "-") process.stdout.write(result.text);
      else if (o.json) process.stdout.write(`${JSON.stringify(summary(result), null, 2)}\n`);
      else process.stdout.write(describe(result));
    });
}

function integer(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} "${value}" is not a whole number`);
  return Number(value);
}

function toInitOptions(o: InitCliOptions) {
  if ((o.peerName === undefined) !== (o.peerAddress === undefined)) {
    throw new UsageError(
      "--peer-name and --peer-address go together: give both, or neither for a node alone",
    );
  }
  return {
    output: o.output,
    node: o.name,
    rank: integer("--rank", o.rank),
    address: o.address,
    port: integer("--port", o.port),
    peer: o.peerName && o.peerAddress ? { name: o.peerName, address: o.peerAddress } : undefined,
    secretFile: o.secretFile,
    asteriskEtc: o.asteriskEtc,
    force: o.force === true,
  };
}

function summary(r: InitResult) {
  const { text: _text, ...rest } = r;
  return rest;
}

function describe(r: InitResult): string {
  const peer = r.peer ? `, peer "${r.peer.name}" at ${r.peer.address}` : ", no peer (alone)";
  const found =
    r.asterisk.files.length > 0
      ? `read ${r.asterisk.files.join(", ")} in ${r.asterisk.etcDir}`
      : `no Asterisk configuration in ${r.asterisk.etcDir}: add probes for what this node serves`;
  const width = Math.max(...r.probes.map((p) => p.name.length));
  const lines = [
    `wrote ${r.file} for node "${r.node}" (rank ${r.rank}, address ${r.address}${peer})`,
    found,
    ...r.probes.map(
      (p) =>
        `  ${p.name.padEnd(width)}  ${p.kind.padEnd(7)}  ${p.severity.padEnd(8)}  ${p.target}  (${p.from})`,
    ),
  ];
  if (r.secretCreated) {
    lines.push(
      `created ${r.secretFile} with a new random secret: copy it to "${r.peer?.name}" (same path, mode 0640, group tandem)`,
    );
  }
  const stamps = r.probes.filter((p) => p.kind === "file");
  const next = [
    ...stamps.map((p) => `tandem stamp create ${p.target}`),
    `tandem config check ${r.file}`,
  ];
  lines.push(`next: ${next.join("\n      ")}`);
  return `${lines.join("\n")}\n`;
}
