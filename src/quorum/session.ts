/**
 * The quorum shell of one node: it keeps this node's view of the etcd leader key current
 * (a watch, plus a read every keep-alive interval in case a watch stream goes silent), claims
 * and gives back the key when the engine asks, and keeps the lease alive while it holds it.
 * Every change becomes one engine input; the engine decides what it means.
 *
 * The serving deadline is measured on this process's monotonic clock from when the last
 * successful keep-alive (or the grant) was SENT: etcd restarts the lease's TTL only on
 * receiving it, so `sentAt + TTL` is never later than the expiry etcd applies, and the margin
 * covers this process being late to act on the deadline.
 */
import type { QuorumEffect, QuorumObservation } from "../engine/types.js";
import type { EtcdClient, EtcdKv } from "./etcd-client.js";

/** Options of {@link QuorumSession}. */
export interface QuorumSessionOptions {
  etcd: EtcdClient;
  /** The leader key, e.g. `/tandem/leader`. */
  key: string;
  /** This node's name: the key's value while it holds it. */
  name: string;
  /** Lease TTL asked of etcd, in whole seconds. */
  ttlSeconds: number;
  /** Time between keep-alives (and between reads of the key). */
  keepAliveMs: number;
  /** How long before the lease could expire this node stops serving. */
  marginMs: number;
  /** Monotonic milliseconds. @default performance.now */
  now?: () => number;
  /** Every change of what this node knows of the key. */
  onObservation: (obs: QuorumObservation) => void;
  /** Called when the serving deadline passes, so the engine steps at that instant. */
  onDeadline: () => void;
}

/**
 * One node's session with the quorum.
 *
 * @example
 * ```ts
 * const session = new QuorumSession({ etcd, key: "/tandem/leader", name: "a", ttlSeconds: 2,
 *   keepAliveMs: 500, marginMs: 500, onObservation: (o) => node.input({ type: "quorum", ...o }),
 *   onDeadline: () => node.input({ type: "tick" }) });
 * session.start();
 * session.carryOut({ type: "quorum", action: "campaign" });
 * ```
 */
