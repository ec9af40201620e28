/**
 * The agent: the imperative shell around the health core. It binds the API, runs the probes,
 * feeds their results to the monitor, derives the node's mode, and stops cleanly.
 */
import { hostname as osHostname } from "node:os";
import type { FastifyInstance } from "fastify";
import { registerClientMetrics } from "../api/client-metrics.js";
import { EventHub, registerEventRoutes } from "../api/event-hub.js";
import { AgentMetrics } from "../api/metrics.js";
import { refusalLog } from "../api/refusal-log.js";
import { type ApiTlsOptions, createApiServer, listenApi } from "../api/server.js";
import { servingEvents } from "../api/serving-events.js";
import { registerStandbyRedirect } from "../api/standby-redirect.js";
import type { ProbeStatusView, StatusDocument } from "../api/status-types.js";
import { readApiTls } from "../api/tls-files.js";
import type { QueueControl } from "../asterisk/index.js";
import type { ClusterNode, HeartbeatSample } from "../cluster/cluster-node.js";
import { clusterStatus } from "../cluster/status.js";
import type { Config } from "../config/schema.js";
import type { HookEnv, HookEvent, Mode } from "../engine/types.js";
import { HealthMonitor, type MonitoredProbe } from "../health/monitor.js";
import { attachRestarts } from "../health/restart-attach.js";
import { ProbeScheduler } from "../health/scheduler.js";
import type { Logger } from "../log/logger.js";
import { createChecker } from "../probes/index.js";
import type { SipResponder } from "../sip/responder.js";
import { attachConsole } from "../ui/index.js";
import { attachUpstream } from "../upstream/attach.js";
import { VERSION } from "../version.js";
import { checkQueuesPaused, runClusterHooks } from "./cluster-hooks.js";
import { decideMode } from "./mode.js";
import { TransitionBus } from "./transitions.js";

/** Options of {@link Agent}. */
export interface AgentOptions {
  config: Config;
  logger: Logger;
  /** @default os.hostname() */
  hostname?: string;
  /** The cluster section's hash (from `loadConfig`); required with a `cluster` section. */
  clusterHash?: string | null;
}

/**
 * One node's agent.
 *
 * @example
 * ```ts
 * const agent = new Agent({ config, logger });
 * const port = await agent.start();
 * // …
 * await agent.stop("SIGTERM");
 * ```
 */
export class Agent {
  readonly #config: Config;
  readonly #logger: Logger;
  readonly #monitor: HealthMonitor;
  readonly #restarts: ReturnType<typeof attachRestarts>;
  readonly #scheduler: ProbeScheduler;
  readonly #metrics: AgentMetrics;
  readonly #api: FastifyInstance;
  readonly #events: EventHub;
  readonly #transitions: TransitionBus;
  readonly #startedAt = new Date();
  readonly #name: string;
  readonly #clusterHash: string | null;
  readonly #tls: ApiTlsOptions | undefined;
  #cluster: ClusterNode | null = null;
  #sip: SipResponder | null = null;
  #asteriskQueues: QueueControl | null = null;
  #mode: Mode = "STARTING";
  #serving = false;
  #reason = "starting";
  #modeSince = new Date();
  #stopping: Promise<void> | null = null;

