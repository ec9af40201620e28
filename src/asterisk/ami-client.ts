/**
 * A client of Asterisk's manager interface (AMI) that an HA daemon can hold for days: it logs
 * in, correlates replies by ActionID, streams events, pings to notice a silent Asterisk,
 * reconnects with backoff, bounds what it buffers, and never throws on what the socket sends.
 */
import { EventEmitter } from "node:events";
import { connect, type Socket } from "node:net";
import {
  AmiActionError,
  AmiAuthError,
  AmiProtocolError,
  AmiTimeoutError,
  AmiUnreachableError,
} from "../errors.js";
import type { AmiMessage } from "./ami-message.js";
import { AmiParser } from "./ami-parser.js";

/** Options of {@link AmiClient}. */
export interface AmiClientOptions {
  /** @default "127.0.0.1" */
  host?: string;
  /** AMI port (manager.conf `port`, usually 5038). */
  port: number;
  username: string;
  secret: string;
  /**
   * Receive events (`Events: on` at login); off for a client that only sends actions.
   * @default true
   */
  events?: boolean;
  /** @default 2000 */
  connectTimeoutMs?: number;
  /** Time an action (and the login) may take before it fails. @default 2000 */
  actionTimeoutMs?: number;
  /** Keep-alive `Ping` interval; a Ping unanswered within `actionTimeoutMs` drops the link. @default 5000 */
  pingIntervalMs?: number;
  /** First reconnect delay; doubles up to `reconnectMaxMs`. @default 100 */
  reconnectMinMs?: number;
  /** @default 5000 */
  reconnectMaxMs?: number;
  /** Actions waiting for a reply at once; more are refused. @default 1000 */
  maxPendingActions?: number;
  /** Largest message accepted from Asterisk. @default 1048576 */
  maxMessageBytes?: number;
  /** Unsent bytes tolerated before the link counts as stuck and is dropped. @default 1048576 */
  maxWriteBufferBytes?: number;
}

/** What a list action (`QueueStatus`, `CoreShowChannels`, …) returned. */
export interface AmiListResult {
  response: AmiMessage;
  /** The events between `EventList: start` and `EventList: Complete`. */
  events: AmiMessage[];
}

interface Pending {
  resolve(result: AmiListResult): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
  response: AmiMessage | null;
  events: AmiMessage[];
  list: boolean;
}

/** The events an {@link AmiClient} emits. */
export interface AmiClientEvents {
  /** Logged in (first time or after a reconnect). */
  connected: [info: { version: string }];
  /** The link is gone; the client reconnects unless closed. */
  disconnected: [reason: Error];
  /** An event that is not part of a list reply. */
  event: [message: AmiMessage];
}

/**
 * AMI client with ActionID correlation, events, keep-alive and reconnect.
 *
 * @example
 * ```ts
 * const ami = new AmiClient({ port: 5038, username: "tandem", secret: "s3cret" });
 * ami.on("event", (e) => console.log(e.event));
 * ami.start();
 * await ami.ready(5000);
 * await ami.action({ Action: "Setvar", Variable: "TANDEM_ROLE", Value: "ACTIVE" });
 * await ami.close();
 * ```
 */
export class AmiClient extends EventEmitter<AmiClientEvents> {
  readonly #o: Required<AmiClientOptions>;
  readonly #pending = new Map<string, Pending>();
  #socket: Socket | null = null;
  #loggedIn = false;
  #version = "";
  #closed = false;
  #started = false;
  #delay: number;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #pingTimer: NodeJS.Timeout | null = null;
  #nextId = 1;
  #connections = 0;

