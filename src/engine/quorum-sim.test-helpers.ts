/**
 * A simulated etcd beside {@link Sim}: one leader key backed by leases, each node's quorum
 * shell (keep-alives every `keepAliveMs`, a watch, campaign/replace/resign), and links between
 * each node and etcd that can be cut. It carries out the engine's `quorum` effects the way
 * `src/quorum/` does against a real etcd, so property tests can check the lease rules under
 * any interleaving of kills, freezes, partitions and clock jumps.
 */
import type { Sim } from "./sim.test-helpers.js";
import type { Effect, EngineOptions, QuorumObservation } from "./types.js";

/**
 * Lease settings of the simulated quorum.
 *
 * @example
 * ```ts
 * const settings: QuorumSimSettings = { ttlMs: 1000, keepAliveMs: 250, marginMs: 100, latencyMs: 2 };
 * ```
 */
export interface QuorumSimSettings {
  ttlMs: number;
  keepAliveMs: number;
  marginMs: number;
  latencyMs: number;
}

interface Client {
  lease: number | null;
  held: boolean;
  validUntil: number | null;
  /** Bumped on kill so replies to an older process are dropped. */
  epoch: number;
}

/**
 * The simulated etcd and every node's quorum shell.
 *
 * @example
 * ```ts
 * const sim = new Sim(quorumPairOptions(), { onStep: (s, n, fx) => etcd.onStep(n, fx) });
 * const etcd = new SimEtcd(sim, ["a", "b"], settings);
 * etcd.cutFrom("a"); sim.runFor(3000); // a stops serving before b can take the key
 * ```
 */
export class SimEtcd {
  key: { holder: string; lease: number; revision: number } | null = null;
  revision = 1;
  readonly leases = new Map<number, { owner: string; expiresAt: number }>();
  /** Nodes cut off from etcd. */
  readonly cut = new Set<string>();
  readonly clients = new Map<string, Client>();
  #nextLease = 1;

  constructor(
    readonly sim: Sim,
    readonly names: string[],
    readonly settings: QuorumSimSettings,
  ) {
    for (const n of names)
      this.clients.set(n, { lease: null, held: false, validUntil: null, epoch: 0 });
    for (const n of names) this.keepAliveLoop(n);
    this.expiryLoop();
  }

  /** Cuts the link between a node and etcd. */
  cutFrom(name: string): void {
    this.cut.add(name);
  }

  /** Restores every node's link to etcd; each watch resynchronises, as on a reconnect. */
  healAll(): void {
    const wereCut = [...this.cut];
    this.cut.clear();
    for (const n of wereCut) this.sim.later(this.settings.latencyMs, () => this.observe(n));
  }

  /** Kills the node's process: its shell state is gone, its lease lives until it expires. */
  kill(name: string): void {
    this.sim.kill(name);
    this.reset(name);
  }

  /** Restarts the node's process. */
  restart(name: string, delayMs = 0): void {
    this.sim.restart(name, delayMs);
    this.reset(name);
  }

  /** Hook for the sim's `onStep`: carries out the quorum effects of one step. */
  onStep(name: string, effects: Effect[]): void {
    for (const e of effects) {
      if (e.type !== "quorum") continue;
      if (e.action === "resign") this.resign(name);
      else this.claim(name, e.action === "replace" ? e.revision : null);
    }
  }

  private client(name: string): Client {
    const c = this.clients.get(name);
    if (!c) throw new Error(`no quorum client for "${name}"`);
    return c;
  }

  private reset(name: string): void {
    const c = this.client(name);
    c.epoch += 1;
    c.lease = null;
    c.held = false;
    c.validUntil = null;
  }

  /** A request from `name` reaching etcd after the latency, and its answer coming back. */
  private request(name: string, atEtcd: () => (() => void) | null): void {
    const c = this.client(name);
    const epoch = c.epoch;
    const lat = this.settings.latencyMs;
    if (this.cut.has(name)) return;
    this.sim.later(lat, () => {
      if (this.cut.has(name)) return;
      this.expire();
      const reply = atEtcd();
      if (!reply) return;
      this.sim.later(lat, () => {
        if (c.epoch === epoch && !this.cut.has(name)) reply();
      });
    });
  }

