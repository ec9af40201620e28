/**
 * The configuration schema: the single source of truth for the typed config, the JSON Schema
 * (`tandem config schema`, `schema/tandem.schema.json`) and the reference (`docs/config.md`).
 *
 * Conventions that the error formatter and the reference generator rely on:
 * - every field has a `description` (the reference table shows it; a test checks none is missing);
 * - custom messages start with "expected …" and leave out the value: the formatter adds
 *   `, got <value>` itself so that secrets can be hidden in one place;
 * - defaults of durations are given with `prefault` in input form (`"1s"`), so the JSON Schema
 *   and the reference show the default as it would be written in the file.
 */
import { isIP } from "node:net";
import { z } from "zod";
import { hooksSchema } from "../hooks/schema.js";
import { asteriskSchema } from "./asterisk-schema.js";
import { durationField } from "./duration-field.js";
import { quorumSchema } from "./quorum-schema.js";
import { restartSchema } from "./restart-schema.js";
import { operatorsSchema, reportsSchema, uiSchema } from "./ui-schema.js";
import { upstreamSchema } from "./upstream-schema.js";

const duration = durationField;

const count = z.number().int().min(1).max(1000);

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

const percent = z.number().min(0).max(100);

/**
 * A file-system path. A relative path is taken relative to the configuration file's directory
 * (never the agent's working directory, which depends on how it was started).
 */
const configPath = z.string().min(1);

/** `host:port` (IPv6 as `[::1]:7701`). */
const LISTEN_PATTERN = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):\d{1,5}$/;
const listenAddress = z
  .string()
  .regex(LISTEN_PATTERN, {
    message: 'expected "host:port", e.g. "127.0.0.1:7701" or "[::1]:7701"',
  })
  // Only judge the port once the shape is right, so a malformed address gets one message.
  .refine((s) => !LISTEN_PATTERN.test(s) || Number(s.slice(s.lastIndexOf(":") + 1)) <= 65535, {
    message: "expected a port between 0 and 65535",
  });

/** `api.tls`: HTTPS for the API and the peer link. */
const apiTls = z
  .strictObject({
    cert: configPath.meta({
      description:
        "PEM file with this node's certificate (then any intermediate certificates). It serves the API and, as a client certificate, signs this node in to its peer.",
    }),
    key: configPath.meta({ description: "PEM file with the certificate's private key." }),
    ca: configPath.optional().meta({
      description:
        "PEM file with the CA certificate(s) that signed the peers' certificates: verifies the peer's API and, with `requireClientCert`, the clients of this node. Default: the system's trusted CAs.",
    }),
    requireClientCert: z.boolean().default(false).meta({
      description:
        "Accept peer requests (`/v1/peer/*`) and operator requests (`/v1/operator/*`) only from clients with a certificate signed by `ca`. Monitor URLs, status, metrics and events stay open to clients without one (load balancers).",
    }),
  })
  .meta({
    description:
      "Serve the API over HTTPS. The peers' `api` URLs in `cluster.nodes` then start with `https://`. See docs/tls.md.",
  });

/** Fields every probe has. */
const probeCommon = {
  severity: z.enum(["critical", "warning"]).optional().meta({
    description:
      "`critical`: the node cannot serve while this probe is down. `warning`: reported, never changes health. Default `critical`.",
  }),
  interval: duration("Time between checks. Default from `probeDefaults`.").optional(),
  timeout: duration(
    "A check that takes longer counts as failed. Default from `probeDefaults`.",
  ).optional(),
  fall: count.optional().meta({
    description:
      "Consecutive failed checks that mark the probe down. Default from `probeDefaults`.",
  }),
  rise: count.optional().meta({
    description:
      "Consecutive good checks that mark a down probe up again. Default from `probeDefaults`.",
  }),
  description: z.string().optional().meta({ description: "Free text shown in `tandem status`." }),
  restart: restartSchema.optional(),
};

