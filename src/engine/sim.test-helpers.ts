/**
 * A deterministic simulator for engines connected by a simulated network, for scenario and
 * property tests. One simulated clock; every node sends a heartbeat (and ticks) every
 * interval; messages take `latencyMs`; a cut link or a dropped message shows up as a timeout,
 * a dead peer as "connection refused". A frozen node processes nothing and finds its inbound
 * messages buffered when it wakes. Effects are applied like the real shell would: `persist`
 * is what a restart reads back, `sendFence` becomes the peer's `fenceRequest`.
 */
import { initialState } from "./init.js";
import { step } from "./step.js";
import type {
  CommandName,
  Effect,
  EngineInput,
  EngineOptions,
  EngineState,
  PeerView,
  PersistedRecord,
} from "./types.js";
import { viewOf } from "./view.js";

/**
 * One recorded effect.
 *
 * @example
 * ```ts
 * sim.trace.filter((e: TraceEntry) => e.node === "b" && e.effect.type === "sendFence");
 * ```
 */
export interface TraceEntry {
  t: number;
  node: string;
  effect: Effect;
}

/**
 * Simulator settings.
 *
 * @example
 * ```ts
 * new Sim(pairOptions(), { dropRate: 0.05, seed: 42 } satisfies SimSettings);
 * ```
 */
export interface SimSettings {
  /** One-way message delay. @default 2 */
  latencyMs?: number;
  /** Probability that a heartbeat (request or answer) is lost. @default 0 */
  dropRate?: number;
  /** Seed of the deterministic random source. @default 1 */
  seed?: number;
  /** Called after every step of every node with its effects (for invariant checks). */
  onStep?: (sim: Sim, node: string, effects: Effect[]) => void;
}

interface SimNode {
  options: EngineOptions;
  state: EngineState;
  alive: boolean;
  /** Bumped on kill/restart/wake so timers of an older run are ignored. */
  epoch: number;
  frozenUntil: number | null;
  inbox: EngineInput[];
  persisted: PersistedRecord | null;
  health: { healthy: boolean; criticalDown: string[] };
  witnessReachable: boolean;
  clockOffset: number;
  wallSkewMs: number;
  failActiveHook: string | null;
}

interface SimEvent {
  at: number;
  seq: number;
  run: () => void;
}

/**
 * Drives two (or more) engines on a simulated clock.
 *
 * @example
 * ```ts
 * const sim = new Sim([optsA, optsB]);
 * sim.runFor(1000);
 * sim.kill("a"); sim.runFor(400);
 * sim.mode("b"); // "ACTIVE"
 * ```
 */
export class Sim {
  t = 0;
  readonly trace: TraceEntry[] = [];
  readonly nodes = new Map<string, SimNode>();
  /** Links that are cut, as "a|b" with names sorted. */
  readonly cut = new Set<string>();
  /** Where the load-balancer witness routes (for `load-balancer` witnesses). */
  lbRoute: string | null = null;
  /** Forces the load balancer's answer: a node name, or "none" for no route. */
  lbPin: string | null = null;
  private events: SimEvent[] = [];
  private seq = 0;
  private rngState: number;
  private readonly latency: number;
  private readonly dropRate: number;
  private readonly onStep: SimSettings["onStep"];

  constructor(options: EngineOptions[], settings: SimSettings = {}) {
    this.latency = settings.latencyMs ?? 2;
    this.dropRate = settings.dropRate ?? 0;
    this.rngState = settings.seed ?? 1;
    this.onStep = settings.onStep;
    options.forEach((o, i) => {
      this.nodes.set(o.self.name, {
        options: o,
        state: initialState(o, null),
        alive: false,
        epoch: 0,
        frozenUntil: null,
        inbox: [],
        persisted: null,
        health: { healthy: true, criticalDown: [] },
        witnessReachable: true,
        clockOffset: 0,
        wallSkewMs: 0,
        failActiveHook: null,
      });
      this.boot(o.self.name, (i * o.heartbeat.intervalMs) / 2);
    });
  }

