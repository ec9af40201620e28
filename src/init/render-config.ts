/**
 * The commented configuration file `tandem init` writes: this node, its peer, and a probe for
 * everything found on the machine, each comment saying where the value came from.
 */
import type { AsteriskDiscovery } from "./discover-asterisk.js";
import type { SpoolFileSystem } from "./spool-mounts.js";

/** What the written file is made from. */
export interface InitPlan {
  /** This node's name. */
  node: string;
  /** 1 for the primary, 2 for the secondary. */
  rank: number;
  /** This node's address as its peer and the load balancer reach it. */
  address: string;
  /** The API port, the same on both nodes. */
  port: number;
  /** The other node of the pair; without it the cluster section is left commented out. */
  peer?: { name: string; address: string } | undefined;
  /** The file holding the cluster secret (read through `${file:…}`). */
  secretFile: string;
  asterisk: AsteriskDiscovery;
  spools: SpoolFileSystem[];
  /** When the file is written, for its header. */
  now: Date;
}

/** One probe written to the file, for the command's summary. */
export interface PlannedProbe {
  name: string;
  kind: string;
  /** What it checks, e.g. `sip:127.0.0.1:5060`. */
  target: string;
  /** Where the setting was found. */
  from: string;
  severity: "critical" | "warning";
}

/** The rendered file and the probes in it. */
export interface RenderedConfig {
  text: string;
  probes: PlannedProbe[];
}

const q = (s: string): string => JSON.stringify(s);

/** Formats an IPv6 address for a URL (`[::1]`), an IPv4 address or a name as it is. */
function urlHost(address: string): string {
  return address.includes(":") && !address.startsWith("[") ? `[${address}]` : address;
}

/**
 * Renders the configuration for `plan`.
 *
 * @example
 * ```ts
 * const { text, probes } = renderConfig(plan);
 * probes.map((p) => p.name); // ["asterisk", "sip-udp", "ami", "db", "spool", "root-disk", "load", "memory"]
 * ```
 */
export function renderConfig(plan: InitPlan): RenderedConfig {
  const probes: PlannedProbe[] = [];
  const blocks: string[] = [];
  const add = (probe: PlannedProbe, comment: string[], body: string[]): void => {
    probes.push(probe);
    blocks.push(
      [...comment.map((c) => `  # ${c}`), `  ${probe.name}:`, ...body.map((b) => `    ${b}`)].join(
        "\n",
      ),
    );
  };
  const a = plan.asterisk;
  if (a.pidFile) {
    add(
      {
        name: "asterisk",
        kind: "process",
        target: a.pidFile.path,
        from: a.pidFile.from,
        severity: "critical",
      },
      [`Asterisk's process, through its pid file (${a.pidFile.from}).`],
      ["kind: process", `pidFile: ${q(a.pidFile.path)}`],
    );
  }
  const seen = new Map<string, number>();
  for (const t of a.sip) {
    const n = (seen.get(t.protocol) ?? 0) + 1;
    seen.set(t.protocol, n);
    const uri = `sip:${t.host}:${t.port}${t.protocol === "tcp" ? ";transport=tcp" : ""}`;
    add(
      {
        name: n === 1 ? `sip-${t.protocol}` : `sip-${t.protocol}-${n}`,
        kind: "sip",
        target: uri,
        from: t.from,
        severity: "critical",
      },
      [
        `Asterisk's SIP ${t.protocol.toUpperCase()} transport (${t.from}). Asterisk may answer an OPTIONS`,
        "from an unknown source with 401 or 404: either proves SIP is answered. Check what yours",
        "answers (tandem status shows it) and keep only that code.",
      ],
      ["kind: sip", `uri: ${q(uri)}`, "expect: [200, 401, 404]"],
    );
  }
  if (a.ami) {
    add(
      {
        name: "ami",
        kind: "tcp",
        target: `${a.ami.host}:${a.ami.port}`,
        from: a.ami.from,
        severity: "critical",
      },
      [`The Asterisk Manager Interface (${a.ami.from}), used by consoles and CTI.`],
      ["kind: tcp", `host: ${q(a.ami.host.replace(/^\[(.*)\]$/, "$1"))}`, `port: ${a.ami.port}`],
    );
  }
  if (a.database) {
    const d = a.database;
    const user = d.user ? `${encodeURIComponent(d.user)}@` : "";
    const url = `${d.driver}://${user}${urlHost(d.host)}:${d.port}/${encodeURIComponent(d.name ?? "")}`;
    add(
      { name: "db", kind: "sql", target: url, from: d.from, severity: "critical" },
      [
        `The database Asterisk uses (${d.from}). Its password is not copied here: put`,
        "TANDEM_DB_PASSWORD=... in /etc/default/tandem (mode 0640, root:tandem), the agent's",
        "EnvironmentFile in examples/systemd/tandem-agent.service.",
      ],
      [
        "kind: sql",
        `driver: ${d.driver}`,
        `url: ${q(url)}`,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own reference syntax.
        'password: "${TANDEM_DB_PASSWORD:-}"',
        "timeout: 800ms",
      ],
    );
  }
  for (const fs of plan.spools) {
    const top = a.spoolDir?.path === fs.dir;
    const name = top ? "spool" : `spool-${fs.dir.split("/").at(-1) ?? "dir"}`;
    const stamp = `${fs.dir.replace(/\/$/, "")}/.tandem-stamp`;
    add(
      {
        name,
        kind: "file",
        target: stamp,
        from: `${fs.fsType} file system at ${fs.mountPoint}`,
        severity: "critical",
      },
      [
        `${fs.dir} (${fs.fsType} mounted at ${fs.mountPoint}). Create the stamp once, on the`,
        `mounted file system: tandem stamp create ${stamp}`,
      ],
      ["kind: file", `stamp: ${q(stamp)}`, "interval: 5s", "timeout: 2s"],
    );
  }
  add(
    { name: "root-disk", kind: "disk", target: "/", from: "every node", severity: "warning" },
    ["Free space: reported, never a reason to fail over."],
    ["kind: disk", "severity: warning", "path: /", "maxUsedPercent: 90"],
  );
  add(
    {
      name: "load",
      kind: "load",
      target: "5 min per core",
      from: "every node",
      severity: "warning",
    },
    [],
    ["kind: load", "severity: warning", "maxPerCore: 2", "window: 5"],
  );
  add(
    {
      name: "memory",
      kind: "memory",
      target: "available memory",
      from: "every node",
      severity: "warning",
    },
    [],
    ["kind: memory", "severity: warning", "minAvailablePercent: 10"],
  );

  const text = [
    header(plan),
    nodeSection(plan),
    "probeDefaults:\n  interval: 1s\n  timeout: 500ms\n  fall: 2\n  rise: 2\n",
    `probes:\n${blocks.join("\n\n")}\n`,
    hooksSection(plan),
    clusterSection(plan),
  ]
    .filter(Boolean)
    .join("\n");
  return { text, probes };
}