const httpProbe = z
  .strictObject({
    kind: z.literal("http"),
    ...probeCommon,
    url: z
      .url({ protocol: /^https?$/, error: 'expected a URL starting with "http://" or "https://"' })
      .meta({ description: "URL to request (http or https)." }),
    method: z
      .enum(["GET", "HEAD", "POST", "OPTIONS"])
      .default("GET")
      .meta({ description: "HTTP method." }),
    headers: z
      .record(z.string(), z.string())
      .optional()
      .meta({ description: "Extra request headers." }),
    expectStatus: z
      .array(z.number().int().min(100).max(599))
      .min(1)
      .optional()
      .meta({ description: "Accepted status codes. Default: any 2xx or 3xx." }),
    expectBody: z
      .string()
      .optional()
      .meta({ description: "A substring the response body must contain." }),
    insecure: z
      .boolean()
      .default(false)
      .meta({ description: "Accept any TLS certificate (https only)." }),
  })
  .meta({
    title: "http probe",
    description: "An HTTP or HTTPS request that must answer with an accepted status.",
  });

const tcpProbe = z
  .strictObject({
    kind: z.literal("tcp"),
    ...probeCommon,
    host: z
      .string()
      .min(1)
      .default("127.0.0.1")
      .meta({ description: "Host name or IP address to connect to." }),
    port: z.number().int().min(1).max(65535).meta({ description: "TCP port to connect to." }),
  })
  .meta({ title: "tcp probe", description: "A TCP connection that must be accepted." });

const sqlProbe = z
  .strictObject({
    kind: z.literal("sql"),
    ...probeCommon,
    driver: z
      .enum(["postgres", "mysql"])
      .meta({ description: "`postgres`, or `mysql` for MySQL and MariaDB." }),
    url: z
      .string()
      .regex(/^(postgres|postgresql|mysql|mariadb):\/\//, {
        message: 'expected a URL starting with "postgres://" or "mysql://"',
      })
      .meta({ description: "Connection URL, e.g. `mysql://asterisk@127.0.0.1:3306/asterisk`." }),
    password: z
      .string()
      .optional()
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own reference syntax.
      .meta({ description: "Password, kept out of the URL; use `${ENV}` or `${file:PATH}`." }),
    query: z.string().min(1).default("SELECT 1").meta({ description: "Query to run." }),
    expect: z.string().optional().meta({
      description: "Expected value of the first column of the first row, compared as text.",
    }),
    connection: z.enum(["persistent", "per-check"]).default("persistent").meta({
      description:
        "`persistent`: keep one connection open between checks and replace it after any failure, timeout or abort (cheap; a check proves the server answers queries). `per-check`: open a new connection every check (also proves the server still accepts new connections, e.g. is not at `max_connections`; costs more CPU and server work).",
    }),
  })
  .meta({
    title: "sql probe",
    description: "A query against PostgreSQL, MySQL or MariaDB that must succeed.",
  });

const fileProbe = z
  .strictObject({
    kind: z.literal("file"),
    ...probeCommon,
    stamp: configPath.meta({
      description: "Path of the stamp file that proves the right file system is mounted.",
    }),
    stampId: z.string().optional().meta({
      description:
        "Expected identity written in the stamp file by `tandem stamp create`. Default: the identity (content, device, inode) seen at agent start.",
    }),
    testDir: configPath.optional().meta({
      description:
        "Directory for the per-host write/read test file. Default: the stamp file's directory.",
    }),
    write: z
      .boolean()
      .default(true)
      .meta({ description: "Write and read back `.tandem-<host>` in `testDir`." }),
  })
  .meta({
    title: "file probe",
    description:
      "A shared file system that must be mounted (stamp file present) and, by default, writable.",
  });

const diskProbe = z
  .strictObject({
    kind: z.literal("disk"),
    ...probeCommon,
    path: z
      .string()
      .min(1)
      .default("/")
      .meta({ description: "A path on the file system to measure." }),
    maxUsedPercent: percent
      .default(90)
      .meta({ description: "Highest share of used space, in percent." }),
  })
  .meta({ title: "disk probe", description: "Free space on a file system." });