  /** The node's current state. */
  state(name: string): EngineState {
    return this.node(name).state;
  }

  /** The node's mode. */
  mode(name: string): string {
    return this.node(name).state.mode;
  }

  /** Whether the node is alive, awake and serving. */
  serving(name: string): boolean {
    const n = this.node(name);
    return n.alive && n.frozenUntil === null && n.state.serving;
  }

  /** Whether the node's process runs and is not frozen. */
  running(name: string): boolean {
    const n = this.node(name);
    return n.alive && n.frozenUntil === null;
  }

  /** The record the node persisted last. */
  persisted(name: string): PersistedRecord | null {
    return this.node(name).persisted;
  }

  /** Log messages of a node, in order. */
  logs(name: string): string[] {
    return this.trace.flatMap((e) =>
      e.node === name && e.effect.type === "log" ? [e.effect.message] : [],
    );
  }

  /** Effects of one type emitted by a node. */
  effects<T extends Effect["type"]>(name: string, type: T): Array<Extract<Effect, { type: T }>> {
    return this.trace.flatMap((e) =>
      e.node === name && e.effect.type === type ? [e.effect as Extract<Effect, { type: T }>] : [],
    );
  }

  /** Whether two nodes can exchange messages. */
  linked(a: string, b: string): boolean {
    return !this.cut.has([a, b].sort().join("|"));
  }