  constructor(options: AgentOptions) {
    const { config, logger } = options;
    this.#config = config;
    this.#logger = logger;
    this.#clusterHash = options.clusterHash ?? null;
    this.#name = config.node.name ?? options.hostname ?? osHostname();
    this.#transitions = new TransitionBus(logger);
    const refusals = refusalLog(logger, config.api);
    this.#events = new EventHub({
      maxClients: config.api.maxEventStreams,
      onRefused: refusals.stream,
    });
    this.#transitions.add(servingEvents(this.#events));
    attachUpstream(config, { transitions: this.#transitions, logger });
    const host = options.hostname ?? osHostname();
    const defaults = config.probeDefaults;
    const probes: MonitoredProbe[] = Object.entries(config.probes).map(([name, p]) => ({
      name,
      kind: p.kind,
      severity: p.severity ?? "critical",
      intervalMs: p.interval ?? defaults.interval,
      timeoutMs: p.timeout ?? defaults.timeout,
      fall: p.fall ?? defaults.fall,
      rise: p.rise ?? defaults.rise,
      description: p.description,
    }));
    const onHoldChange = () => this.#updateMode();
    this.#restarts = attachRestarts(config, {
      logger,
      transitions: this.#transitions,
      onHoldChange,
    });
    this.#monitor = new HealthMonitor(probes, {
      logger,
      onChange: () => this.#updateMode(),
      gate: this.#restarts ?? undefined,
    });
    this.#metrics = new AgentMetrics(() => this.status());
    registerClientMetrics(this.#metrics.registry, this.#events);
    this.#transitions.add(this.#metrics);
    this.#scheduler = new ProbeScheduler(
      probes.map((p) => ({
        name: p.name,
        intervalMs: p.intervalMs,
        timeoutMs: p.timeoutMs,
        checker: createChecker(config.probes[p.name] as Config["probes"][string], {
          probeName: p.name,
          hostname: host,
          timeoutMs: p.timeoutMs,
        }),
      })),
      {
        onCheck: (name, observation) => {
          const kind = config.probes[name]?.kind;
          if (kind) this.#metrics.observeCheck(name, kind, observation);
          this.#monitor.record(name, observation);
        },
      },
    );
    this.#tls = readApiTls(config.api.tls);
    let lastRefusal = 0;
    this.#api = createApiServer({
      getStatus: () => this.status(),
      metrics: this.#metrics,
      bodyLimit: config.api.bodyLimit,
      requestTimeoutMs: config.api.requestTimeout,
      headersTimeoutMs: config.api.headersTimeout,
      maxConnections: config.api.maxConnections,
      onDropped: refusals.connection,
      nodeName: this.#name,
      ...(this.#tls ? { tls: this.#tls } : {}),
      onRefused: (reason, remote) => {
        if (Date.now() - lastRefusal < 10_000) return;
        lastRefusal = Date.now();
        logger.warn({ event: "tls_refused", remote }, reason);
      },
    });
    registerStandbyRedirect(this.#api, {
      paths: config.api.clientPaths,
      serving: () => this.#serving,
      servingUrl: () => {
        const active = this.#activeNode();
        if (active === null || active === this.#name) return null;
        return config.cluster?.nodes.find((n) => n.name === active)?.api ?? null;
      },
    });
    registerEventRoutes(this.#api, this.#events, () => ({
      node: this.#name,
      mode: this.#mode,
      serving: this.#serving,
      term: this.#cluster?.state.term ?? null,
      active: this.#activeNode(),
    }));
    attachConsole(this.#api, {
      config,
      name: this.#name,
      status: () => this.status(),
      cluster: () => this.#cluster,
      logger,
      tls: this.#tls,
    });
  }

  /** The node this agent believes is ACTIVE (itself or its peer), or null. */
  #activeNode(): string | null {
    if (this.#mode === "ACTIVE") return this.#name;
    const peers = this.#cluster ? Object.values(this.#cluster.state.peers) : [];
    return peers.find((p) => !p.lost && p.view?.mode === "ACTIVE")?.name ?? null;
  }

  /** Where role changes are published; consumers (AMI push, Kamailio push, …) `add` here. */
  get transitions(): TransitionBus {
    return this.#transitions;
  }

  /** The node's name. */
  get name(): string {
    return this.#name;
  }

  /** The node's mode now. */
  get mode(): Mode {
    return this.#mode;
  }

  /** Whether this node takes traffic now (what `/monitor/role` answers 200 for). */
  get serving(): boolean {
    return this.#servingNow();
  }

  /**
   * Serving as the engine says after catching up with a stall (asked first: it may change the
   * mode), and with a quorum only while the lease holds.
   */
  #servingNow(): boolean {
    const allowed = this.#cluster?.servingAllowedNow() ?? true;
    return this.#serving && allowed;
  }

  /**
   * Binds the API (failing fast if the address is taken), then starts the probes.
   * Returns the API's bound port.
   */
  async start(): Promise<number> {
    if (this.#config.cluster) await this.#joinCluster(this.#config.cluster);
    const port = await listenApi(this.#api, this.#config.api.listen);
    if (this.#config.sip) {
      try {
        await this.#startSip(this.#config.sip);
      } catch (err) {
        await this.#api.close();
        throw err;
      }
    }
    const critical = this.#monitor.probes.filter((p) => p.severity === "critical").length;
    this.#logger.info(
      {
        event: "start",
        api: this.#config.api.listen,
        port,
        probes: this.#monitor.probes.length,
        critical,
      },
      `agent "${this.#name}" ${VERSION} started: API on ${this.#config.api.listen}, ${this.#monitor.probes.length} probes (${critical} critical)`,
    );
    if (this.#config.asterisk) {
      // Loaded only when configured, like the responder.
      const { connectAsterisk } = await import("../asterisk/index.js");
      this.#asteriskQueues = connectAsterisk(this.#config.asterisk, {
        transitions: this.#transitions,
        logger: this.#logger,
        activity: () => this.#cluster?.input({ type: "activity" }),
      }).queues;
    }
    this.#scheduler.start();
    this.#cluster?.start();
    this.#updateMode();
    return port;
  }

  async #startSip(sip: NonNullable<Config["sip"]>): Promise<void> {
    // Loaded only when configured: an agent without a responder does not pay for it.
    const { SipResponder } = await import("../sip/responder.js");
    const responder = new SipResponder({
      listeners: sip.listeners,
      availability: () => ({ serving: this.#servingNow() }),
      logger: this.#logger,
    });
    await responder.start();
    this.#sip = responder;
    const where = responder
      .boundPorts()
      .map((b) => `${b.transport} ${b.address}:${b.port}`)
      .join(", ");
    this.#logger.info(
      { event: "sip_listen", listeners: responder.boundPorts() },
      `SIP availability responder on ${where}`,
    );
  }

  async #joinCluster(cluster: NonNullable<Config["cluster"]>): Promise<void> {
    if (!this.#clusterHash)
      throw new Error("a cluster section needs the cluster hash from loadConfig");
    // Loaded only for a pair: a standalone agent does not pay for the engine, peer and hooks.
    const { ClusterNode } = await import("../cluster/cluster-node.js");
    const { HookRunner } = await import("../hooks/index.js");
    const node = await ClusterNode.create({
      cluster,
      selfName: this.#name,
      clusterHash: this.#clusterHash,
      stateDir: this.#config.node.stateDir,
      logger: this.#logger,
      ...(this.#tls ? { tls: peerTls(this.#tls) } : {}),
    });
    node.registerRoutes(this.#api);
    // A node restarted with a persisted fence starts in its fenced mode, not STARTING.
    if (node.state.mode !== "STARTING") {
      this.#mode = node.state.mode;
      this.#reason = node.state.reason;
      this.#logger.warn(
        { event: "fenced_at_start", mode: node.state.mode, flags: node.state.flags },
        `node "${this.#name}" starts ${node.state.mode}: ${node.state.reason}; it takes no calls until an operator runs "tandem recover" or "tandem clear-fence ${this.#name}"`,
      );
    }
    node.on("heartbeat", (sample: HeartbeatSample) => this.#metrics.observeHeartbeat(sample));
    node.on("mode", (effect: { mode: Mode; serving: boolean; reason: string }) => {
      this.#enterMode(effect.mode, effect.serving, effect.reason);
    });
    const hooks = this.#config.hooks ? new HookRunner(this.#config.hooks) : null;
    node.on("hook", (effect: { event: HookEvent; env: HookEnv }) => {
      if (hooks) void runClusterHooks(hooks, node, effect.event, effect.env, this.#logger);
    });
    node.on(
      "client-event",
      (effect: { event: "role" | "switchover" | "reconnect"; data: object }) => {
        this.#events.publish(effect.event, effect.data);
      },
    );
    const { registerControlRoutes } = await import("../control/routes.js");
    let lastRejection = 0;
    registerControlRoutes(this.#api, {
      secret: cluster.secret,
      selfName: this.#name,
      command: (command, target, by, force) => node.command(command, target, by, force),
      check: (_name, by) =>
        checkQueuesPaused(
          {
            name: this.#name,
            mode: this.#mode,
            term: this.#cluster?.state.term ?? 0,
            hooks,
            config: this.#config,
            queues: this.#asteriskQueues,
            logger: this.#logger,
          },
          by,
        ),
      notify: (event, data) => {
        this.#logger.info(
          { event: "notify", notice: event, ...data },
          `clients told to reconnect to "${data.to}" by ${data.by}: ${data.reason}`,
        );
        this.#events.publish(event, data);
      },
      activity: () => {
        node.input({ type: "activity" });
        return { mode: node.state.mode, serving: node.state.serving };
      },
      readLog: (limit) => node.readLog(limit),
      onRejected: (reason, remote) => {
        if (Date.now() - lastRejection < 10_000) return;
        lastRejection = Date.now();
        this.#logger.warn({ event: "operator_rejected", remote }, reason);
      },
    });
    const { registerDoctorRoutes } = await import("../doctor/routes.js");
    registerDoctorRoutes(this.#api, {
      secret: cluster.secret,
      selfName: this.#name,
      config: this.#config,
    });
    this.#cluster = node;
  }

  /** Toggles logging of every poll; returns the new setting. */
  toggleDebugPolls(): boolean {
    this.#monitor.debugPolls = !this.#monitor.debugPolls;
    this.#logger.info(
      { event: "debug", debugPolls: this.#monitor.debugPolls },
      `debug mode ${this.#monitor.debugPolls ? "on: logging every poll" : "off"}`,
    );
    return this.#monitor.debugPolls;
  }

  /** Stops probes and closes the API; safe to call more than once. */
  stop(reason: string): Promise<void> {
    this.#stopping ??= (async () => {
      this.#logger.info({ event: "stop", reason }, `agent "${this.#name}" stopping (${reason})`);
      await this.#cluster?.stop();
      await this.#scheduler.stop();
      await this.#sip?.close();
      await this.#transitions.close();
      this.#events.closeAll();
      await this.#api.close();
      this.#logger.info({ event: "stopped" }, `agent "${this.#name}" stopped`);
    })();
    return this.#stopping;
  }

  /** The status document served at `/v1/status`. */
  status(): StatusDocument {
    // A process that was frozen must not answer "ACTIVE" from before the freeze: the engine
    // sees the clock first, so a monitor URL asked right after SIGCONT already says 503.
    this.#cluster?.input({ type: "tick" });
    const summary = this.#monitor.summary();
    const probes: ProbeStatusView[] = this.#monitor.probes.map((p) => {
      const r = this.#monitor.get(p.name);
      return {
        name: p.name,
        kind: p.kind,
        severity: p.severity,
        description: p.description,
        state: r?.state ?? "pending",
        since: r?.since ? new Date(r.since).toISOString() : null,
        last: r?.last
          ? {
              at: new Date(r.last.at).toISOString(),
              status: r.last.status,
              message: r.last.message,
              durationMs: Math.round(r.last.durationMs * 10) / 10,
            }
          : null,
        firstError: r?.firstError ?? null,
        consecutiveOk: r?.consecutiveOk ?? 0,
        consecutiveFail: r?.consecutiveFail ?? 0,
        checks: r?.checks ?? 0,
        failures: r?.failures ?? 0,
        intervalMs: p.intervalMs,
        timeoutMs: p.timeoutMs,
        fall: p.fall,
        rise: p.rise,
        restart: this.#restarts?.view(p.name) ?? null,
      };
    });
    return {
      node: {
        name: this.#name,
        mode: this.#mode,
        serving: this.#servingNow(),
        reason: this.#reason,
        healthy: summary.healthy,
        since: this.#modeSince.toISOString(),
        version: VERSION,
        pid: process.pid,
        startedAt: this.#startedAt.toISOString(),
        debugPolls: this.#monitor.debugPolls,
        criticalDown: summary.criticalDown,
        warningDown: summary.warningDown,
      },
      cluster: this.#cluster ? clusterStatus(this.#cluster.state) : null,
      sip: this.#sip ? { listeners: this.#sip.boundPorts(), counters: this.#sip.counters() } : null,
      probes,
      time: new Date().toISOString(),
    };
  }

  #updateMode(): void {
    const summary = this.#monitor.summary();
    if (this.#cluster) {
      // The engine decides the mode; it needs a verdict on every critical probe first.
      if (summary.criticalPending.length > 0) return;
      if (this.#monitor.starting) {
        this.#monitor.starting = false;
        this.#logger.info(
          { event: "ready", node: this.#name },
          `node "${this.#name}" has its health: ${summary.healthy ? "healthy" : `critical probe down: ${summary.criticalDown.join(", ")}`}`,
        );
      }
      this.#cluster.health(summary);
      this.#reason = this.#cluster.state.reason;
      return;
    }
    const decision = decideMode(
      this.#mode === "ACTIVE" || this.#mode === "STANDBY" ? this.#mode : "STARTING",
      summary,
    );
    this.#reason = decision.reason;
    if (decision.mode === this.#mode) return;
    if (this.#mode === "STARTING") {
      this.#monitor.starting = false;
      this.#logger.info(
        { event: "ready", node: this.#name },
        `node "${this.#name}" is ready: ${decision.reason}`,
      );
    }
    this.#enterMode(decision.mode, decision.mode === "ACTIVE", decision.reason);
  }

  #enterMode(mode: Mode, serving: boolean, reason: string): void {
    this.#reason = reason;
    const wasServing = this.#serving;
    this.#serving = serving;
    const from = this.#mode;
    if (mode !== from) {
      this.#mode = mode;
      this.#modeSince = new Date();
    }
    if (mode !== from || serving !== wasServing) {
      this.#transitions.publish({
        node: this.#name,
        from,
        to: mode,
        serving,
        wasServing,
        term: this.#cluster?.state.term ?? null,
        reason,
        at: new Date().toISOString(),
        cause: this.#cluster ? (this.#cluster.state.lastTransition?.cause ?? "start") : "health",
      });
    }
    if (mode === from) return;
    // In a pair the engine already wrote the transition with its cause and told the clients.
    if (this.#cluster) return;
    this.#events.publish("role", { node: this.#name, from, to: mode, reason });
    this.#logger.info(
      { event: "mode", from, to: mode, reason },
      `mode ${from} → ${mode}: ${reason}`,
    );
  }
}

/** What the peer client needs of the API's TLS material: the CA and this node's certificate. */
function peerTls(tls: ApiTlsOptions): { ca?: string; cert: string; key: string } {
  return { cert: tls.cert, key: tls.key, ...(tls.ca === undefined ? {} : { ca: tls.ca }) };
}