const loadProbe = z
  .strictObject({
    kind: z.literal("load"),
    ...probeCommon,
    maxPerCore: z
      .number()
      .positive()
      .default(2)
      .meta({ description: "Highest load average per CPU core." }),
    window: z
      .literal([1, 5, 15])
      .default(1)
      .meta({ description: "Load average window in minutes: 1, 5 or 15." }),
  })
  .meta({ title: "load probe", description: "The system load average, per CPU core." });

const memoryProbe = z
  .strictObject({
    kind: z.literal("memory"),
    ...probeCommon,
    minAvailablePercent: percent
      .default(10)
      .meta({ description: "Lowest share of available memory, in percent." }),
  })
  .meta({ title: "memory probe", description: "Available memory." });

const processProbe = z
  .strictObject({
    kind: z.literal("process"),
    ...probeCommon,
    pidFile: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "A pid file whose process must be alive." }),
    name: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "A process name (as in `/proc/PID/comm`) that must be running." }),
  })
  .refine((p) => (p.pidFile === undefined) !== (p.name === undefined), {
    message: "expected exactly one of pidFile or name",
  })
  .meta({
    title: "process probe",
    description: "A process that must be running: give exactly one of `pidFile` or `name`.",
  });

const commandProbe = z
  .strictObject({
    kind: z.literal("command"),
    ...probeCommon,
    command: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .meta({ description: "A string run by `/bin/sh -c`, or an argument list run directly." }),
    env: z
      .record(z.string(), z.string())
      .optional()
      .meta({ description: "Extra environment variables." }),
    cwd: configPath.optional().meta({
      description: "Working directory of the command. Default: the configuration file's directory.",
    }),
  })
  .meta({
    title: "command probe",
    description:
      "A Nagios/Monitoring-Plugins style check: exit 0 OK, 1 WARNING (counts as up), 2 CRITICAL and 3 UNKNOWN fail.",
  });

const sipProbe = z
  .strictObject({
    kind: z.literal("sip"),
    ...probeCommon,
    uri: z
      .string()
      .regex(/^sip:([^@;?\s]+@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)(:\d{1,5})?(;[^;?\s]+)*$/, {
        message: 'expected a SIP URI such as "sip:127.0.0.1:5060;transport=udp"',
      })
      .refine((uri) => !/;transport=(?!(udp|tcp)(;|$))/i.test(uri), {
        message: 'expected transport "udp" or "tcp"',
      })
      .meta({
        description:
          "Where to send OPTIONS: `sip:[user@]host[:port][;transport=udp|tcp]`. Port 5060 and UDP unless given.",
      }),
    expect: z
      .array(z.number().int().min(100).max(699))
      .min(1)
      .default([200])
      .meta({ description: "Accepted final status codes." }),
  })
  .meta({
    title: "sip probe",
    description: "A SIP OPTIONS request that must get a final answer with an accepted status.",
  });

const asteriskProbe = z
  .strictObject({
    kind: z.literal("asterisk"),
    ...probeCommon,
    host: z
      .string()
      .min(1)
      .default("127.0.0.1")
      .meta({ description: "Address of Asterisk's AMI." }),
    port: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .default(5038)
      .meta({ description: "AMI port (`port` in manager.conf)." }),
    username: z.string().min(1).meta({ description: "AMI user with `read = system,call,agent`." }),
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own reference syntax.
    secret: z.string().min(1).meta({ description: "Its secret; use `${ENV}` or `${file:PATH}`." }),
    minEndpoints: z.number().int().min(1).optional().meta({
      description:
        "At least this many pjsip endpoints reachable (device state neither Unavailable nor Invalid).",
    }),
    queue: z
      .strictObject({
        name: z.string().min(1).meta({ description: "Queue name (a section of queues.conf)." }),
        minMembers: z
          .number()
          .int()
          .min(0)
          .default(1)
          .meta({ description: "At least this many members logged in (not unavailable)." }),
      })
      .optional()
      .meta({ description: "A queue that must exist with enough members." }),
    maxChannels: z
      .number()
      .int()
      .min(0)
      .optional()
      .meta({ description: "At most this many active channels." }),
  })
  .meta({
    title: "asterisk probe",
    description:
      "Asterisk's manager interface (AMI) logs in and answers a Ping within the timeout; optional thresholds on endpoints, a queue's members and channels.",
  });

