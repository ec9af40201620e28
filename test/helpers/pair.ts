/**
 * A real pair for multi-process tests: two agent processes on loopback, each with a critical
 * `app` probe the test can fail, optional fault-injecting proxies in front of each agent's API
 * (the address its peer and the CLI use), and an optional HTTP witness that can pretend to be
 * unreachable for one node.
 */
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { connect, createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import {
  freePort,
  type RunningTandem,
  type RunResult,
  runTandem,
  startTandem,
  tempDir,
  waitFor,
  writeFile,
} from "./processes.js";
import { freeSipPort } from "./sipp.js";

/** The cluster secret of test pairs. */
export const PAIR_SECRET = "pair-test-secret-0123456789";

/** A node of the test pair. */
export type NodeName = "a" | "b";

/**
 * A TCP proxy that can cut the link: while blocked, open connections are dropped and new ones
 * are accepted but never answered, as when packets are lost in a partition.
 */
export class FaultProxy {
  readonly #server: Server;
  readonly #pairs = new Set<{ client: Socket; upstream: Socket | null }>();
  #blocked = false;
  port = 0;

  constructor(readonly targetPort: number) {
    this.#server = createServer((client) => {
      const pair: { client: Socket; upstream: Socket | null } = { client, upstream: null };
      this.#pairs.add(pair);
      client.on("error", () => {});
      client.on("close", () => {
        pair.upstream?.destroy();
        this.#pairs.delete(pair);
      });
      if (this.#blocked) return; // black hole: the caller waits for its own timeout
      const upstream = connect(targetPort, "127.0.0.1");
      pair.upstream = upstream;
      upstream.on("error", () => client.destroy());
      upstream.on("close", () => client.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }

  /** Starts listening on a free loopback port. */
  async listen(port = 0): Promise<number> {
    await new Promise<void>((r) => this.#server.listen(port, "127.0.0.1", r));
    this.port = (this.#server.address() as { port: number }).port;
    return this.port;
  }

  /** Cuts (true) or restores (false) the link. */
  block(blocked: boolean): void {
    this.#blocked = blocked;
    if (blocked) for (const p of this.#pairs) p.client.destroy();
  }

  /** Stops the proxy and drops every connection. */
  async close(): Promise<void> {
    for (const p of this.#pairs) p.client.destroy();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }
}

/** An HTTP witness that answers 200, or 503 to the nodes it is told to ignore. */
export class TestWitness {
  readonly #server: HttpServer;
  readonly unreachableFor = new Set<string>();
  url = "";

  constructor() {
    this.#server = createHttpServer((req, res) => {
      const node = String(req.headers["x-tandem-node"] ?? "");
      res.statusCode = this.unreachableFor.has(node) ? 503 : 200;
      res.end();
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((r) => this.#server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.#server.address() as { port: number }).port}/`;
    return this.url;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }
}

/** A switchable health target: the nodes' critical `app` probe asks it. */
class AppTarget {
  readonly #server: HttpServer;
  readonly failing = new Set<string>();
  port = 0;

  constructor() {
    this.#server = createHttpServer((req, res) => {
      const node = (req.url ?? "/").slice(1);
      res.statusCode = this.failing.has(node) ? 500 : 200;
      res.end(this.failing.has(node) ? "DOWN" : "UP");
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.#server.listen(0, "127.0.0.1", r));
    this.port = (this.#server.address() as { port: number }).port;
    return this.port;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }
}

/** Options of {@link startPair}. */
export interface PairOptions {
  /** YAML of the cluster's heartbeat timers. @default `profile: fast` */
  timers?: string;
  /** Put a {@link FaultProxy} in front of each agent's API. */
  proxied?: boolean;
  witness?: TestWitness;
  clusterMode?: "hot-standby" | "active-active";
  /** Extra lines for the `hooks` section (indented by two spaces). */
  hooks?: string;
  /** Give each node a SIP availability responder on a free loopback port (UDP and TCP). */
  sip?: boolean;
  /** Timers of the critical `app` probe. @default `interval: 100ms, timeout: 400ms, fall: 2, rise: 1` */
  appTimers?: string;
  /** Extra lines of one node's `probes` section (each indented by two spaces). */
  probes?: (name: NodeName) => string;
  /**
   * Extra top-level YAML sections for one node's config (e.g. its `asterisk` section); gets
   * the SIP responder ports (with `sip`).
   */
  extra?: (name: NodeName, ports: { sip?: Record<NodeName, number> }) => string;

  /** YAML of a `cluster.quorum` section (indented by two spaces), e.g. from {@link quorumYaml}. */
  quorum?: string;
}

/**
 * The `cluster.quorum` lines for a test pair on the given etcd endpoints.
 *
 * @example
 * ```ts
 * const p = await startPair({ quorum: quorumYaml(etcd.endpoints) });
 * ```
 */
export function quorumYaml(
  endpoints: string[],
  lease = "{ ttl: 2s, keepAlive: 500ms, margin: 500ms }",
): string {
  const list = endpoints.map((e) => `"${e}"`).join(", ");
  return `  quorum: { kind: etcd, endpoints: [${list}], prefix: /pair/, lease: ${lease} }\n`;
}

/** A status document, as much of it as the tests read. */
export interface PairStatus {
  node: { mode: string; serving: boolean; healthy: boolean };
  cluster: {
    term: number;
    flags: Record<"selfFenced" | "peerFenced" | "suspended" | "fencingPeer", unknown>;
  };
}

/** The running pair and what a test can do with it. */
export interface Pair {
  dir: string;
  /** The agents' own API ports. */
  ports: Record<NodeName, number>;
  /** The ports of the nodes' SIP availability responders (with `sip`). */
  sipPorts?: Record<NodeName, number>;
  /** The proxies in front of each agent (with `proxied`). */
  proxies: Partial<Record<NodeName, FaultProxy>>;
  config: Record<NodeName, string>;
  running: Partial<Record<NodeName, RunningTandem>>;
  /** Starts node `name`'s agent, with extra environment variables if given. */
  start(name: NodeName, env?: NodeJS.ProcessEnv): RunningTandem;
  /**
   * Starts a, waits (up to 60 s) until it has decided its role, then starts b: on a loaded
   * machine a started alongside b can take so long that b outwaits its start-up grace and
   * takes the role first, which is right for a product and wrong for a test's script.
   */
  startBoth(): Promise<Record<NodeName, RunningTandem>>;
  /** Stops a node with SIGKILL and waits for the process to end. */
  kill(name: NodeName): Promise<void>;
  /** Makes the node's critical `app` probe fail (true) or pass (false). */
  failApp(name: NodeName, failing: boolean): void;
  role(name: NodeName): Promise<{ status: number; text: string }>;
  status(name: NodeName): Promise<PairStatus>;
  /** The node's JSON log lines. */
  log(name: NodeName): Array<Record<string, unknown>>;
  /** Runs `tandem ARGS --config a.yaml`. */
  cli(args: string[]): Promise<RunResult>;
  /** Waits for the usual start: a ACTIVE serving, b STANDBY and aware of a's term. */
  settled(): Promise<number>;
  /** Both logs, for a failure message. */
  dump(): string;
  close(): Promise<void>;
}

/**
 * Starts nothing yet: writes both configs and returns the handle (call `start`).
 *
 * @example
 * ```ts
 * const p = await startPair({ proxied: true });
 * p.start("a"); p.start("b"); await p.settled();
 * ```
 */
export async function startPair(options: PairOptions = {}): Promise<Pair> {
  const { dir, remove } = tempDir("tandem-pair-");
  const app = new AppTarget();
  await app.listen();
  const ports = { a: await freePort(), b: await freePort() };
  const proxies: Partial<Record<NodeName, FaultProxy>> = {};
  if (options.proxied) {
    for (const n of ["a", "b"] as const) {
      const proxy = new FaultProxy(ports[n]);
      await proxy.listen();
      proxies[n] = proxy;
    }
  }
  const apiPort = (n: NodeName) => proxies[n]?.port ?? ports[n];
  const sipPorts = options.sip ? { a: await freeSipPort(), b: await freeSipPort() } : undefined;
  const sip = (n: NodeName): string =>
    sipPorts
      ? `sip:\n  listeners:\n    - { address: 127.0.0.1, port: ${sipPorts[n]}, transports: [udp, tcp] }\n`
      : "";
  const timers = options.timers ?? "profile: fast";
  const witness = options.witness
    ? `  witness: { kind: http, url: "${options.witness.url}" }\n`
    : "";
  const write = (name: NodeName): string =>
    writeFile(
      dir,
      `${name}.yaml`,
      `node: { name: ${name}, stateDir: ${join(dir, `state-${name}`)} }
api: { listen: "127.0.0.1:${ports[name]}" }
log: { file: ${join(dir, `${name}.log`)} }
probes:
  app: { kind: http, url: "http://127.0.0.1:${app.port}/${name}", ${options.appTimers ?? "interval: 100ms, timeout: 400ms, fall: 2, rise: 1"} }
${options.probes?.(name) ?? ""}hooks:
  active:
    - command: 'echo "$TANDEM_NODE $TANDEM_FROM $TANDEM_TO $TANDEM_TERM $TANDEM_REASON" >> ${join(dir, "hooks.txt")}'
  self-fenced:
    - command: 'echo "$TANDEM_NODE self-fenced $TANDEM_REASON" >> ${join(dir, "hooks.txt")}'
${options.hooks ?? ""}${sip(name)}${options.extra?.(name, sipPorts ? { sip: sipPorts } : {}) ?? ""}cluster:
  secret: ${PAIR_SECRET}
  mode: ${options.clusterMode ?? "hot-standby"}
  ${timers}
${witness}${options.quorum ?? ""}  nodes:
    - { name: a, rank: 1, api: "http://127.0.0.1:${apiPort("a")}" }
    - { name: b, rank: 2, api: "http://127.0.0.1:${apiPort("b")}" }
`,
    );
  const config = { a: write("a"), b: write("b") };
  const running: Partial<Record<NodeName, RunningTandem>> = {};
  const all: RunningTandem[] = [];
  const readLog = (name: NodeName): Array<Record<string, unknown>> => {
    try {
      return readFileSync(join(dir, `${name}.log`), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    } catch {
      return [];
    }
  };
  const pair: Pair = {
    dir,
    ports,
    ...(sipPorts ? { sipPorts } : {}),
    proxies,
    config,
    running,
    start(name, env) {
      const r = startTandem(["agent", "--config", config[name]], env);
      running[name] = r;
      all.push(r);
      return r;
    },
    async startBoth() {
      const a = pair.start("a");
      const decided = async () => {
        const s = await pair.status("a").catch(() => null);
        return s !== null && s.node.mode !== "STARTING";
      };
      await waitFor(decided, 60_000, `a up and out of STARTING\n${a.output()}`);
      return { a, b: pair.start("b") };
    },
    async kill(name) {
      const r = running[name];
      if (!r) return;
      r.child.kill("SIGKILL");
      await r.exited.catch(() => undefined);
      delete running[name];
    },
    failApp(name, failing) {
      if (failing) app.failing.add(name);
      else app.failing.delete(name);
    },
    async role(name) {
      const res = await fetch(`http://127.0.0.1:${ports[name]}/monitor/role`, {
        signal: AbortSignal.timeout(2000),
      });
      return { status: res.status, text: (await res.text()).trim() };
    },
    async status(name) {
      const res = await fetch(`http://127.0.0.1:${ports[name]}/v1/status`, {
        signal: AbortSignal.timeout(2000),
      });
      return (await res.json()) as PairStatus;
    },
    log: readLog,
    cli(args) {
      return runTandem([...args, "--config", config.a], { timeoutMs: 60_000 });
    },
    async settled() {
      await waitFor(async () => (await pair.role("a")).status === 200, 15_000, "a ACTIVE");
      await waitFor(
        async () => (await pair.status("b")).node.mode === "STANDBY",
        5000,
        "b STANDBY",
      );
      const term = (await pair.status("a")).cluster.term;
      await waitFor(
        async () => (await pair.status("b")).cluster.term === term,
        5000,
        "b knows a's term",
      );
      // Let b answer `rise` heartbeats in a row, so a counts it as able to take over.
      await new Promise((r) => setTimeout(r, 600));
      return term;
    },
    dump() {
      const show = (n: NodeName) =>
        readLog(n).map((l) => `${n} ${String(l.time)} ${String(l.event)} ${String(l.msg)}`);
      return [...show("a"), ...show("b")].join("\n");
    },
    async close() {
      for (const r of all) r.child.kill("SIGKILL");
      await Promise.all(all.map((r) => r.exited.catch(() => undefined)));
      for (const p of Object.values(proxies)) await p.close();
      await app.close();
      remove();
    },
  };
  return pair;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Samples both role URLs every 20 ms without waiting for slow answers (a stopped process
 * answers when it resumes): a round where both answered 200 is a double-serving sample.
 *
 * @example
 * ```ts
 * const sampler = sampleRoles(p);
 * await p.kill("a");
 * const { doubles, rounds } = await sampler.stop(); // doubles === 0
 * ```
 */
export function sampleRoles(p: Pair) {
  const rounds: Array<Partial<Record<NodeName, number>>> = [];
  let stopped = false;
  const one = async (round: Partial<Record<NodeName, number>>, n: NodeName) => {
    try {
      const res = await fetch(`http://127.0.0.1:${p.ports[n]}/monitor/role`, {
        signal: AbortSignal.timeout(10_000),
      });
      round[n] = res.status;
      await res.body?.cancel();
    } catch {
      round[n] = 0;
    }
  };
  const pending: Array<Promise<void>> = [];
  const loop = (async () => {
    while (!stopped) {
      const round: Partial<Record<NodeName, number>> = {};
      rounds.push(round);
      pending.push(one(round, "a"), one(round, "b"));
      await pause(20);
    }
  })();
  return {
    rounds,
    async stop() {
      stopped = true;
      await loop;
      await Promise.all(pending);
      return {
        rounds,
        doubles: rounds.filter((r) => r.a === 200 && r.b === 200).length,
        total: rounds.length,
      };
    },
  };
}