  private observe(name: string, holderOverride?: string | null): void {
    const c = this.client(name);
    const obs: QuorumObservation = {
      holder: holderOverride !== undefined ? holderOverride : (this.key?.holder ?? null),
      revision: this.key?.revision ?? this.revision,
      held: c.held,
      validUntil: c.held ? c.validUntil : null,
      error: null,
    };
    this.sim.input(name, { type: "quorum", ...obs });
    if (c.held && c.validUntil !== null) {
      // The real shell arms a timer for the deadline; so does this one.
      const epoch = c.epoch;
      this.sim.later(Math.max(0, c.validUntil - this.sim.t), () => {
        if (c.epoch === epoch) this.sim.input(name, { type: "tick" });
      });
    }
  }

  private claim(name: string, replaceRevision: number | null): void {
    const c = this.client(name);
    if (c.held) return;
    const sentAt = this.sim.t;
    this.request(name, () => {
      const free = this.key === null;
      const replace = replaceRevision !== null && this.key?.revision === replaceRevision;
      if (!free && !replace) return () => this.observe(name);
      const lease = this.#nextLease++;
      this.leases.set(lease, { owner: name, expiresAt: this.sim.t + this.settings.ttlMs });
      this.revision += 1;
      this.key = { holder: name, lease, revision: this.revision };
      this.notifyWatchers(name);
      return () => {
        c.lease = lease;
        c.held = true;
        c.validUntil = sentAt + this.settings.ttlMs - this.settings.marginMs;
        this.observe(name);
      };
    });
  }

  private resign(name: string): void {
    const c = this.client(name);
    const lease = c.lease;
    c.held = false;
    c.validUntil = null;
    c.lease = null;
    if (lease === null) return;
    this.request(name, () => {
      this.leases.delete(lease);
      if (this.key?.lease === lease) {
        this.key = null;
        this.revision += 1;
        this.notifyWatchers(null);
      }
      return null;
    });
  }

  private keepAliveLoop(name: string): void {
    const c = this.client(name);
    this.sim.later(this.settings.keepAliveMs, () => this.keepAliveLoop(name));
    if (!this.sim.running(name) || !c.held || c.lease === null) return;
    const lease = c.lease;
    const sentAt = this.sim.t;
    this.request(name, () => {
      const l = this.leases.get(lease);
      if (!l) {
        return () => {
          if (c.lease !== lease) return;
          c.held = false;
          c.validUntil = null;
          c.lease = null;
          this.observe(name);
        };
      }
      l.expiresAt = this.sim.t + this.settings.ttlMs;
      return () => {
        if (c.lease !== lease || !c.held) return;
        c.validUntil = sentAt + this.settings.ttlMs - this.settings.marginMs;
        this.observe(name);
      };
    });
  }

  private expiryLoop(): void {
    this.expire();
    this.sim.later(50, () => this.expiryLoop());
  }

  private expire(): void {
    for (const [id, l] of this.leases) {
      if (l.expiresAt > this.sim.t) continue;
      this.leases.delete(id);
      if (this.key?.lease === id) {
        this.key = null;
        this.revision += 1;
        this.notifyWatchers(null);
      }
    }
  }

  /** The watch: every node reachable from etcd hears of the change after the latency. */
  private notifyWatchers(holder: string | null): void {
    for (const n of this.names) {
      const c = this.client(n);
      const epoch = c.epoch;
      if (this.cut.has(n)) continue;
      this.sim.later(this.settings.latencyMs, () => {
        if (c.epoch !== epoch || this.cut.has(n)) return;
        if (holder !== n && c.held) {
          // Someone else holds the key: this node's lease is gone or replaced.
          c.held = false;
          c.validUntil = null;
          c.lease = null;
        }
        this.observe(n, holder);
      });
    }
  }
}

/**
 * Engine options for `count` nodes n1, n2, … (rank = index + 1) with a quorum.
 *
 * @example
 * ```ts
 * const options = quorumOptions(3); // n1, n2, n3
 * ```
 */
export function quorumOptions(count: number, fastTakeover = true): EngineOptions[] {
  const names = Array.from({ length: count }, (_, i) => ({ name: `n${i + 1}`, rank: i + 1 }));
  return names.map((self) => ({
    self,
    peers: names.filter((n) => n.name !== self.name),
    clusterMode: "hot-standby" as const,
    heartbeat: { intervalMs: 100, timeoutMs: 80, fall: 3, rise: 3 },
    failback: { mode: "manual" as const, rise: 3, minStableMs: 2000 },
    witness: null,
    configHash: "1a2b3c4d",
    onActiveHookFailure: "step-down" as const,
    quorum: { fastTakeover, freeGraceMs: 600 },
  }));
}
