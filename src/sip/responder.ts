/**
 * The SIP availability responder: UDP and TCP listeners that answer OPTIONS with 200 while the
 * node serves and 503 (or nothing) while it does not, so a PBX `qualify`, an SBC or a Kamailio
 * dispatcher can route calls by probing it. The decisions are in {@link decideSipResponse};
 * this file only moves bytes.
 */
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createServer, type Server, type Socket } from "node:net";
import type { ListenError } from "../errors.js";
import type { Logger } from "../log/logger.js";
import { listenError } from "../net/bind-error.js";
import { SipStreamFramer } from "./framer.js";
import { DEFAULT_SIP_LIMITS, type SipLimits } from "./limits.js";
import { parseSipMessage } from "./parse.js";
import { decideSipResponse, type SipDecision, type SipPolicy } from "./respond.js";
import type { SipSource } from "./route.js";
import { serializeSipMessage } from "./serialize.js";

/** One listening address: its transports, and how it answers while the node is not serving. */
export interface SipListenerOptions extends SipPolicy {
  /** IP address to bind, e.g. `0.0.0.0`, `::` or `10.0.0.11`. */
  address: string;
  /** Port; 0 picks a free one (both transports then share it). */
  port: number;
  /** @default ["udp", "tcp"] */
  transports: readonly ("udp" | "tcp")[];
}

/** Bounds on resources one responder may use. */
export interface SipResponderLimits extends SipLimits {
  /** Most open TCP connections per listener; more are closed at once. @default 256 */
  maxConnections: number;
  /** A TCP connection that sends nothing for this long is closed (ms). @default 30000 */
  idleTimeoutMs: number;
  /** Unsent reply bytes a TCP peer may leave unread before it is disconnected. @default 262144 */
  maxPendingWriteBytes: number;
}

/** Options of {@link SipResponder}. */
export interface SipResponderOptions {
  listeners: readonly SipListenerOptions[];
  /** Asked for every request; a throw counts as not serving. */
  availability: () => { serving: boolean };
  /** Where listening, bind failures and dropped input are logged. */
  logger?: Logger;
  limits?: Partial<SipResponderLimits>;
}

/**
 * What the responder has done since it started. Every request is counted once in `requests`
 * and once in exactly one of `ok200`, `unavailable503`, `otherResponses` or `silent`;
 * `malformed` counts input dropped without an answer (not SIP, over a limit, lacking what a
 * reply needs, or a response).
 */
export interface SipCounters {
  requests: number;
  ok200: number;
  unavailable503: number;
  otherResponses: number;
  silent: number;
  malformed: number;
}

/** One bound socket, with what its listener does while the node does not serve. */
export interface SipBoundPort {
  transport: "udp" | "tcp";
  address: string;
  port: number;
  whenNotServing: "reject" | "silent";
}

const DEFAULT_LIMITS: SipResponderLimits = {
  ...DEFAULT_SIP_LIMITS,
  maxConnections: 256,
  idleTimeoutMs: 30_000,
  maxPendingWriteBytes: 262_144,
};

/** Attempts at binding UDP and TCP to one free port when a listener asks for port 0. */
const SHARED_PORT_ATTEMPTS = 5;

/**
 * Answers SIP OPTIONS according to the node's availability.
 *
 * @example
 * ```ts
 * const responder = new SipResponder({
 *   listeners: [{ address: "0.0.0.0", port: 5070, transports: ["udp", "tcp"], whenNotServing: "reject", retryAfter: 30 }],
 *   availability: () => ({ serving: agent.isServing() }),
 *   logger,
 * });
 * await responder.start();     // throws ListenError when a port cannot be bound
 * responder.counters();        // { requests: 0, ok200: 0, … }
 * await responder.close();
 * ```
 */