/** One probe definition, discriminated by `kind`. */
export const probeSchema = z.discriminatedUnion("kind", [
  httpProbe,
  tcpProbe,
  sqlProbe,
  fileProbe,
  diskProbe,
  loadProbe,
  memoryProbe,
  processProbe,
  commandProbe,
  sipProbe,
  asteriskProbe,
]);

const probeDefaults = z
  .strictObject({
    interval: duration("Time between checks.").prefault("1s"),
    timeout: duration("A check that takes longer counts as failed.").prefault("500ms"),
    fall: count
      .default(2)
      .meta({ description: "Consecutive failed checks that mark a probe down." }),
    rise: count
      .default(2)
      .meta({ description: "Consecutive good checks that mark a down probe up again." }),
  })
  .meta({ description: "Defaults for the probe fields of the same name." });

const heartbeatOverrides = z
  .strictObject({
    interval: duration("Time between heartbeats to each peer.").optional(),
    timeout: duration("A heartbeat not answered within this is missed.").optional(),
    fall: count
      .optional()
      .meta({ description: "Missed heartbeats in a row that mark a peer lost." }),
    rise: count
      .optional()
      .meta({ description: "Answered heartbeats in a row that mark a lost peer found again." }),
  })
  .meta({ description: "Overrides of the profile's heartbeat timers." });

const clusterNode = z
  .strictObject({
    name: z
      .string()
      .regex(NAME_PATTERN, { message: "expected letters, digits, '.', '_' or '-' (at most 63)" })
      .meta({ description: "The node's name, as in its own `node.name`." }),
    rank: z
      .number()
      .int()
      .min(1)
      .max(99)
      .meta({ description: "1 for the primary, 2 for the secondary: lower ranks win ties." }),
    api: z
      .url({
        protocol: /^https?$/,
        error: 'expected an http(s) URL such as "http://10.0.0.11:7701"',
      })
      .meta({ description: "Base URL of the node's agent API, as its peer reaches it." }),
  })
  .meta({ description: "A member of the pair." });

const witness = z
  .discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("http"),
      url: z.url({ protocol: /^https?$/ }).meta({
        description:
          "Any URL both nodes can reach; a 2xx or 3xx answer proves this node is not the isolated one.",
      }),
    }),
    z.strictObject({
      kind: z.literal("load-balancer"),
      url: z.url({ protocol: /^https?$/ }).meta({
        description:
          "A URL served through the load balancer's virtual IP; the answering node's `X-Tandem-Node` header (or body) names the node the VIP routes to.",
      }),
    }),
  ])
  .meta({ description: "A third party that tells an isolated node from a lost peer." });

/** The `cluster` section: identical on every node (agents compare its hash). */
export const clusterSchema = z
  .strictObject({
    mode: z.enum(["hot-standby", "active-active"]).default("hot-standby").meta({
      description:
        "`hot-standby`: only the ACTIVE node takes traffic. `active-active`: both healthy nodes take traffic and traffic at the secondary means the primary is rejecting calls.",
    }),
    secret: z
      .string()
      .min(16, { error: "expected a shared secret of at least 16 characters" })
      .meta({
        description:
          "Shared secret that signs heartbeats (HMAC-SHA256). Keep it out of the file with a file or environment reference.",
      }),
    profile: z.enum(["tight", "fast", "lan", "wan"]).default("lan").meta({
      description:
        "Heartbeat timers: `tight` a beat every 20 ms, lost after 130 ms of silence (keepalived `advert_int 0.05` class; dedicated link, agents at nice -10), `fast` 100 ms × 3 (sub-second failover on one LAN), `lan` 500 ms × 3, `wan` 2 s × 4.",
    }),
    heartbeat: heartbeatOverrides.prefault({}),
    failback: z
      .strictObject({
        mode: z.enum(["manual", "auto"]).default("manual").meta({
          description:
            "`manual`: a recovered primary waits for the operator (`tandem recover`). `auto`: it returns after `rise` healthy heartbeats and `minStable`.",
        }),
        rise: count
          .default(10)
          .meta({ description: "Healthy heartbeats in a row before an automatic failback." }),
        minStable: duration("Continuous health required before an automatic failback.").prefault(
          "60s",
        ),
      })
      .prefault({})
      .meta({ description: "How the primary takes traffic back after a failover." }),
    witness: witness.optional(),
    quorum: quorumSchema.optional(),
    onActiveHookFailure: z.enum(["step-down", "stay"]).default("stay").meta({
      description: "What a node does when a hook run on becoming ACTIVE fails.",
    }),
    nodes: z
      .array(clusterNode)
      .min(2, { error: "expected at least two nodes" })
      .max(99, { error: "expected at most 99 nodes" })
      .meta({
        description:
          "The nodes, each with its rank and API address: exactly two without a quorum, two or more with one.",
      }),
  })
  .meta({ description: "The pair this node belongs to. Must be identical on both nodes." });

