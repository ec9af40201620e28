/**
 * `GET /v1/events`: a server-sent-events stream of role changes, switchover and reconnect
 * notices, for clients (attendant consoles, wallboards, scripts) that must follow the active
 * node without polling. A client that reconnects with `Last-Event-ID` gets what it missed, as
 * long as it is still in the replay buffer.
 */
import type { ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import type { ClientsDocument, ConnectedClient, FollowReport } from "./client-wire.js";
import { FOLLOW_PATH, IDENTITY_PARAMS } from "./client-wire.js";

/**
 * One client event.
 *
 * @example
 * ```ts
 * const e: ClientEvent = { id: 7, event: "role", data: { node: "b", from: "STANDBY", to: "ACTIVE", term: 3 } };
 * ```
 */
export interface ClientEvent {
  id: number;
  event: "hello" | "role" | "serving" | "switchover" | "reconnect";
  data: object;
}

/** Options of {@link EventHub}. */
export interface EventHubOptions {
  /** Events kept for clients that reconnect with `Last-Event-ID`. @default 100 */
  replay?: number;
  /** Most concurrent streams; more are answered 503. @default 500 */
  maxClients?: number;
  /**
   * Told of each stream refused for `maxClients` (the agent logs them, summed per 10 s).
   * @default none
   */
  onRefused?: () => void;
  /** Comment line sent to keep idle connections (and proxies) alive, in ms. @default 15000 */
  keepAliveMs?: number;
}

/**
 * Fans events out to every open stream.
 *
 * @example
 * ```ts
 * const hub = new EventHub();
 * registerEventRoutes(app, hub, () => ({ node: "a", mode: "ACTIVE", term: 2 }));
 * hub.publish("role", { node: "a", from: "STANDBY", to: "ACTIVE", term: 2 });
 * ```
 */
export class EventHub {
  readonly #streams = new Map<ServerResponse, ConnectedClient>();
  /**
   * The identified streams by session: a follow report finds its streams without a scan, as
   * thousands of clients report right after a failover.
   */
  readonly #sessions = new Map<string, Set<ConnectedClient>>();
  /** Each kept event's id and frame, so a replay does no JSON work per stream. */
  readonly #recent: Array<{ id: number; frame: string }> = [];
  readonly #replay: number;
  readonly maxClients: number;
  readonly keepAliveMs: number;
  readonly #onRefused: () => void;
  #nextId = 1;

  constructor(options: EventHubOptions = {}) {
    this.#replay = options.replay ?? 100;
    this.maxClients = options.maxClients ?? 500;
    this.keepAliveMs = options.keepAliveMs ?? 15_000;
    this.#onRefused = options.onRefused ?? (() => {});
  }

  /** Number of open streams. */
  get clients(): number {
    return this.#streams.size;
  }

  /**
   * Sends an event to every open stream and keeps it for replay. The frame is serialised once
   * and the same string written to each stream.
   */
  publish(event: Exclude<ClientEvent["event"], "hello">, data: object): ClientEvent {
    const e: ClientEvent = { id: this.#nextId++, event, data };
    const frame = frameOf(e);
    this.#recent.push({ id: e.id, frame });
    if (this.#recent.length > this.#replay) this.#recent.shift();
    for (const stream of this.#streams.keys()) stream.write(frame);
    return e;
  }

  /** Whether a new stream must be refused (`maxClients` are open); counts the refusal. */
  refuse(): boolean {
    if (this.#streams.size < this.maxClients) return false;
    this.#onRefused();
    return true;
  }

  /**
   * Adds a stream with who opened it, replaying events after `lastId` (the caller keeps to
   * `maxClients`).
   */
  attach(stream: ServerResponse, lastId: number | null, client: ConnectedClient): void {
    this.#streams.set(stream, client);
    if (client.session !== null) {
      const same = this.#sessions.get(client.session);
      if (same) same.add(client);
      else this.#sessions.set(client.session, new Set([client]));
    }
    if (lastId === null) return;
    for (const { id, frame } of this.#recent) if (id > lastId) stream.write(frame);
  }

  /** Removes a stream (its connection closed). */
  detach(stream: ServerResponse): void {
    const client = this.#streams.get(stream);
    this.#streams.delete(stream);
    if (client?.session == null) return;
    const same = this.#sessions.get(client.session);
    same?.delete(client);
    if (same?.size === 0) this.#sessions.delete(client.session);
  }

  /** Ends every stream (the agent is stopping). */
  closeAll(): void {
    for (const stream of this.#streams.keys()) stream.end();
    this.#streams.clear();
    this.#sessions.clear();
  }

  /** Records the node a client follows now; false when no open stream has that session. */
  follow(report: FollowReport): boolean {
    const same = this.#sessions.get(report.session);
    for (const client of same ?? []) client.follows = report.follows;
    return same !== undefined;
  }

  /** The open streams' clients, oldest first. */
  connected(): ConnectedClient[] {
    return [...this.#streams.values()].map((c) => ({ ...c }));
  }

  /** The id the next event will get (the `hello` frame carries the last one sent). */
  get lastId(): number {
    return this.#nextId - 1;
  }
}

function frameOf(e: { id: number; event: string; data: object }): string {
  return `id: ${e.id}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

/** Longest and shortest keep-alive interval a client may ask for, in ms. */
const KEEP_ALIVE_RANGE = { min: 1000, max: 60_000 } as const;

/** Identity fields are free text from the network: keep them short and printable. */
function identityField(value: unknown): string | null {
  if (typeof value !== "string" || value === "") return null;
  return value.replace(/[^\x20-\x7e]/g, "").slice(0, 80) || null;
}

/** A cross-origin console (served by the other node) must be able to read the stream. */
const CORS = { "access-control-allow-origin": "*" } as const;

/**
 * Registers `GET /v1/events`, `GET /v1/clients` and `POST /v1/clients/follow`. Each stream
 * starts with a `hello` event carrying `hello()` (the node's current role) and the stream's
 * keep-alive interval, then every published event. A client identifies itself with the
 * {@link IDENTITY_PARAMS} query parameters and reports the node it follows to `FOLLOW_PATH`.
 *
 * @example
 * ```ts
 * registerEventRoutes(app, hub, () => ({ node: agent.name, mode: agent.mode, serving: agent.serving }));
 * ```
 */
export function registerEventRoutes(
  app: FastifyInstance,
  hub: EventHub,
  hello: () => { node: string } & object,
): void {
  app.get("/v1/events", async (req, reply) => {
    const header = req.headers["last-event-id"];
    const lastId = typeof header === "string" && /^\d+$/.test(header) ? Number(header) : null;
    const query = (req.query ?? {}) as Record<string, unknown>;
    const asked = Number(query[IDENTITY_PARAMS.keepAlive]);
    const keepAliveMs = Number.isFinite(asked)
      ? Math.min(KEEP_ALIVE_RANGE.max, Math.max(KEEP_ALIVE_RANGE.min, Math.round(asked)))
      : hub.keepAliveMs;
    const raw = reply.raw;
    if (hub.refuse()) {
      return reply
        .code(503)
        .headers(CORS)
        .send({ error: `too many event streams (${hub.maxClients})` });
    }
    reply.hijack();
    // The API's request timeout must not cut a stream that is meant to stay open.
    req.raw.socket.setTimeout(0);
    raw.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
      ...CORS,
    });
    const data = { ...hello(), keepAliveMs };
    raw.write(`retry: 1000\n${frameOf({ id: hub.lastId, event: "hello", data })}`);
    hub.attach(raw, lastId, {
      session: identityField(query[IDENTITY_PARAMS.session]),
      name: identityField(query[IDENTITY_PARAMS.name]),
      version: identityField(query[IDENTITY_PARAMS.version]),
      policy: identityField(query[IDENTITY_PARAMS.policy]),
      follows: null,
      remote: req.ip,
      since: new Date().toISOString(),
    });
    // A browser's EventSource hides comments, so a client that asked for a keep-alive interval
    // (to detect a silent stream) gets it as an event it can see.
    const ping = Number.isFinite(asked) ? "event: keep-alive\ndata: {}\n\n" : ": keep-alive\n\n";
    const keepAlive = setInterval(() => raw.write(ping), keepAliveMs);
    keepAlive.unref();
    const done = (): void => {
      clearInterval(keepAlive);
      hub.detach(raw);
    };
    raw.on("close", done);
    raw.on("error", done);
  });

  app.get("/v1/clients", async (_req, reply) => {
    const doc: ClientsDocument = {
      node: hello().node,
      streams: hub.clients,
      clients: hub.connected(),
    };
    return reply.headers(CORS).send(doc);
  });

  // Browsers send this as a simple text/plain request (no preflight); Fastify reads it as text.
  app.post(FOLLOW_PATH, async (req, reply) => {
    let body: unknown = req.body;
    try {
      if (typeof body === "string") body = JSON.parse(body);
    } catch {
      body = null;
    }
    const report = body as Partial<FollowReport> | null;
    const session = identityField(report?.session);
    const follows = report?.follows === null ? null : identityField(report?.follows);
    if (!session || (follows === null && report?.follows !== null)) {
      return reply
        .code(400)
        .headers(CORS)
        .send({
          error: `expected {"session": ID, "follows": NODE or null}, got ${JSON.stringify(body)?.slice(0, 200)}`,
        });
    }
    const known = hub.follow({ session, follows });
    return reply
      .code(known ? 200 : 404)
      .headers(CORS)
      .send(
        known ? { session, follows } : { error: `no open event stream has session "${session}"` },
      );
  });
}