function header(plan: InitPlan): string {
  const a = plan.asterisk;
  const found =
    a.files.length > 0
      ? `Read from ${a.etcDir}: ${a.files.join(", ")}.`
      : `No Asterisk configuration in ${a.etcDir}: add probes for what this node serves (docs/probes.md).`;
  return [
    `# Tandem configuration of node ${q(plan.node)}, written by \`tandem init\` at ${plan.now.toISOString()}.`,
    `# ${found}`,
    "# Check it with `tandem config check FILE`; every setting is in docs/config.md.",
    "",
  ].join("\n");
}

function nodeSection(plan: InitPlan): string {
  return `node:
  # The name the peer knows this node by (cluster.nodes below).
  name: ${q(plan.node)}
  # Fencing flags and the failover log: the systemd unit's StateDirectory.
  stateDir: /var/lib/tandem

api:
  # Monitor URLs for the load balancer, heartbeats from the peer, operator commands.
  listen: ${q(`0.0.0.0:${plan.port}`)}

log:
  level: info
  # Rotated by examples/logrotate/tandem; SIGHUP makes the agent reopen it.
  file: /var/log/tandem/agent.log
`;
}

function hooksSection(plan: InitPlan): string {
  if (plan.asterisk.files.length === 0) return "";
  return `# Before \`tandem recover\` gives the calls back to this node it asks this hook whether every
# queue member here is paused. Check the output of 'queue show' on your Asterisk version, and
# that the tandem user may run asterisk -rx (usermod -aG asterisk tandem), then uncomment:
#hooks:
#  queues-paused:
#    - command: |
#        unpaused=$(asterisk -rx 'queue show' | grep 'has taken' | grep -v '(paused')
#        if [ -n "$unpaused" ]; then echo "queue members not paused:"; echo "$unpaused"; exit 1; fi
#        echo "every queue member is paused"
#      timeout: 5s
`;
}

function clusterSection(plan: InitPlan): string {
  const secret = q(`\${file:${plan.secretFile}}`);
  const self = { name: plan.node, rank: plan.rank, address: plan.address };
  const peer = plan.peer
    ? { name: plan.peer.name, rank: plan.rank === 1 ? 2 : 1, address: plan.peer.address }
    : { name: "PEER-NAME", rank: plan.rank === 1 ? 2 : 1, address: "PEER-ADDRESS" };
  // Listed by rank, so both nodes' init write the same section (the agents compare its hash).
  const nodes = [self, peer]
    .sort((x, y) => x.rank - y.rank)
    .map(
      (n) =>
        `    - { name: ${q(n.name)}, rank: ${n.rank}, api: ${q(`http://${urlHost(n.address)}:${plan.port}`)} }`,
    );
  const body = `cluster:
  # Identical on both nodes: the agents compare its hash in every heartbeat.
  # The secret signs heartbeats; the same file, with the same content, on both nodes.
  secret: ${secret}
  # lan: heartbeats every 500 ms, the peer is lost after 3 missed.
  profile: lan
  failback:
    # A recovered primary waits for the operator (tandem recover).
    mode: manual
  nodes:
${nodes.join("\n")}
`;
  if (plan.peer) return body;
  return `# No peer given (tandem init --peer-name NAME --peer-address ADDRESS): this node runs alone.
# To pair it, fill in the peer and uncomment:
${body
  .split("\n")
  .filter(Boolean)
  .map((l) => `#${l}`)
  .join("\n")}
`;
}