export class SipResponder {
  readonly #options: SipResponderOptions;
  readonly #limits: SipResponderLimits;
  readonly #counters: SipCounters = {
    requests: 0,
    ok200: 0,
    unavailable503: 0,
    otherResponses: 0,
    silent: 0,
    malformed: 0,
  };
  readonly #udp: { socket: UdpSocket; bound: SipBoundPort }[] = [];
  readonly #tcp: { server: Server; bound: SipBoundPort }[] = [];
  readonly #connections = new Set<Socket>();
  #started: Promise<void> | undefined;
  #closed: Promise<void> | undefined;

  constructor(options: SipResponderOptions) {
    this.#options = options;
    this.#limits = { ...DEFAULT_LIMITS, ...options.limits };
  }

  /**
   * Binds every listener. On a bind failure the listeners already bound are closed and a
   * {@link ListenError} names the transport, address and port. Calling it again returns the
   * same promise.
   */
  start(): Promise<void> {
    this.#started ??= this.#start();
    return this.#started;
  }

  /** Closes every socket and connection; resolves when the ports are free. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  /** A snapshot of the counters. */
  counters(): SipCounters {
    return { ...this.#counters };
  }

  /** The sockets bound by {@link start}, with their actual ports. */
  boundPorts(): SipBoundPort[] {
    return [...this.#udp.map((u) => u.bound), ...this.#tcp.map((t) => t.bound)];
  }

  async #start(): Promise<void> {
    try {
      for (const listener of this.#options.listeners) await this.#bindListener(listener);
    } catch (err) {
      await this.#close();
      throw err;
    }
    for (const bound of this.boundPorts()) {
      this.#options.logger?.info(
        { event: "sip_listening", ...bound },
        `SIP responder listening on ${bound.transport} ${hostPort(bound.address, bound.port)}`,
      );
    }
  }

  async #bindListener(listener: SipListenerOptions): Promise<void> {
    const transports = [...new Set(listener.transports)];
    if (listener.port !== 0 || transports.length < 2) {
      for (const transport of transports) await this.#bind(listener, transport, listener.port);
      return;
    }
    for (let attempt = 1; ; attempt++) {
      const port = await this.#bind(listener, "tcp", 0);
      try {
        await this.#bind(listener, "udp", port);
        return;
      } catch (err) {
        const last = this.#tcp.pop();
        await new Promise<void>((resolve) => last?.server.close(() => resolve()) ?? resolve());
        if (attempt >= SHARED_PORT_ATTEMPTS) throw err;
      }
    }
  }

  async #bind(
    listener: SipListenerOptions,
    transport: "udp" | "tcp",
    port: number,
  ): Promise<number> {
    try {
      return transport === "udp"
        ? await this.#bindUdp(listener, port)
        : await this.#bindTcp(listener, port);
    } catch (err) {
      throw listenError(
        `the SIP listener: ${transport} port "${port}" on ${listener.address}`,
        err,
      );
    }
  }

  #bindUdp(listener: SipListenerOptions, port: number): Promise<number> {
    const socket = createSocket({ type: listener.address.includes(":") ? "udp6" : "udp4" });
    return new Promise((resolve, reject) => {
      socket.once("error", (err) => {
        socket.close();
        reject(err);
      });
      socket.bind({ address: listener.address, port, exclusive: true }, () => {
        socket.removeAllListeners("error");
        socket.on("error", (err) =>
          this.#options.logger?.warn(
            { event: "sip_error", err },
            `SIP udp socket error: ${err.message}`,
          ),
        );
        const bound = {
          transport: "udp" as const,
          address: listener.address,
          port: socket.address().port,
          whenNotServing: listener.whenNotServing,
        };
        this.#udp.push({ socket, bound });
        socket.on("message", (data, rinfo) => {
          this.#onDatagram(socket, listener, data, {
            address: rinfo.address,
            port: rinfo.port,
            transport: "udp",
          });
        });
        resolve(bound.port);
      });
    });
  }

  #bindTcp(listener: SipListenerOptions, port: number): Promise<number> {
    const server = createServer((socket) => this.#onConnection(socket, listener));
    server.maxConnections = this.#limits.maxConnections;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: listener.address, port, exclusive: true }, () => {
        server.removeListener("error", reject);
        server.on("error", (err) =>
          this.#options.logger?.warn(
            { event: "sip_error", err },
            `SIP tcp server error: ${err.message}`,
          ),
        );
        const address = server.address();
        const bound = {
          transport: "tcp" as const,
          address: listener.address,
          port: typeof address === "object" && address ? address.port : port,
          whenNotServing: listener.whenNotServing,
        };
        this.#tcp.push({ server, bound });
        resolve(bound.port);
      });
    });
  }

  #onDatagram(socket: UdpSocket, listener: SipListenerOptions, data: Buffer, source: SipSource) {
    // A datagram of only CR/LF is a keep-alive (RFC 5626 §4.4.1), not a message.
    if (data.every((b) => b === 0x0d || b === 0x0a)) return;
    const decision = this.#decide(data, source, listener);
    if (decision.action !== "reply") return;
    const { port, address } = decision.destination;
    socket.send(serializeSipMessage(decision.response), port, address, (err) => {
      if (err) this.#options.logger?.debug({ event: "sip_send_failed", err, address, port });
    });
  }

  #onConnection(socket: Socket, listener: SipListenerOptions): void {
    this.#connections.add(socket);
    const framer = new SipStreamFramer(this.#limits);
    const source: SipSource = {
      address: socket.remoteAddress ?? "",
      port: socket.remotePort ?? 0,
      transport: "tcp",
    };
    socket.setTimeout(this.#limits.idleTimeoutMs, () => socket.destroy());
    socket.on("error", () => socket.destroy());
    socket.on("close", () => this.#connections.delete(socket));
    socket.on("data", (chunk: Buffer) => {
      const { messages, error } = framer.push(chunk);
      for (const message of messages) {
        const decision = this.#decide(message, source, listener);
        if (decision.action !== "reply" || socket.destroyed) continue;
        socket.write(serializeSipMessage(decision.response));
        if (socket.writableLength > this.#limits.maxPendingWriteBytes) {
          socket.destroy();
          return;
        }
      }
      if (error !== undefined) {
        this.#count({ action: "drop", outcome: "malformed", why: error }, source);
        socket.destroy();
      }
    });
  }

  #decide(data: Buffer, source: SipSource, listener: SipListenerOptions): SipDecision {
    const decision = decideSipResponse({
      parsed: parseSipMessage(data, this.#limits),
      source,
      serving: this.#serving(),
      policy: listener,
    });
    this.#count(decision, source);
    return decision;
  }

  #count(decision: SipDecision, source: SipSource): void {
    this.#counters[decision.outcome]++;
    if (decision.action === "drop") {
      this.#options.logger?.debug(
        { event: "sip_dropped", reason: decision.why, from: source },
        `SIP input from ${source.transport} ${hostPort(source.address, source.port)} dropped: ${decision.why}`,
      );
    } else {
      this.#counters.requests++;
    }
  }

  #serving(): boolean {
    try {
      return this.#options.availability().serving === true;
    } catch (err) {
      this.#options.logger?.error(
        { event: "sip_availability_failed", err },
        "SIP responder could not read availability; answering as not serving",
      );
      return false;
    }
  }

  async #close(): Promise<void> {
    const closing = [
      ...this.#udp.splice(0).map(
        ({ socket }) =>
          new Promise<void>((resolve) => {
            try {
              socket.close(() => resolve());
            } catch {
              resolve();
            }
          }),
      ),
      ...this.#tcp
        .splice(0)
        .map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))),
    ];
    // After the servers stopped accepting, so no connection arrives after this.
    for (const socket of this.#connections) socket.destroy();
    this.#connections.clear();
    await Promise.all(closing);
  }
}

function hostPort(address: string, port: number): string {
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}
