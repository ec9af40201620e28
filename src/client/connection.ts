/**
 * A client's connection to its servers: watches them (event streams for a pair, health checks
 * for an ordered list), keeps `current` on the server its policy chooses, and tells the
 * application with `active`, `switch`, `lost` and `restored` events.
 */
import { FOLLOW_PATH, type FollowReport, IDENTITY_PARAMS } from "../api/client-wire.js";
import { type Choice, choose } from "./choose.js";
import type { ResolvedOptions } from "./options.js";
import { checkHealth, firstHealthy } from "./ordered.js";
import { ServerStream, type ServerView } from "./server-stream.js";

/**
 * The events of a {@link Connection} and their listeners' arguments.
 *
 * - `active`: `current` became a server (the first choice, a switch or a restore).
 * - `switch`: `current` moved from one server to another.
 * - `lost`: every server is unreachable; `current` is null (show queues as closed).
 * - `restored`: a server is back after `lost`.
 */
export interface ConnectionEvents {
  active: (url: string, reason: string) => void;
  switch: (from: string, to: string, reason: string) => void;
  lost: (reason: string) => void;
  restored: (url: string, reason: string) => void;
}

/**
 * How long after a change a client reports the node it follows, drawn at random between the
 * two: after the switch itself, and spread so that a pair's clients do not all report at once.
 */
const FOLLOW_REPORT_DELAY = { minMs: 250, maxMs: 1000 } as const;

/** A random id that also works in a browser page served over plain HTTP (no randomUUID). */
function sessionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Created by `connect()`.
 *
 * @example
 * ```ts
 * const c = connect({ servers: ["http://10.0.0.11:7701", "http://10.0.0.12:7701"] });
 * c.on("switch", (from, to, why) => console.log(`now on ${to} (was ${from}): ${why}`));
 * ```
 */
