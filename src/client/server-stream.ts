/**
 * One server's event stream, kept open: reconnects with backoff and jitter, and treats a
 * stream that stays silent past its keep-alive as lost without waiting for TCP to notice.
 * It keeps what the stream says about the node in a {@link ServerView}.
 */
import type { HelloData, ReconnectData, RoleData, ServingData } from "../api/client-wire.js";
import { type BackoffOptions, backoffDelay, spreadRetryDelay } from "./backoff.js";
import { type OpenStream, openTransport, type TransportName } from "./transport.js";

/**
 * What the client knows about one server.
 *
 * @example
 * ```ts
 * const v: ServerView = { url: "http://10.0.0.11:7701", state: "up", node: "a", mode: "ACTIVE",
 *   serving: true, term: 3, error: null };
 * ```
 */
export interface ServerView {
  url: string;
  /** `connecting` until the first answer or failure; `down` after a failure until `hello`. */
  state: "connecting" | "up" | "down";
  node: string | null;
  mode: string | null;
  serving: boolean;
  term: number | null;
  /** Why the stream is down (`ECONNREFUSED`, `silent for 11000 ms`, …). */
  error: string | null;
}

/** Options of {@link ServerStream}. */
export interface ServerStreamOptions {
  url: string;
  /** Query string with the client's identity (without `?`), or "". */
  query: string;
  transport: TransportName;
  keepAliveMs: number;
  silenceMs: number;
  backoff: BackoffOptions;
  /** The view changed. */
  onChange(view: ServerView): void;
  /** An operator asked clients to use node `to`. */
  onReconnect(data: ReconnectData): void;
  /** Whether the client has another server's stream open (a broken one may come back later). */
  othersUp(): boolean;
}

/**
 * Keeps a stream to one server open until `close()`.
 *
 * @example
 * ```ts
 * const s = new ServerStream({ url, query: "", transport: "fetch", keepAliveMs: 5000,
 *   silenceMs: 11000, backoff: {}, onChange: (v) => console.log(v), onReconnect: () => {},
 *   othersUp: () => false });
 * s.start();
 * ```
 */
export class ServerStream {
  readonly view: ServerView;
  readonly #options: ServerStreamOptions;
  #stream: OpenStream | null = null;
  #silence: ReturnType<typeof setTimeout> | null = null;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #failures = 0;
  #closed = false;
  /** A silent stream is closed by the timer, which reports "closed": this says why instead. */
  #silenceReason = "";
  /** When the stream last showed activity (`Date.now()`). */
  #lastActivity = 0;

  constructor(options: ServerStreamOptions) {
    this.#options = options;
    this.view = {
      url: options.url,
      state: "connecting",
      node: null,
      mode: null,
      serving: false,
      term: null,
      error: null,
    };
  }

  /** Opens the stream. */
  start(): void {
    if (this.#closed) return;
    const o = this.#options;
    const base = `${o.url.replace(/\/+$/, "")}/v1/events`;
    const ask = `keepalive=${o.keepAliveMs}`;
    const url = `${base}?${o.query ? `${o.query}&` : ""}${ask}`;
    this.#armSilence();
    this.#stream = openTransport(o.transport, url, {
      onActivity: () => this.#armSilence(),
      onEvent: (event, data) => this.#event(event, data),
      onClose: (error) => this.#down(error),
    });
  }

  /** Stops for good. */
  close(): void {
    this.#closed = true;
    this.#clearTimers();
    this.#stream?.close();
    this.#stream = null;
  }

  /**
   * Notes activity on the stream. One timer per stream: it is not re-created on every chunk,
   * but when it fires early (activity since) it waits out the rest of the silence.
   */
  #armSilence(): void {
    this.#lastActivity = Date.now();
    if (!this.#silence) this.#waitSilence(this.#options.silenceMs);
  }

  #waitSilence(ms: number): void {
    this.#silence = setTimeout(() => {
      const left = this.#lastActivity + this.#options.silenceMs - Date.now();
      if (left > 0) return this.#waitSilence(left);
      this.#silence = null;
      this.#silenceReason = `silent for ${this.#options.silenceMs} ms`;
      this.#stream?.close();
    }, ms);
  }

  #event(event: string, raw: unknown): void {
    if (!raw || typeof raw !== "object") return;
    const v = this.view;
    if (event === "hello") {
      const h = raw as HelloData;
      this.#failures = 0;
      Object.assign(v, {
        state: "up",
        node: h.node,
        mode: h.mode,
        serving: h.serving === true,
        term: h.term,
        error: null,
      });
    } else if (event === "role") {
      const r = raw as RoleData;
      v.mode = r.to;
      v.term = r.term ?? v.term;
      // Only an ACTIVE node serves; whether it does yet comes with the `serving` event.
      if (r.to !== "ACTIVE") v.serving = false;
    } else if (event === "serving") {
      const s = raw as ServingData;
      v.mode = s.mode;
      v.serving = s.serving === true;
      v.term = s.term ?? v.term;
    } else if (event === "reconnect") {
      this.#options.onReconnect(raw as ReconnectData);
      return;
    } else {
      return;
    }
    this.#options.onChange(v);
  }

  #down(error: string): void {
    this.#stream = null;
    if (this.#silence) clearTimeout(this.#silence);
    this.#silence = null;
    if (this.#closed) return;
    const why = error === "closed" ? this.#silenceReason : error;
    const broke = this.view.state === "up";
    Object.assign(this.view, { state: "down", serving: false, error: why });
    this.#options.onChange(this.view);
    if (this.#closed) return;
    const o = this.#options;
    const spread = broke && o.othersUp();
    const delay = spread ? spreadRetryDelay(o.backoff) : backoffDelay(this.#failures, o.backoff);
    this.#failures++;
    this.#retry = setTimeout(() => {
      this.#retry = null;
      this.start();
    }, delay);
  }

  #clearTimers(): void {
    if (this.#silence) clearTimeout(this.#silence);
    if (this.#retry) clearTimeout(this.#retry);
    this.#silence = null;
    this.#retry = null;
  }
}