const sipListener = z
  .strictObject({
    address: z
      .string()
      .refine((a) => isIP(a) !== 0, {
        message: 'expected an IPv4 or IPv6 address such as "0.0.0.0", "10.0.0.11" or "::"',
      })
      .default("0.0.0.0")
      .meta({
        description:
          "IP address to bind. The default takes every IPv4 address, since upstream probes come from other machines; give one address (not a floating one the node may not hold) to narrow it.",
      }),
    port: z.number().int().min(0).max(65535).default(5060).meta({
      description:
        "Port to bind. On a server where Asterisk already holds 5060, choose another (e.g. 5070) and point the upstream at it. 0 takes any free port (`tandem status` shows which).",
    }),
    transports: z
      .array(z.enum(["udp", "tcp"]))
      .min(1)
      .refine((t) => new Set(t).size === t.length, { message: "expected each transport once" })
      .default(["udp", "tcp"])
      .meta({ description: "Transports to listen on." }),
    whenNotServing: z.enum(["reject", "silent"]).default("reject").meta({
      description:
        "While the node is not serving: `reject` answers OPTIONS and INVITE with 503; `silent` does not answer at all (for monitors that count any answer as reachable, such as Asterisk chan_sip `qualify`).",
    }),
    retryAfter: z
      .number()
      .int()
      .min(0)
      .max(86_400)
      .default(30)
      .meta({ description: "Seconds in the `Retry-After` header of a 503; 0 leaves it out." }),
  })
  .meta({ description: "One address and port the responder answers on." });

/** The `sip` section: the SIP OPTIONS responder that tells the upstream whether this node serves. */
export const sipSchema = z
  .strictObject({
    listeners: z
      .array(sipListener)
      .min(1, { error: "expected at least one listener" })
      .superRefine((listeners, ctx) => {
        const seen = new Map<string, number>();
        listeners.forEach((l, i) => {
          for (const t of new Set(l.transports)) {
            const key = `${t} ${l.address}:${l.port}`;
            const first = seen.get(key);
            if (first === undefined) seen.set(key, i);
            else {
              ctx.addIssue({
                code: "custom",
                path: [i, "port"],
                message: `expected each address, port and transport once: ${key} is also listener ${first}'s`,
              });
            }
          }
        });
      })
      .meta({ description: "Where the responder listens." }),
  })
  .meta({
    description:
      "The SIP OPTIONS responder: 200 while this node serves, 503 or silence while it does not, so a PBX, an SBC or a Kamailio dispatcher can probe it.",
  });