export class QuorumSession {
  readonly #o: QuorumSessionOptions;
  readonly #now: () => number;
  readonly #abort = new AbortController();
  #holder: string | null = null;
  #revision = 0;
  #lease: string | null = null;
  #validUntil: number | null = null;
  #error: string | null = "not connected to the quorum yet";
  #claiming = false;
  #keepAliveInFlight = false;
  #loop: NodeJS.Timeout | undefined;
  #deadline: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: QuorumSessionOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Starts the watch and the keep-alive/read loop. */
  start(): void {
    void this.#watchLoop();
    const tick = (): void => {
      if (this.#stopped) return;
      void this.#keepAlive();
      void this.#read();
      this.#loop = setTimeout(tick, this.#o.keepAliveMs);
    };
    tick();
  }

  /** Whether the lease lets this node serve at this instant (its deadline has not passed). */
  leaseValid(): boolean {
    return this.#lease !== null && this.#validUntil !== null && this.#now() < this.#validUntil;
  }

  /** Carries out an engine effect. */
  carryOut(effect: QuorumEffect): void {
    if (effect.action === "resign") void this.#resign();
    else void this.#claim(effect.action === "replace" ? effect.revision : 0);
  }

  /** Stops every loop; a held key is given back so another node can take it at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort.abort();
    clearTimeout(this.#loop);
    clearTimeout(this.#deadline);
    await this.#resign();
  }

  #observe(): void {
    if (this.#stopped) return;
    const held = this.#lease !== null;
    this.#o.onObservation({
      holder: this.#holder,
      revision: this.#revision,
      held,
      validUntil: held ? this.#validUntil : null,
      error: this.#error,
    });
  }

  /** Takes in the key as read or watched at `revision`; older news than we have is ignored. */
  #see(kv: EtcdKv | null, revision: number): void {
    if (revision < this.#revision) return;
    const holder = kv ? kv.value : null;
    const changed = holder !== this.#holder || revision !== this.#revision;
    this.#holder = holder;
    this.#revision = kv ? kv.modRevision : revision;
    if (this.#lease !== null && (holder !== this.#o.name || kv?.lease !== this.#lease)) {
      this.#drop(holder ? `the key now names "${holder}"` : "the key was deleted");
      return;
    }
    if (changed) this.#observe();
  }

  #drop(why: string): void {
    this.#lease = null;
    this.#validUntil = null;
    this.#error = why;
    clearTimeout(this.#deadline);
    this.#observe();
  }

  #fail(what: string, err: unknown): void {
    const message = `${what}: ${(err as Error).message}`;
    if (message === this.#error) return;
    this.#error = message;
    this.#observe();
  }

  async #read(): Promise<void> {
    try {
      const { kv, revision } = await this.#o.etcd.get(this.#o.key);
      if (this.#stopped) return;
      const before = this.#error;
      if (this.#lease === null) this.#error = null;
      this.#see(kv, kv ? kv.modRevision : revision);
      if (before !== this.#error) this.#observe();
    } catch (err) {
      if (!this.#stopped) this.#fail("cannot read the quorum key", err);
    }
  }

  async #watchLoop(): Promise<void> {
    while (!this.#stopped) {
      try {
        const { kv, revision } = await this.#o.etcd.get(this.#o.key);
        this.#see(kv, kv ? kv.modRevision : revision);
        await this.#o.etcd.watch(this.#o.key, revision + 1, this.#abort.signal, (e) =>
          this.#see(e.type === "DELETE" ? null : e.kv, e.kv.modRevision),
        );
      } catch (err) {
        if (this.#stopped) return;
        this.#fail("quorum watch failed", err);
      }
      if (this.#stopped) return;
      await new Promise((r) => setTimeout(r, this.#o.keepAliveMs));
    }
  }

  async #claim(ifRevision: number): Promise<void> {
    if (this.#claiming || this.#lease !== null || this.#stopped) return;
    this.#claiming = true;
    try {
      const sentAt = this.#now();
      const { id, ttlSeconds } = await this.#o.etcd.grant(this.#o.ttlSeconds);
      const r = await this.#o.etcd.putIf(this.#o.key, this.#o.name, id, ifRevision);
      if (!r.succeeded || this.#stopped) {
        void this.#o.etcd.revoke(id).catch(() => undefined);
        if (!r.succeeded) this.#see(r.current, r.current?.modRevision ?? this.#revision);
        return;
      }
      this.#lease = id;
      this.#holder = this.#o.name;
      this.#revision = r.revision;
      this.#error = null;
      this.#extend(sentAt, ttlSeconds);
    } catch (err) {
      this.#fail("cannot claim the quorum key", err);
    } finally {
      this.#claiming = false;
    }
  }

  async #keepAlive(): Promise<void> {
    const lease = this.#lease;
    if (lease === null || this.#keepAliveInFlight) return;
    this.#keepAliveInFlight = true;
    try {
      const sentAt = this.#now();
      const ttl = await this.#o.etcd.keepAlive(lease);
      if (lease !== this.#lease) return;
      if (ttl <= 0) {
        this.#drop("the lease expired at etcd");
        return;
      }
      this.#error = null;
      this.#extend(sentAt, Math.min(ttl, this.#o.ttlSeconds));
    } catch (err) {
      if (lease === this.#lease) this.#fail("keep-alive failed", err);
    } finally {
      this.#keepAliveInFlight = false;
    }
  }

  /** A confirmed grant or keep-alive sent at `sentAt`: the deadline moves, a timer marks it. */
  #extend(sentAt: number, ttlSeconds: number): void {
    this.#validUntil = sentAt + ttlSeconds * 1000 - this.#o.marginMs;
    clearTimeout(this.#deadline);
    this.#deadline = setTimeout(
      () => this.#o.onDeadline(),
      Math.max(0, this.#validUntil - this.#now()),
    );
    this.#observe();
  }

  async #resign(): Promise<void> {
    const lease = this.#lease;
    if (lease === null) return;
    this.#lease = null;
    this.#validUntil = null;
    clearTimeout(this.#deadline);
    if (!this.#stopped) this.#observe();
    try {
      await this.#o.etcd.revoke(lease);
    } catch (err) {
      // The lease runs out by itself within its TTL; nothing else to do.
      this.#error = `could not revoke the lease (it expires by itself): ${(err as Error).message}`;
    }
  }
}