  /** Advances the clock by `ms`, running every event due. */
  runFor(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.events.sort((x, y) => x.at - y.at || x.seq - y.seq);
      const next = this.events[0];
      if (!next || next.at > end) break;
      this.events.shift();
      this.t = next.at;
      next.run();
    }
    this.t = end;
  }

  /** Kills a node's process (SIGKILL): timers and buffered messages are gone. */
  kill(name: string): void {
    const n = this.node(name);
    n.alive = false;
    n.frozenUntil = null;
    n.epoch += 1;
    n.inbox = [];
  }

  /** Restarts a node from its last persisted record. */
  restart(name: string, delayMs = 0): void {
    this.kill(name);
    this.boot(name, delayMs);
  }

  /** Freezes a node (SIGSTOP) for `ms`; it wakes (SIGCONT) by itself. */
  freeze(name: string, ms: number): void {
    const n = this.node(name);
    if (!n.alive || n.frozenUntil !== null) return;
    n.frozenUntil = this.t + ms;
    n.epoch += 1;
    const epoch = n.epoch;
    this.at(this.t + ms, () => {
      if (n.epoch !== epoch) return;
      n.frozenUntil = null;
      n.epoch += 1;
      this.deliver(name, { type: "tick" });
      const buffered = n.inbox;
      n.inbox = [];
      // As in a real process: what queued up during the freeze is read just after the first
      // timer has fired, not in the same instant.
      this.at(this.t + 1, () => {
        for (const input of buffered) this.deliver(name, input);
      });
      this.beat(name, n.epoch);
    });
  }

  /** Moves a node's monotonic clock forward (it reads as a freeze of that length). */
  jumpClock(name: string, ms: number): void {
    this.node(name).clockOffset += ms;
  }

  /** Sets a node's wall clock ahead of the simulated one. */
  skewWallClock(name: string, ms: number): void {
    this.node(name).wallSkewMs = ms;
  }

  /** Cuts the link between two nodes. */
  partition(a: string, b: string): void {
    this.cut.add([a, b].sort().join("|"));
  }

  /** Restores every link. */
  heal(): void {
    this.cut.clear();
  }

  /** Makes the witness reachable or not from a node. */
  setWitness(name: string, reachable: boolean): void {
    this.node(name).witnessReachable = reachable;
  }

  /** Changes a node's local health; the probe summary reaches the engine at once. */
  setHealth(name: string, healthy: boolean, criticalDown: string[] = healthy ? [] : ["db"]): void {
    const n = this.node(name);
    n.health = { healthy, criticalDown };
    this.deliver(name, { type: "health", healthy, criticalDown });
  }

  /** Makes the node's on-active hook fail with `message` (or succeed again with `null`). */
  failActiveHook(name: string, message: string | null): void {
    this.node(name).failActiveHook = message;
  }

  /** An operator command sent to a node. */
  command(name: string, command: CommandName, target?: string, by = "alice", force = false): void {
    const input: EngineInput = { type: "command", command, by };
    if (target !== undefined) input.target = target;
    if (force) input.force = true;
    this.deliver(name, input);
  }

  /** Traffic reported at a node (active-active). */
  activity(name: string): void {
    this.deliver(name, { type: "activity" });
  }

  /** Delivers any input to a node now (buffered while it is frozen, lost while it is dead). */
  input(name: string, input: EngineInput): void {
    this.deliver(name, input);
  }

  /** Runs `run` on the simulated clock `ms` from now (for shells simulated beside the sim). */
  later(ms: number, run: () => void): void {
    this.at(this.t + ms, run);
  }

  private node(name: string): SimNode {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`no simulated node "${name}"`);
    return n;
  }

  private at(at: number, run: () => void): void {
    this.events.push({ at, seq: this.seq++, run });
  }

  private random(): number {
    // mulberry32: small, fast and deterministic.
    this.rngState = (this.rngState + 0x6d2b79f5) | 0;
    let x = this.rngState;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  }

  private boot(name: string, delayMs: number): void {
    const n = this.node(name);
    const epoch = n.epoch;
    this.at(this.t + delayMs, () => {
      if (n.epoch !== epoch) return;
      n.alive = true;
      n.state = initialState(n.options, n.persisted);
      n.inbox = [];
      this.beat(name, epoch);
      this.at(this.t + 1, () => {
        if (n.epoch === epoch) this.deliver(name, { type: "health", ...n.health });
      });
    });
  }

  /** Runs one engine step now (or buffers the input while frozen). */
  private deliver(name: string, input: EngineInput): void {
    const n = this.node(name);
    if (!n.alive) return;
    if (n.frozenUntil !== null) {
      n.inbox.push(input);
      return;
    }
    const { state, effects } = step(n.state, input, this.t + n.clockOffset);
    n.state = state;
    for (const effect of effects) {
      this.trace.push({ t: this.t, node: name, effect });
      this.apply(name, effect);
    }
    this.onStep?.(this, name, effects);
  }

  private apply(name: string, effect: Effect): void {
    const n = this.node(name);
    if (effect.type === "persist") n.persisted = structuredClone(effect.record);
    if (effect.type === "sendFence" || effect.type === "sendUnfence") {
      const type = effect.type === "sendFence" ? "fenceRequest" : "unfenceRequest";
      this.send(name, effect.peer, { type, from: name, term: effect.term });
    }
    if (effect.type === "runHook" && effect.event === "active" && n.failActiveHook) {
      const message = n.failActiveHook;
      const epoch = n.epoch;
      this.at(this.t + 5, () => {
        if (n.epoch === epoch)
          this.deliver(name, { type: "hookResult", hook: "active", ok: false, message });
      });
    }
  }

  /** A one-way message: lost on a cut link or to a dead process. */
  private send(from: string, to: string, input: EngineInput): void {
    if (!this.linked(from, to)) return;
    this.at(this.t + this.latency, () => {
      if (this.linked(from, to)) this.deliver(to, input);
    });
  }

  /** The node's heartbeat timer: tick, heartbeat every peer, check the witness. */
  private beat(name: string, epoch: number): void {
    const n = this.node(name);
    if (n.epoch !== epoch || !n.alive || n.frozenUntil !== null) return;
    this.deliver(name, { type: "tick" });
    for (const peer of n.options.peers) this.heartbeat(name, peer.name);
    if (n.options.witness) {
      const input: EngineInput = { type: "witness", reachable: n.witnessReachable };
      const route = n.options.witness.kind === "load-balancer" ? this.route() : null;
      if (route && n.witnessReachable) input.routesTo = route;
      this.deliver(name, input);
    }
    this.at(this.t + n.options.heartbeat.intervalMs, () => this.beat(name, epoch));
  }

  /** The load balancer keeps its route while that node serves, else moves to one that does. */
  private route(): string | null {
    if (this.lbPin) return this.lbPin === "none" ? null : this.lbPin;
    const ok = (name: string) => this.serving(name) && this.node(name).witnessReachable;
    if (this.lbRoute && ok(this.lbRoute)) return this.lbRoute;
    this.lbRoute = [...this.nodes.keys()].find(ok) ?? this.lbRoute;
    return this.lbRoute;
  }

  private heartbeat(from: string, to: string): void {
    const src = this.node(from);
    const dst = this.node(to);
    const epoch = src.epoch;
    const { timeoutMs } = src.options.heartbeat;
    const sentAt = this.t;
    const fail = (error: string, after: number) =>
      this.at(this.t + after, () => {
        if (src.epoch === epoch)
          this.deliver(from, { type: "heartbeatFailed", peer: to, error, sentAt });
      });
    const view = viewOf(src.state, this.t + src.wallSkewMs);
    if (!this.linked(from, to) || this.random() < this.dropRate) {
      fail("timeout", timeoutMs);
    } else if (!dst.alive) {
      fail("connection refused", this.latency);
    } else if (dst.frozenUntil !== null) {
      dst.inbox.push({ type: "heartbeatReceived", from: view });
      fail("timeout", timeoutMs);
    } else {
      this.at(this.t + this.latency, () => this.answer(from, to, view, epoch, sentAt));
    }
  }

  /** The peer handles the heartbeat and answers with its own view. */
  private answer(from: string, to: string, request: PeerView, epoch: number, sentAt: number): void {
    const src = this.node(from);
    const dst = this.node(to);
    const { timeoutMs } = src.options.heartbeat;
    const failLater = () =>
      this.at(this.t + timeoutMs - this.latency, () => {
        if (src.epoch === epoch)
          this.deliver(from, { type: "heartbeatFailed", peer: to, error: "timeout", sentAt });
      });
    if (!dst.alive || dst.frozenUntil !== null || !this.linked(from, to)) {
      failLater();
      return;
    }
    this.deliver(to, {
      type: "heartbeatReceived",
      from: request,
      localWallClockMs: this.t + dst.wallSkewMs,
    });
    const view = viewOf(dst.state, this.t + dst.wallSkewMs);
    if (this.random() < this.dropRate) {
      failLater();
      return;
    }
    this.at(this.t + this.latency, () => {
      if (src.epoch !== epoch) return;
      const wall = this.t + src.wallSkewMs;
      this.deliver(
        from,
        this.linked(from, to)
          ? { type: "heartbeatReply", peer: to, view, localWallClockMs: wall, sentAt }
          : { type: "heartbeatFailed", peer: to, error: "timeout", sentAt },
      );
    });
  }
}

/**
 * Options for a two-node pair "a" (rank 1) and "b" (rank 2) with 100 ms heartbeats, fall 3.
 *
 * @example
 * ```ts
 * const [a, b] = pairOptions({ failback: { mode: "auto", rise: 3, minStableMs: 2000 } });
 * ```
 */
export function pairOptions(
  overrides: Partial<EngineOptions> = {},
): [EngineOptions, EngineOptions] {
  const base = {
    clusterMode: "hot-standby" as const,
    heartbeat: { intervalMs: 100, timeoutMs: 80, fall: 3, rise: 3 },
    failback: { mode: "manual" as const, rise: 3, minStableMs: 2000 },
    witness: null,
    configHash: "1a2b3c4d",
    onActiveHookFailure: "step-down" as const,
    ...overrides,
  };
  return [
    { ...base, self: { name: "a", rank: 1 }, peers: [{ name: "b", rank: 2 }] },
    { ...base, self: { name: "b", rank: 2 }, peers: [{ name: "a", rank: 1 }] },
  ];
}