/** The whole configuration file. */
export const configSchema = z
  .strictObject({
    node: z
      .strictObject({
        name: z
          .string()
          .regex(NAME_PATTERN, {
            message: "expected letters, digits, '.', '_' or '-' (at most 63)",
          })
          .optional()
          .meta({ description: "This node's name. Default: the host name." }),
        stateDir: z
          .string()
          .min(1)
          .default("/var/lib/tandem")
          .meta({ description: "Directory where the agent keeps its state." }),
        nice: z.number().int().min(-20).max(19).default(-10).meta({
          description:
            "Scheduling priority the agent asks for at start (-20 highest, 19 lowest). Above the PBX's and the loader's, heartbeats are answered in time when the CPUs are saturated; raising it needs root or CAP_SYS_NICE (logged when refused).",
        }),
      })
      .prefault({})
      .meta({ description: "This node." }),
    api: z
      .strictObject({
        listen: listenAddress
          .default("127.0.0.1:7701")
          .meta({ description: "Address of the HTTP API and monitor URLs." }),
        bodyLimit: z
          .number()
          .int()
          .min(1024)
          .max(1_048_576)
          .default(65_536)
          .meta({ description: "Largest request body in bytes." }),
        requestTimeout: duration(
          "Longest time a client may take to send a whole request (headers and body); the connection is then answered 408 and closed, within 0.25 s of the limit.",
        ).prefault("5s"),
        headersTimeout: duration(
          "Longest time a client may take to send a request's headers after connecting (or after starting the next request on a kept-alive connection); at most `requestTimeout`. Cuts half-open connections early.",
        ).prefault("2s"),
        maxConnections: z.number().int().min(16).max(100_000).default(1000).meta({
          description:
            "Most connections open at once; further connections are closed as soon as they are accepted. The agent's open-file limit must be higher (systemd `LimitNOFILE`).",
        }),
        tls: apiTls.optional(),
        maxEventStreams: z.number().int().min(1).max(100_000).default(500).meta({
          description:
            "Most `GET /v1/events` streams open at once; more are answered 503, and a warning is logged at most every 10 s. At most half of `maxConnections`: a client may hold a second connection for its follow reports. Each open stream costs a file descriptor and about 12 KiB.",
        }),
        clientPaths: z
          .array(z.string().regex(/^\/[^?#]*$/, { message: 'expected a path such as "/console"' }))
          .default([])
          .meta({
            description:
              "Path prefixes of client pages and APIs: on a node that does not serve, a request under one is answered 307 to the serving node.",
          }),
      })
      .prefault({})
      .meta({ description: "The agent's HTTP API." }),
    log: z
      .strictObject({
        level: z
          .enum(["fatal", "error", "warn", "info", "debug", "trace"])
          .default("info")
          .meta({ description: "Least severe level written." }),
        file: z
          .string()
          .optional()
          .meta({ description: "Log file (JSON lines). Default: standard output." }),
        pretty: z.enum(["auto", "always", "never"]).default("auto").meta({
          description: "Human-readable lines: `auto` when standard output is a terminal.",
        }),
      })
      .prefault({})
      .meta({ description: "Logging." }),
    probeDefaults: probeDefaults.prefault({}),
    probes: z
      .record(
        z.string().regex(NAME_PATTERN, {
          message: "expected a probe name of letters, digits, '.', '_' or '-'",
        }),
        probeSchema,
      )
      .default({})
      .meta({ description: "The resources this node depends on, by name." }),
    cluster: clusterSchema.optional(),
    hooks: hooksSchema.optional(),
    sip: sipSchema.optional(),
    asterisk: asteriskSchema.optional(),
    ui: uiSchema,
    operators: operatorsSchema,
    reports: reportsSchema.optional(),
    upstream: upstreamSchema.optional(),
  })
  .meta({ title: "Tandem configuration" });

/** The configuration as written in the file (before defaults). */
export type ConfigInput = z.input<typeof configSchema>;
/**
 * The validated configuration with defaults applied and durations in milliseconds. From
 * `loadConfig`, `node.name` is always set (see `LoadedConfig`).
 */
export type Config = z.output<typeof configSchema>;
/** The validated `cluster` section. */
export type ClusterConfig = z.output<typeof clusterSchema>;
/** The validated `sip` section. */
export type SipConfig = z.output<typeof sipSchema>;
/** One validated probe definition. */
export type ProbeConfig = z.output<typeof probeSchema>;
/** The probe kinds. */
export type ProbeKind = ProbeConfig["kind"];