  constructor(options: AmiClientOptions) {
    super();
    this.#o = {
      host: "127.0.0.1",
      events: true,
      connectTimeoutMs: 2000,
      actionTimeoutMs: 2000,
      pingIntervalMs: 5000,
      reconnectMinMs: 100,
      reconnectMaxMs: 5000,
      maxPendingActions: 1000,
      maxMessageBytes: 1024 * 1024,
      maxWriteBufferBytes: 1024 * 1024,
      ...options,
    };
    this.#delay = this.#o.reconnectMinMs;
  }

  /** `host:port`, for messages. */
  get address(): string {
    return `${this.#o.host}:${this.#o.port}`;
  }

  /** Whether the client is logged in now. */
  get connected(): boolean {
    return this.#loggedIn;
  }

  /** The AMI protocol version from the banner (e.g. `9.0.0`), once connected. */
  get version(): string {
    return this.#version;
  }

  /** How many times the client has logged in (1 after the first login). */
  get connections(): number {
    return this.#connections;
  }

  /** Starts connecting; reconnects on its own until {@link close}. */
  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    this.#connect();
  }

  /** Resolves once logged in; rejects with AmiUnreachableError after `timeoutMs`. */
  ready(timeoutMs = this.#o.connectTimeoutMs + this.#o.actionTimeoutMs): Promise<void> {
    if (this.#loggedIn) return Promise.resolve();
    return new Promise((resolve, reject) => {
      let lastError: Error | null = null;
      const onDown = (err: Error) => {
        lastError = err;
      };
      const done = () => {
        clearTimeout(timer);
        this.off("connected", done);
        this.off("disconnected", onDown);
        resolve();
      };
      const timer = setTimeout(() => {
        this.off("connected", done);
        this.off("disconnected", onDown);
        reject(
          new AmiUnreachableError(
            `AMI at ${this.address} not logged in within ${timeoutMs} ms${lastError ? `: ${lastError.message}` : ""}`,
            { cause: lastError ?? undefined },
          ),
        );
      }, timeoutMs);
      this.on("connected", done);
      this.on("disconnected", onDown);
    });
  }

  /**
   * Sends one action and resolves with its response; `Response: Error` rejects with
   * AmiActionError. The ActionID is the client's own.
   */
  async action(fields: Record<string, string>, timeoutMs?: number): Promise<AmiMessage> {
    return (await this.#send(fields, false, timeoutMs)).response;
  }

  /** Sends a list action and resolves with its response and the events of the list. */
  actionList(fields: Record<string, string>, timeoutMs?: number): Promise<AmiListResult> {
    return this.#send(fields, true, timeoutMs);
  }

  /** Stops reconnecting, logs off politely and closes the link; pending actions reject. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    const socket = this.#socket;
    if (socket && this.#loggedIn) {
      const ended = new Promise<void>((resolve) => socket.once("close", () => resolve()));
      socket.end("Action: Logoff\r\n\r\n");
      await Promise.race([ended, new Promise((r) => setTimeout(r, 500))]);
    }
    this.#drop(new AmiUnreachableError(`AMI client for ${this.address} closed`));
  }

  #send(fields: Record<string, string>, list: boolean, timeoutMs?: number): Promise<AmiListResult> {
    const socket = this.#socket;
    if (!socket || !this.#loggedIn)
      return Promise.reject(
        new AmiUnreachableError(
          `AMI at ${this.address} is not connected (${fields.Action} not sent)`,
        ),
      );
    return this.#write(socket, fields, list, timeoutMs ?? this.#o.actionTimeoutMs);
  }

  #write(
    socket: Socket,
    fields: Record<string, string>,
    list: boolean,
    timeoutMs: number,
  ): Promise<AmiListResult> {
    if (this.#pending.size >= this.#o.maxPendingActions)
      return Promise.reject(
        new AmiUnreachableError(
          `AMI at ${this.address} has ${this.#pending.size} actions waiting (limit ${this.#o.maxPendingActions}): ${fields.Action} not sent`,
        ),
      );
    const id = `tandem-${this.#nextId++}`;
    let text = "";
    for (const [key, value] of Object.entries(fields)) {
      if (key.toLowerCase() === "actionid") continue;
      // A CR or LF inside a value would end the line and inject another header.
      text += `${key}: ${String(value).replace(/[\r\n]+/g, " ")}\r\n`;
    }
    text += `ActionID: ${id}\r\n\r\n`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(
          new AmiTimeoutError(
            `AMI at ${this.address} did not answer ${fields.Action} within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer, response: null, events: [], list });
      socket.write(text);
      if (socket.writableLength > this.#o.maxWriteBufferBytes)
        socket.destroy(
          new AmiUnreachableError(
            `AMI at ${this.address} is not reading: ${socket.writableLength} bytes unsent`,
          ),
        );
    });
  }

  #connect(): void {
    if (this.#closed) return;
    const socket = connect({ host: this.#o.host, port: this.#o.port });
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 10_000);
    let reason: Error | null = null;
    const parser = new AmiParser({
      maxMessageBytes: this.#o.maxMessageBytes,
      onBanner: (version) => {
        this.#version = version;
      },
      onMessage: (message) => this.#route(message),
      onError: (err) => socket.destroy(err),
    });
    const connectTimer = setTimeout(
      () =>
        socket.destroy(
          new AmiUnreachableError(
            `AMI at ${this.address}: no connection within ${this.#o.connectTimeoutMs} ms`,
          ),
        ),
      this.#o.connectTimeoutMs,
    );
    socket.on("data", (chunk: Buffer) => parser.push(chunk));
    socket.on("error", (err) => {
      reason = err;
    });
    socket.once("connect", () => {
      clearTimeout(connectTimer);
      void this.#login(socket);
    });
    socket.once("close", () => {
      clearTimeout(connectTimer);
      if (this.#socket !== socket) return;
      this.#drop(
        reason instanceof AmiUnreachableError ||
          reason instanceof AmiTimeoutError ||
          reason instanceof AmiProtocolError ||
          reason instanceof AmiAuthError
          ? reason
          : new AmiUnreachableError(
              `AMI at ${this.address}: ${reason ? reason.message : "connection closed by Asterisk"}`,
              { cause: reason ?? undefined },
            ),
      );
    });
  }

  async #login(socket: Socket): Promise<void> {
    try {
      await this.#write(
        socket,
        {
          Action: "Login",
          Username: this.#o.username,
          Secret: this.#o.secret,
          Events: this.#o.events ? "on" : "off",
        },
        false,
        this.#o.actionTimeoutMs,
      );
    } catch (err) {
      const failure =
        err instanceof AmiActionError
          ? new AmiAuthError(
              `AMI at ${this.address} rejected the login of "${this.#o.username}": ${err.message}`,
            )
          : err;
      socket.destroy(failure as Error);
      return;
    }
    if (this.#socket !== socket || this.#closed) return;
    if (!this.#version) {
      socket.destroy(new AmiProtocolError(`AMI at ${this.address} sent no banner before login`));
      return;
    }
    this.#loggedIn = true;
    this.#connections += 1;
    this.#delay = this.#o.reconnectMinMs;
    this.#schedulePing(socket);
    this.emit("connected", { version: this.#version });
  }

  #schedulePing(socket: Socket): void {
    this.#pingTimer = setTimeout(() => {
      if (this.#socket !== socket || !this.#loggedIn) return;
      this.#write(socket, { Action: "Ping" }, false, this.#o.actionTimeoutMs).then(
        () => this.#schedulePing(socket),
        (err: Error) => socket.destroy(err),
      );
    }, this.#o.pingIntervalMs);
  }

  #route(message: AmiMessage): void {
    const id = message.get("ActionID");
    const pending = id === undefined ? undefined : this.#pending.get(id);
    if (!pending || id === undefined) {
      if (message.event !== undefined) this.emit("event", message);
      return;
    }
    if (message.response !== undefined && pending.response === null) {
      pending.response = message;
      if (message.response.toLowerCase() === "error") {
        this.#settle(id, pending);
        pending.reject(
          new AmiActionError(
            `AMI ${this.address} refused the action: ${message.get("Message") ?? "Response: Error"}`,
          ),
        );
        return;
      }
      const listStarts = message.get("EventList")?.toLowerCase() === "start";
      if (!pending.list || !listStarts) {
        this.#settle(id, pending);
        pending.resolve({ response: message, events: [] });
      }
      return;
    }
    if (message.event !== undefined && pending.response !== null) {
      if (message.get("EventList")?.toLowerCase() === "complete") {
        this.#settle(id, pending);
        pending.resolve({ response: pending.response, events: pending.events });
        return;
      }
      if (pending.events.length < 100_000) pending.events.push(message);
      return;
    }
    this.emit("event", message);
  }

  #settle(id: string, pending: Pending): void {
    clearTimeout(pending.timer);
    this.#pending.delete(id);
  }

  #drop(reason: Error): void {
    const wasUp = this.#socket !== null;
    if (this.#pingTimer) clearTimeout(this.#pingTimer);
    this.#pingTimer = null;
    this.#socket?.destroy();
    this.#socket = null;
    this.#loggedIn = false;
    for (const [id, pending] of this.#pending) {
      this.#settle(id, pending);
      pending.reject(reason);
    }
    if (wasUp) this.emit("disconnected", reason);
    if (this.#closed) return;
    const delay = this.#delay;
    this.#delay = Math.min(this.#delay * 2, this.#o.reconnectMaxMs);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      this.#connect();
    }, delay);
  }
}
