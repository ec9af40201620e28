/**
 * The shell around the failover engine: it feeds the engine heartbeats, health and clock
 * ticks, and carries out what the engine decides — persisting state, fencing the peer,
 * running hooks, logging. The engine itself does no I/O.
 */
import { EventEmitter } from "node:events";
import type { FastifyInstance } from "fastify";
import type { ClusterConfig } from "../config/schema.js";
import { freezeLimitMs, GONE_ERROR, initialState, step, viewOf } from "../engine/index.js";
import type {
  CommandName,
  Effect,
  EngineInput,
  EngineState,
  PeerView,
  PersistedRecord,
} from "../engine/types.js";
import type { HealthSummary } from "../health/node-health.js";
import type { Logger } from "../log/logger.js";
import { PeerClient, registerPeerRoutes } from "../peer/index.js";
import { createQuorumSession, type QuorumSession } from "../quorum/index.js";
import { StateFile } from "../state/index.js";
import { engineOptions } from "./engine-options.js";
import { FailoverLog, type FailoverLogEntry } from "./failover-log.js";
import { checkWitness } from "./witness.js";

/**
 * What an operator command did, as the API answers it.
 *
 * @example
 * ```ts
 * const r = node.command("deactivate", "a", "alice@console");
 * r.outcome; // "changed": a fenced itself, b takes over
 * ```
 */
export interface CommandOutcome {
  /** `changed`: state moved; `unchanged`: already so (idempotent); `refused`: not possible now. */
  outcome: "changed" | "unchanged" | "refused";
  /** The engine's explanation, one line per log entry the command caused. */
  messages: string[];
  mode: EngineState["mode"];
  serving: boolean;
  term: number;
}

/**
 * One answered heartbeat, emitted as `heartbeat` for the metrics.
 *
 * @example
 * ```ts
 * node.on("heartbeat", (h: HeartbeatSample) => histogram.observe({ peer: h.peer }, h.rttMs / 1000));
 * ```
 */
export interface HeartbeatSample {
  peer: string;
  rttMs: number;
  /** The peer's wall clock minus this node's, in milliseconds (± half the round trip). */
  skewMs: number;
}

/**
 * Delay between heartbeats to a peer whose agent port refused the last one: a refusal costs
 * one round trip, so `fall` of them confirm a dead agent in tens of milliseconds.
 */
const REFUSED_RETRY_MS = 15;

/** Options of {@link ClusterNode.create}. */
export interface ClusterNodeOptions {
  cluster: ClusterConfig;
  selfName: string;
  clusterHash: string;
  stateDir: string;
  logger: Logger;
  /** Monotonic milliseconds. @default performance.now */
  now?: () => number;
  /** For `https` peers: the CA that signed them, and this node's certificate as a client. */
  tls?: { ca?: string; cert: string; key: string };
}

/**
 * One node of a pair, driving its engine.
 *
 * @example
 * ```ts
 * const node = await ClusterNode.create({ cluster, selfName: "a", clusterHash, stateDir, logger });
 * node.registerRoutes(app);
 * node.start();
 * node.health(monitor.summary());
 * ```
 */
export class ClusterNode extends EventEmitter {
  #state: EngineState;
  readonly #clients = new Map<string, PeerClient>();
  /** Heartbeats in flight per peer: beats overlap when the timeout is longer than the interval. */
  readonly #inFlight = new Map<string, number>();
  /** At most this many beats in flight per peer (the timeout covers that many intervals, plus one). */
  readonly #maxInFlight: number;
  readonly #stateFile: StateFile;
  readonly #failoverLog: FailoverLog;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #secret: string;
  readonly #witnessUrl: string | null;
  #witnessInFlight = false;
  readonly #quorum: QuorumSession | null;
  #timer: NodeJS.Timeout | undefined;
  /** Saves started and not yet on disk; {@link #saved} settles when the newest is. */
  #unsaved = 0;
  #saved: Promise<void> = Promise.resolve();
  /** Effects waiting behind a setMode that serves until the saves are on disk. */
  #held: Effect[] | null = null;
  #stopped = false;

