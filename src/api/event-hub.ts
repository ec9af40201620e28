/**
 * `GET /v1/events`: a server-sent-events stream of role changes, switchover and reconnect
 * notices, for clients (attendant consoles, wallboards, scripts) that must follow the active
 * node without polling. A client that reconnects with `Last-Event-ID` gets what it missed, as
 * long as it is still in the replay buffer.
 */
import type { ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";

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
  event: "hello" | "role" | "switchover" | "reconnect";
  data: object;
}

/** Options of {@link EventHub}. */
export interface EventHubOptions {
  /** Events kept for clients that reconnect with `Last-Event-ID`. @default 100 */
  replay?: number;
  /** Most concurrent streams; more are answered 503. @default 100 */
  maxClients?: number;
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
  readonly #streams = new Set<ServerResponse>();
  readonly #recent: ClientEvent[] = [];
  readonly #replay: number;
  readonly maxClients: number;
  readonly keepAliveMs: number;
  #nextId = 1;

  constructor(options: EventHubOptions = {}) {
    this.#replay = options.replay ?? 100;
    this.maxClients = options.maxClients ?? 100;
    this.keepAliveMs = options.keepAliveMs ?? 15_000;
  }

  /** Number of open streams. */
  get clients(): number {
    return this.#streams.size;
  }

  /** Sends an event to every open stream and keeps it for replay. */
  publish(event: Exclude<ClientEvent["event"], "hello">, data: object): ClientEvent {
    const e: ClientEvent = { id: this.#nextId++, event, data };
    this.#recent.push(e);
    if (this.#recent.length > this.#replay) this.#recent.shift();
    const frame = frameOf(e);
    for (const stream of this.#streams) stream.write(frame);
    return e;
  }

  /** Adds a stream, replaying events after `lastId` (the caller keeps to `maxClients`). */
  attach(stream: ServerResponse, lastId: number | null): void {
    this.#streams.add(stream);
    if (lastId !== null) for (const e of this.#recent) if (e.id > lastId) stream.write(frameOf(e));
  }

  /** Removes a stream (its connection closed). */
  detach(stream: ServerResponse): void {
    this.#streams.delete(stream);
  }

  /** Ends every stream (the agent is stopping). */
  closeAll(): void {
    for (const stream of this.#streams) stream.end();
    this.#streams.clear();
  }

  /** The id the next event will get (the `hello` frame carries the last one sent). */
  get lastId(): number {
    return this.#nextId - 1;
  }
}

function frameOf(e: { id: number; event: string; data: object }): string {
  return `id: ${e.id}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

/**
 * Registers `GET /v1/events`. Each stream starts with a `hello` event carrying `hello()`
 * (the node's current role), then every published event.
 *
 * @example
 * ```ts
 * registerEventRoutes(app, hub, () => ({ node: agent.name, mode: agent.mode, serving: agent.serving }));
 * ```
 */
export function registerEventRoutes(
  app: FastifyInstance,
  hub: EventHub,
  hello: () => object,
): void {
  app.get("/v1/events", async (req, reply) => {
    const header = req.headers["last-event-id"];
    const lastId = typeof header === "string" && /^\d+$/.test(header) ? Number(header) : null;
    const raw = reply.raw;
    if (hub.clients >= hub.maxClients) {
      return reply.code(503).send({ error: `too many event streams (${hub.maxClients})` });
    }
    reply.hijack();
    // The API's request timeout must not cut a stream that is meant to stay open.
    req.raw.socket.setTimeout(0);
    raw.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    raw.write(`retry: 1000\n${frameOf({ id: hub.lastId, event: "hello", data: hello() })}`);
    hub.attach(raw, lastId);
    const keepAlive = setInterval(() => raw.write(": keep-alive\n\n"), hub.keepAliveMs);
    keepAlive.unref();
    const done = (): void => {
      clearInterval(keepAlive);
      hub.detach(raw);
    };
    raw.on("close", done);
    raw.on("error", done);
  });
}