export class Connection {
  readonly #options: ResolvedOptions;
  readonly #listeners = new Map<keyof ConnectionEvents, Set<(...args: string[]) => void>>();
  readonly #streams: ServerStream[] = [];
  readonly #session = sessionId();
  readonly #abort = new AbortController();
  #current: string | null = null;
  #lost = false;
  #closed = false;
  #healths: Array<boolean | null> = [];
  #healthTimer: ReturnType<typeof setTimeout> | null = null;
  #reportTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: ResolvedOptions) {
    this.#options = options;
    options.signal?.addEventListener("abort", () => this.close(), { once: true });
    if (options.signal?.aborted) this.#closed = true;
  }

  /** The URL in use now, or null (before the first choice, or while every server is lost). */
  get current(): string | null {
    return this.#current;
  }

  /** The id this client gives the servers (`session` in `GET /v1/clients`). */
  get session(): string {
    return this.#session;
  }

  /** What the client knows of each server (pair policies), in list order. */
  get servers(): ServerView[] {
    return this.#streams.map((s) => ({ ...s.view }));
  }

  /** Adds a listener; returns a function that removes it. */
  on<E extends keyof ConnectionEvents>(event: E, listener: ConnectionEvents[E]): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    const fn = listener as (...args: string[]) => void;
    set.add(fn);
    return () => set.delete(fn);
  }

  /**
   * Tells the client that the current server failed a request (`ordered`): it counts as
   * unhealthy until its next good check, so the next entry is used now.
   */
  reportError(url = this.#current): void {
    const i = this.#options.servers.findIndex((s) => s.url === url);
    if (this.#options.policy !== "ordered" || i < 0) return;
    this.#healths[i] = false;
    this.#decideOrdered(`${url} failed a request`);
  }

  /** Stops watching the servers; no event is emitted afterwards. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#abort.abort();
    for (const s of this.#streams) s.close();
    if (this.#healthTimer) clearTimeout(this.#healthTimer);
    if (this.#reportTimer) clearTimeout(this.#reportTimer);
  }

  /** Starts watching (called once by `connect`). */
  start(): void {
    if (this.#closed) return;
    void this.#loadCache();
    if (this.#options.policy === "ordered") {
      this.#healths = this.#options.servers.map(() => null);
      void this.#checkAll();
      return;
    }
    const query = this.#identityQuery();
    for (const server of this.#options.servers) {
      const stream: ServerStream = new ServerStream({
        url: server.url,
        query,
        transport: this.#options.transport,
        keepAliveMs: this.#options.keepAliveMs,
        silenceMs: this.#options.silenceMs,
        backoff: this.#options.backoff,
        onChange: (view) => this.#changed(view),
        onReconnect: (data) => this.#operatorReconnect(data.to, data.reason),
        othersUp: () => this.#streams.some((s) => s.view !== stream.view && s.view.state === "up"),
      });
      this.#streams.push(stream);
    }
    for (const s of this.#streams) s.start();
  }

  #identityQuery(): string {
    const id = this.#options.identity;
    if (!id) return "";
    const q = new URLSearchParams({
      [IDENTITY_PARAMS.session]: this.#session,
      [IDENTITY_PARAMS.name]: id.name,
      [IDENTITY_PARAMS.policy]: this.#options.policy,
    });
    if (id.version) q.set(IDENTITY_PARAMS.version, id.version);
    return q.toString();
  }

  readonly #reported = new Map<string, string | null>();

  #changed(view: ServerView): void {
    if (this.#closed) return;
    // A stream that (re)opened has a fresh entry on its server: tell it whom this client follows.
    if (view.state !== "up") this.#reported.delete(view.url);
    else if (!this.#reported.has(view.url)) this.#scheduleReport();
    const policy = this.#options.policy === "sticky" ? "sticky" : "follow";
    this.#apply(
      choose(
        policy,
        this.#streams.map((s) => s.view),
        this.#current,
      ),
    );
  }

  #operatorReconnect(to: string, reason: string): void {
    const target = this.#streams.find((s) => s.view.node === to && s.view.state === "up");
    if (!target || this.#closed) return;
    this.#apply({ url: target.view.url, reason: `operator: ${reason}` });
  }

  #apply(choice: Choice): void {
    const prev = this.#current;
    if (choice.url === prev) {
      if (choice.url === null && !this.#lost && this.#allDown()) {
        this.#lost = true;
        this.#emit("lost", choice.reason);
      }
      return;
    }
    this.#current = choice.url;
    if (choice.url === null) {
      this.#lost = true;
      this.#emit("lost", choice.reason);
    } else {
      if (prev !== null) this.#emit("switch", prev, choice.url, choice.reason);
      else if (this.#lost) this.#emit("restored", choice.url, choice.reason);
      this.#lost = false;
      this.#emit("active", choice.url, choice.reason);
      void this.#saveCache();
    }
    this.#scheduleReport();
  }

  #allDown(): boolean {
    if (this.#options.policy === "ordered") return this.#healths.every((h) => h === false);
    return this.#streams.every((s) => s.view.state === "down");
  }

  /**
   * Reports the followed node to the servers a little later (identified clients only). At a
   * failover every client of the pair switches at the same moment: reporting at once would land
   * thousands of requests on the new node just as it starts serving, and each client would
   * spend its CPU on them while other clients sharing its machine still wait to switch.
   */
  #scheduleReport(): void {
    if (!this.#options.identity || this.#reportTimer || this.#closed) return;
    const { minMs, maxMs } = FOLLOW_REPORT_DELAY;
    this.#reportTimer = setTimeout(
      () => {
        this.#reportTimer = null;
        this.#reportFollow();
      },
      minMs + Math.random() * (maxMs - minMs),
    );
  }

  /** Tells each server that is up the node this client follows, where it was not told yet. */
  #reportFollow(): void {
    if (this.#closed) return;
    const follows = this.#streams.find((s) => s.view.url === this.#current)?.view.node ?? null;
    const body: FollowReport = { session: this.#session, follows };
    for (const { view: v } of this.#streams) {
      if (v.state !== "up" || this.#reported.get(v.url) === follows) continue;
      this.#reported.set(v.url, follows);
      // A plain-text body keeps this a "simple" cross-origin request in browsers (no preflight).
      fetch(`${v.url.replace(/\/+$/, "")}${FOLLOW_PATH}`, {
        method: "POST",
        body: JSON.stringify(body),
        signal: this.#abort.signal,
      }).then(
        (res) => {
          if (!res.ok) this.#reported.delete(v.url);
          return res.body?.cancel();
        },
        () => this.#reported.delete(v.url),
      );
    }
  }

  #emit<E extends keyof ConnectionEvents>(
    event: E,
    ...args: Parameters<ConnectionEvents[E]>
  ): void {
    if (this.#closed) return;
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        listener(...args);
      } catch (err) {
        // A listener's bug must not stop the client from following the servers.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  async #checkAll(): Promise<void> {
    const o = this.#options;
    await Promise.all(
      o.servers.map(async (s, i) => {
        const ok = await checkHealth(s.health ?? s.url, o.healthTimeoutMs, this.#abort.signal);
        if (this.#closed) return;
        this.#healths[i] = ok;
        this.#decideOrdered(ok ? `${s.url} healthy` : `${s.url} failed its health check`);
      }),
    );
    if (this.#closed) return;
    this.#healthTimer = setTimeout(() => void this.#checkAll(), o.healthIntervalMs);
  }

  #decideOrdered(event: string): void {
    const url = firstHealthy(this.#options.servers, this.#healths);
    if (url === undefined) return;
    const i = this.#options.servers.findIndex((s) => s.url === url);
    const skipped = this.#options.servers
      .slice(0, i < 0 ? undefined : i)
      .map((s) => s.url)
      .join(", ");
    const reason =
      url === null
        ? "no entry is healthy"
        : `${url} is the first healthy entry${skipped ? ` (not healthy: ${skipped})` : ""}; ${event}`;
    this.#apply({ url, reason });
  }

  async #loadCache(): Promise<void> {
    const cache = this.#options.cache;
    if (!cache) return;
    try {
      const saved = await cache.load();
      const known = saved?.current;
      // Only a start-up guess: the first answer from a server replaces it.
      if (known && this.#current === null && !this.#lost && !this.#closed) {
        this.#current = known;
        this.#emit(
          "active",
          known,
          `last known server (saved ${saved.savedAt}); none answered yet`,
        );
      }
    } catch {
      // An unreadable cache is the same as none.
    }
  }

  async #saveCache(): Promise<void> {
    const cache = this.#options.cache;
    if (!cache) return;
    try {
      await cache.save({
        servers: this.#options.servers.map((s) => s.url),
        current: this.#current,
        savedAt: new Date().toISOString(),
      });
    } catch {
      // A full or read-only store must not stop the client.
    }
  }
}