  private constructor(state: EngineState, options: ClusterNodeOptions, stateFile: StateFile) {
    super();
    this.#state = state;
    this.#stateFile = stateFile;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => performance.now());
    this.#secret = options.cluster.secret;
    this.#witnessUrl = options.cluster.witness?.url ?? null;
    this.#failoverLog = new FailoverLog({
      dir: options.stateDir,
      onError: (err) =>
        this.#logger.error(
          { event: "failover_log_failed", err },
          `cannot write the failover log: ${err.message}`,
        ),
    });
    const quorum = options.cluster.quorum;
    this.#quorum = quorum
      ? createQuorumSession(quorum, options.selfName, {
          now: this.#now,
          onObservation: (obs) => {
            if (!this.#stopped) this.#apply({ type: "quorum", ...obs });
          },
          onDeadline: () => {
            if (!this.#stopped) this.#apply({ type: "tick" });
          },
        })
      : null;
    const { timeoutMs, intervalMs } = state.options.heartbeat;
    this.#maxInFlight = Math.ceil(timeoutMs / intervalMs) + 1;
    for (const node of options.cluster.nodes) {
      if (node.name === options.selfName) continue;
      const client: PeerClient = new PeerClient({
        url: node.api,
        selfName: options.selfName,
        peerName: node.name,
        secret: this.#secret,
        timeoutMs,
        // Overlapping beats plus a fence request, each on its own connection.
        maxSockets: this.#maxInFlight + 1,
        ...options.tls,
        // The peer's kernel closes our kept-alive connection the instant its agent dies: ask
        // at once instead of at the next beat (an alive peer just answers one extra beat).
        onConnectionClosed: () => this.#beatSoon(node.name, client, 0),
      });
      this.#clients.set(node.name, client);
    }
  }

  /** Loads the persisted record (a fenced node stays fenced) and builds the engine. */
  static async create(options: ClusterNodeOptions): Promise<ClusterNode> {
    const stateFile = new StateFile(options.stateDir);
    const record = await stateFile.load();
    const state = initialState(
      engineOptions(options.cluster, options.selfName, options.clusterHash),
      record,
    );
    return new ClusterNode(state, options, stateFile);
  }

  /** The engine state now (read-only). */
  get state(): EngineState {
    return this.#state;
  }

  /** Registers the peer endpoints on the agent's API (before it listens). */
  registerRoutes(app: FastifyInstance): void {
    let lastRejection = 0;
    registerPeerRoutes(app, {
      secret: this.#secret,
      selfName: this.#state.options.self.name,
      knownPeers: [...this.#clients.keys()],
      onHeartbeat: (from: PeerView): Promise<PeerView> => {
        this.#apply({ type: "heartbeatReceived", from, localWallClockMs: Date.now() });
        return this.#savedView();
      },
      selfView: () => this.#savedView(),
      // The skew the engine keeps from each authenticated view (an answer to our own
      // heartbeat, or a request that passed this very check).
      clockOffsetMs: (node) => this.#state.peers[node]?.skewMs ?? 0,
      onFence: (from, term) => this.#apply({ type: "fenceRequest", from, term }),
      onUnfence: (from, term) => this.#apply({ type: "unfenceRequest", from, term }),
      onRejected: (reason, remote) => {
        // A misconfigured peer would otherwise log ten lines a second.
        if (Date.now() - lastRejection < 10_000) return;
        lastRejection = Date.now();
        this.#logger.warn({ event: "peer_rejected", remote }, reason);
      },
    });
  }

  /**
   * Whether serving is allowed at this instant, checked on every read so that a request
   * answered the moment a stalled process resumes never reports the world before the stall.
   * The engine has not stepped for longer than a freeze: step its clock first (it holds back
   * if the peer may have taken over meanwhile), since the request may run before the timer
   * that would have noticed. With a quorum, also only while the lease deadline has not passed.
   */
  servingAllowedNow(): boolean {
    const last = this.#state.lastNow;
    if (last !== null && this.#now() - last > freezeLimitMs(this.#state.options.heartbeat)) {
      this.#apply({ type: "tick" });
    }
    return this.#quorum?.leaseValid() ?? true;
  }

  /** Starts the heartbeat and clock loop. */
  start(): void {
    this.#quorum?.start();
    const interval = this.#state.options.heartbeat.intervalMs;
    const beat = (): void => {
      if (this.#stopped) return;
      this.#apply({ type: "tick" });
      for (const [name, client] of this.#clients) void this.#heartbeat(name, client);
      if (this.#witnessUrl) void this.#askWitness(this.#witnessUrl);
      this.#timer = setTimeout(beat, interval);
    };
    beat();
  }

  /** Reports the node's health (only once every critical probe has a verdict). */
  health(summary: HealthSummary): void {
    this.#apply({ type: "health", healthy: summary.healthy, criticalDown: summary.criticalDown });
  }

  /** Feeds any other input (operator commands, activity reports). */
  input(input: EngineInput): void {
    this.#apply(input);
  }

  /**
   * Applies an operator command addressed to this node and says what it did. Idempotent: a
   * command whose effect is already in place changes nothing and says so.
   */
  command(
    command: CommandName,
    target: string | undefined,
    by: string,
    force = false,
  ): CommandOutcome {
    const before = this.#state;
    const effects = this.#apply({ type: "command", command, target, by, force });
    const after = this.#state;
    const logs = effects.filter((e) => e.type === "log");
    const changed =
      before.mode !== after.mode ||
      before.term !== after.term ||
      before.handoverTo !== after.handoverTo ||
      JSON.stringify(before.flags) !== JSON.stringify(after.flags);
    const refused = !changed && logs.some((e) => e.level !== "info");
    return {
      outcome: changed ? "changed" : refused ? "refused" : "unchanged",
      messages: logs.map((e) => e.message),
      mode: after.mode,
      serving: after.serving,
      term: after.term,
    };
  }

  /** The latest `limit` failover-log entries, oldest first. */
  readLog(limit?: number): Promise<FailoverLogEntry[]> {
    return this.#failoverLog.read(limit);
  }

  /** Stops the loop and waits for the state saves and failover-log lines already started. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    for (const client of this.#clients.values()) client.close();
    await this.#quorum?.stop();
    while (this.#unsaved > 0) await this.#saved;
    await this.#failoverLog.flushed();
  }

  async #heartbeat(name: string, client: PeerClient): Promise<void> {
    // One beat leaves every interval whatever happened to the last one: each has its own timeout,
    // and the engine counts a timed-out beat as a miss only if nothing newer was heard since it
    // left, so overlapping beats never count one outage twice. The cap bounds a dead peer's cost.
    const inFlight = this.#inFlight.get(name) ?? 0;
    if (inFlight >= this.#maxInFlight) return;
    this.#inFlight.set(name, inFlight + 1);
    try {
      // The view carries the term: a term not yet on disk is not shown to the peer.
      const mine = await this.#savedView();
      if (this.#stopped) return;
      const sentAt = this.#now();
      const wallSentAt = Date.now();
      const result = await client.heartbeat({ ...mine, wallClockMs: wallSentAt });
      if (this.#stopped) return;
      if (result.ok) {
        // For /metrics: the round trip, and the peer's clock against the midpoint of ours.
        const wallReceivedAt = Date.now();
        const skewMs = result.view.wallClockMs - (wallSentAt + wallReceivedAt) / 2;
        if (result.clockRefused) this.#noteClockRefusal(name, result.clockRefused, skewMs);
        this.emit("heartbeat", {
          peer: name,
          rttMs: this.#now() - sentAt,
          skewMs,
        } satisfies HeartbeatSample);
      }
      this.#apply(
        result.ok
          ? {
              type: "heartbeatReply",
              peer: name,
              view: result.view,
              localWallClockMs: Date.now(),
              sentAt,
            }
          : { type: "heartbeatFailed", peer: name, error: result.error, sentAt },
      );
      // A refused connection is an instant, definite answer: nothing listens on the peer's
      // agent port. Confirm it quickly rather than a whole interval later, until the peer is
      // counted lost; a timeout (no answer at all) keeps the interval, as `fall` promises.
      // Only for a peer heard before: the start-up grace for a booting peer counts misses.
      const peer = this.#state.peers[name];
      if (!result.ok && result.error === GONE_ERROR && peer?.view && !peer.lost) {
        this.#beatSoon(name, client, REFUSED_RETRY_MS);
      }
    } finally {
      this.#inFlight.set(name, (this.#inFlight.get(name) ?? 1) - 1);
    }
  }

  /** This node's view once its term is on disk: a view shows the term, never one a crash could lose. */
  async #savedView(): Promise<PeerView> {
    while (this.#unsaved > 0) await this.#saved;
    return viewOf(this.#state, Date.now());
  }

  /** An extra heartbeat to `name` in `delayMs` (skipped while one is in flight). */
  #beatSoon(name: string, client: PeerClient, delayMs: number): void {
    if (this.#stopped) return;
    setTimeout(() => void this.#heartbeat(name, client), delayMs).unref();
  }

  #lastClockRefusal = Number.NEGATIVE_INFINITY;

  /** A heartbeat refused for its timestamp still counts as an answer; say so, at most every 10 s. */
  #noteClockRefusal(peer: string, reason: string, skewMs: number): void {
    if (this.#now() - this.#lastClockRefusal < 10_000) return;
    this.#lastClockRefusal = this.#now();
    this.#logger.warn(
      { event: "peer_clock_refused", peer, skewMs: Math.round(skewMs) },
      `peer "${peer}" refused a heartbeat for its clock (${reason}) and answered with its signed view: counted as an answer, not a miss; clock offset now ${Math.round(skewMs)} ms`,
    );
  }

  async #askWitness(url: string): Promise<void> {
    if (this.#witnessInFlight) return;
    this.#witnessInFlight = true;
    try {
      const result = await checkWitness(
        url,
        this.#state.options.heartbeat.timeoutMs,
        this.#state.options.self.name,
      );
      if (!this.#stopped) this.#apply(result);
    } finally {
      this.#witnessInFlight = false;
    }
  }

  #apply(input: EngineInput): Effect[] {
    const { state, effects } = step(this.#state, input, this.#now());
    this.#state = state;
    this.#run(effects);
    return effects;
  }

  /**
   * Carries out effects in order, except that what shows the world a new term (a setMode that
   * serves, a fence request, a hook, a client event) waits until every record saved so far is
   * on disk (fsync'd): a node never serves, or tells anyone, a term it could forget in a crash.
   * Effects that come while one waits queue behind it, so the order never changes.
   * `TANDEM_CRASH_AFTER_PERSIST=1` (fault injection for tests) kills the process at the first
   * setMode that serves: its term is on disk by then, and nothing has served it yet.
   */
  #run(effects: Effect[]): void {
    for (const effect of effects) {
      if (this.#held) {
        this.#held.push(effect);
      } else if (revealsTerm(effect) && this.#unsaved > 0) {
        this.#held = [effect];
        void this.#saved.then(() => {
          const held = this.#held ?? [];
          this.#held = null;
          this.#run(held);
        });
      } else {
        this.#carryOut(effect);
      }
    }
  }

  #persist(record: PersistedRecord): void {
    this.#unsaved += 1;
    this.#saved = this.#stateFile.save(record).then(
      () => {
        this.#unsaved -= 1;
      },
      (err: unknown) => {
        this.#unsaved -= 1;
        this.#logger.error(
          { event: "persist_failed", err, term: record.term },
          `cannot persist node state (term ${record.term}): ${(err as Error).message}`,
        );
      },
    );
  }

  #carryOut(effect: Effect): void {
    switch (effect.type) {
      case "setMode":
        if (effect.serving && process.env.TANDEM_CRASH_AFTER_PERSIST === "1") {
          process.kill(process.pid, "SIGKILL");
        }
        this.emit("mode", effect);
        return;
      case "persist":
        this.#persist(effect.record);
        return;
      case "sendFence":
      case "sendUnfence": {
        const client = this.#clients.get(effect.peer);
        if (!client) return;
        const send =
          effect.type === "sendFence" ? client.fence(effect.term) : client.unfence(effect.term);
        void send.then((r) => {
          if (!r.ok)
            this.#logger.debug(
              { event: effect.type, peer: effect.peer, error: r.error },
              `${effect.type} to "${effect.peer}" failed: ${r.error}`,
            );
        });
        return;
      }
      case "runHook":
        this.emit("hook", effect);
        return;
      case "log":
        this.#logger[effect.level]({ event: effect.event, ...effect.cause }, effect.message);
        this.#failoverLog.append({
          time: new Date().toISOString(),
          node: this.#state.options.self.name,
          level: effect.level,
          event: effect.event,
          message: effect.message,
          mode: this.#state.mode,
          term: this.#state.term,
          cause: effect.cause,
        });
        return;
      case "emit":
        this.emit("client-event", effect);
        return;
      case "quorum":
        this.#quorum?.carryOut(effect);
        return;
    }
  }
}

/** Whether carrying out `effect` shows the node's current term outside this process. */
function revealsTerm(effect: Effect): boolean {
  return (
    (effect.type === "setMode" && effect.serving) ||
    effect.type === "sendFence" ||
    effect.type === "runHook" ||
    effect.type === "emit"
  );
}
