/**
 * The calling side of the peer protocol: signed heartbeats and fence requests to the other
 * agent, each bounded by the heartbeat timeout, each reply checked to be signed by the peer for
 * that very request. Results are values, never exceptions: a failure is an ordinary input of
 * the engine (`heartbeatFailed`), worded for the failover log.
 */
import { Agent as HttpAgent, request as httpRequest, STATUS_CODES } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import type { PeerView } from "../engine/index.js";
import { ConfigInvalidError } from "../errors.js";
import { checkPeerView, type Parsed, parseFenceBody, parsePeerView } from "./messages.js";
import { describeNetworkError } from "./network-error.js";
import { CLOCK_CODE, PEER_PATHS } from "./routes.js";
import { assertSecret, rejectionOf, signRequest, verifyReply } from "./signing.js";

/**
 * Options of {@link PeerClient}.
 *
 * @example
 * ```ts
 * const o: PeerClientOptions = { url: "https://10.0.0.12:7701", selfName: "a", peerName: "b",
 *   secret, timeoutMs: 80, ca: readFileSync("/etc/tandem/ca.pem", "utf8") };
 * ```
 */
export interface PeerClientOptions {
  /** Base URL of the peer's agent API, as in the cluster config: `http://10.0.0.12:7701`. */
  url: string;
  /** This node's name, signed into every request. */
  selfName: string;
  /** The peer's name: replies must be signed by it. */
  peerName: string;
  /** The cluster's shared secret (at least 16 bytes). */
  secret: string;
  /** Longest wait for a whole exchange (connect, send, reply), in ms: the heartbeat timeout. */
  timeoutMs: number;
  /** PEM certificate(s) to trust for an `https` peer instead of the system store. */
  ca?: string;
  /** PEM client certificate presented to an `https` peer (with `key`). */
  cert?: string;
  /** PEM private key of `cert`. */
  key?: string;
  /** Accept any certificate from an `https` peer (the HMAC still authenticates it). @default false */
  insecure?: boolean;
  /** Most connections open to the peer at once (overlapping heartbeats, a fence request). @default 2 */
  maxSockets?: number;
  /** Largest reply body accepted, in bytes. @default 65536 */
  maxReplyBytes?: number;
  /**
   * Called when a connection to the peer is closed by the other end (not by this client's
   * timeout or `close()`): when the peer's process dies its kernel closes the kept-alive
   * connection at once, long before the next heartbeat would notice.
   */
  onConnectionClosed?: () => void;
}

/**
 * The outcome of {@link PeerClient.heartbeat}.
 *
 * @example
 * ```ts
 * const r: HeartbeatResult = await peer.heartbeat(view);
 * const term = r.ok ? r.view.term : null;
 * ```
 */
export type HeartbeatResult =
  | {
      ok: true;
      view: PeerView;
      rttMs: number;
      /**
       * Set when the peer refused the heartbeat for its timestamp but answered with its signed
       * view: it is alive, only the clocks differ. The reason, e.g. "timestamp 600 s ahead of
       * this node's clock (window 30 s)".
       */
      clockRefused?: string;
    }
  | { ok: false; error: string };

/**
 * The outcome of {@link PeerClient.fence} and {@link PeerClient.unfence}.
 *
 * @example
 * ```ts
 * const r: FenceResult = await peer.fence(5); // { ok: false, error: "HTTP 401: replayed nonce" }
 * ```
 */
export type FenceResult = { ok: true; rttMs: number } | { ok: false; error: string };

type Exchange =
  | { ok: true; body: Buffer; rttMs: number }
  | { ok: false; error: string; clock?: { reason: string; view: unknown; rttMs: number } };

type Attempt =
  | {
      ok: true;
      status: number;
      headers: Record<string, string | string[] | undefined>;
      body: Buffer;
      rttMs: number;
    }
  | { ok: false; error: string; staleSocket?: boolean };

/**
 * A client for one peer. It keeps one keep-alive connection open: at a 100 ms heartbeat a new
 * TCP (and TLS) handshake per beat would cost more than the beat itself.
 *
 * @example
 * ```ts
 * const peer = new PeerClient({ url: "http://127.0.0.1:7702", selfName: "a", peerName: "b",
 *   secret, timeoutMs: 80 });
 * const r = await peer.heartbeat(viewOf(state, Date.now()));
 * feed(r.ok ? { type: "heartbeatReply", peer: "b", view: r.view, localWallClockMs: Date.now() }
 *           : { type: "heartbeatFailed", peer: "b", error: r.error }); // "connection refused"
 * peer.close();
 * ```
 */
export class PeerClient {
  readonly #options: PeerClientOptions;
  readonly #base: URL;
  readonly #agent: HttpAgent;
  readonly #request: typeof httpRequest;
  /** Sockets already watched for a close by the peer, and those this client closed itself. */
  readonly #watched = new WeakSet<object>();
  readonly #closedHere = new WeakSet<object>();
  #closing = false;

  /** Throws a `ConfigInvalidError` for a URL that is not http(s) or a secret under 16 bytes. */
  constructor(options: PeerClientOptions) {
    assertSecret(options.secret);
    const base = URL.canParse(options.url) ? new URL(options.url) : null;
    if (!base || (base.protocol !== "http:" && base.protocol !== "https:")) {
      throw new ConfigInvalidError(
        `peer "${options.peerName}" api: expected an http(s) URL such as "http://10.0.0.12:7701", got "${options.url}"`,
      );
    }
    this.#options = options;
    this.#base = base;
    // Enough sockets that a fence request is not queued behind heartbeats that are timing out.
    const maxSockets = options.maxSockets ?? 2;
    const pool = { keepAlive: true, maxSockets, maxFreeSockets: 2, scheduling: "lifo" as const };
    if (base.protocol === "https:") {
      this.#agent = new HttpsAgent({
        ...pool,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
        ...(options.cert === undefined ? {} : { cert: options.cert, key: options.key }),
        rejectUnauthorized: !options.insecure,
      });
      this.#request = httpsRequest as typeof httpRequest;
    } else {
      this.#agent = new HttpAgent(pool);
      this.#request = httpRequest;
    }
  }

  /**
   * Sends this node's view and returns the peer's signed view with the round-trip time.
   *
   * @example
   * ```ts
   * const r = await peer.heartbeat(view, AbortSignal.timeout(1000));
   * if (!r.ok) log.warn(`peer "b": ${r.error}`); // "timed out after 80 ms"
   * ```
   */
  async heartbeat(view: PeerView, signal?: AbortSignal): Promise<HeartbeatResult> {
    const reply = await this.#post(PEER_PATHS.heartbeat, view, signal);
    if (reply.ok) return this.#viewAnswer(parsePeerView(reply.body), reply.rttMs);
    // A signed refusal for our clock still carries the peer's view: the same checks apply.
    const { clock } = reply;
    if (!clock) return { ok: false, error: reply.error };
    return this.#viewAnswer(checkPeerView(clock.view), clock.rttMs, clock.reason);
  }

  #viewAnswer(parsed: Parsed<PeerView>, rttMs: number, clockRefused?: string): HeartbeatResult {
    if (!parsed.ok) return { ok: false, error: `reply is ${parsed.problem}` };
    if (parsed.value.name !== this.#options.peerName) {
      return {
        ok: false,
        error: `reply describes node "${parsed.value.name}", expected "${this.#options.peerName}"`,
      };
    }
    return { ok: true, view: parsed.value, rttMs, ...(clockRefused ? { clockRefused } : {}) };
  }

  /**
   * Asks the peer to stand down in `term`; resolves once it has signed its acknowledgement.
   *
   * @example
   * ```ts
   * const r = await peer.fence(5); // { ok: true, rttMs: 1.2 } or { ok: false, error: "connection refused" }
   * ```
   */
  fence(term: number, signal?: AbortSignal): Promise<FenceResult> {
    return this.#fenceLike(PEER_PATHS.fence, term, signal);
  }

  /**
   * Lifts the fence this node asserted on the peer in `term`.
   *
   * @example
   * ```ts
   * await peer.unfence(5);
   * ```
   */
  unfence(term: number, signal?: AbortSignal): Promise<FenceResult> {
    return this.#fenceLike(PEER_PATHS.unfence, term, signal);
  }

  /**
   * Closes the kept-alive connections. Requests still running fail.
   *
   * @example
   * ```ts
   * process.once("SIGTERM", () => peer.close());
   * ```
   */
  close(): void {
    this.#closing = true;
    this.#agent.destroy();
  }

  #watch(socket: Socket): void {
    const notify = this.#options.onConnectionClosed;
    if (!notify || this.#watched.has(socket)) return;
    this.#watched.add(socket);
    // Only a connection that was established: a refused connect also closes its socket, and
    // reporting that would turn every refused heartbeat into another one at once.
    let connected = !socket.connecting;
    socket.once("connect", () => {
      connected = true;
    });
    let told = false;
    const closedByPeer = () => {
      if (told || !connected || this.#closing || this.#closedHere.has(socket)) return;
      told = true;
      notify();
    };
    // An idle kept-alive socket may only see the peer's FIN ("end") until it is written to.
    socket.once("end", closedByPeer);
    socket.once("close", closedByPeer);
  }

  async #fenceLike(path: string, term: number, signal?: AbortSignal): Promise<FenceResult> {
    const reply = await this.#post(path, { term }, signal);
    if (!reply.ok) return { ok: false, error: reply.error };
    const parsed = parseFenceBody(reply.body);
    if (!parsed.ok) return { ok: false, error: `reply is ${parsed.problem}` };
    if (parsed.value.term !== term) {
      return { ok: false, error: `reply acknowledges term ${parsed.value.term}, expected ${term}` };
    }
    return { ok: true, rttMs: reply.rttMs };
  }

  async #post(route: string, payload: unknown, signal?: AbortSignal): Promise<Exchange> {
    try {
      const path = `${this.#base.pathname.replace(/\/+$/, "")}${route}`;
      const body = Buffer.from(JSON.stringify(payload));
      const deadline = performance.now() + this.#options.timeoutMs;
      let nonce = "";
      const attempt = () => {
        const headers = signRequest({
          secret: this.#options.secret,
          node: this.#options.selfName,
          target: this.#options.peerName,
          method: "POST",
          path,
          body,
        });
        nonce = headers["x-tandem-nonce"];
        return this.#attempt(path, body, headers, deadline, signal);
      };
      let result = await attempt();
      // The peer may close an idle kept-alive socket just as we reuse it; that says nothing
      // about the peer's health, so try once more on a fresh socket within the same deadline.
      if (!result.ok && result.staleSocket && performance.now() < deadline)
        result = await attempt();
      if (!result.ok) return { ok: false, error: result.error };
      const verify = () =>
        verifyReply(
          { status: result.status, headers: result.headers, body: result.body },
          {
            secret: this.#options.secret,
            self: this.#options.selfName,
            peer: this.#options.peerName,
            path,
            requestNonce: nonce,
          },
        );
      if (result.status < 200 || result.status > 299) {
        const error = `HTTP ${result.status}: ${errorText(result.status, result.body)}`;
        const refusal = result.status === 401 ? clockRefusal(result.body) : null;
        if (!refusal) return { ok: false, error };
        // Only a refusal signed for this very request proves the peer alive now.
        verify();
        return { ok: false, error, clock: { ...refusal, rttMs: result.rttMs } };
      }
      verify();
      return { ok: true, body: result.body, rttMs: result.rttMs };
    } catch (err) {
      const rejection = rejectionOf(err);
      return {
        ok: false,
        error: rejection
          ? `reply ${rejection.reason}`
          : `internal error: ${(err as Error).message}`,
      };
    }
  }

  #attempt(
    path: string,
    body: Buffer,
    signature: Record<string, string>,
    deadline: number,
    signal?: AbortSignal,
  ): Promise<Attempt> {
    const { timeoutMs } = this.#options;
    const limit = this.#options.maxReplyBytes ?? 65_536;
    const host = this.#base.hostname.replace(/^\[(.*)\]$/, "$1");
    return new Promise<Attempt>((resolve) => {
      if (signal?.aborted) {
        resolve({ ok: false, error: "aborted" });
        return;
      }
      const started = performance.now();
      const req = this.#request({
        agent: this.#agent,
        host,
        port: this.#base.port,
        path,
        method: "POST",
        headers: {
          ...signature,
          "content-type": "application/json",
          "content-length": String(body.length),
          accept: "application/json",
        },
      });
      let settled = false;
      const finish = (result: Attempt, destroy = false) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        if (destroy) {
          if (req.socket) this.#closedHere.add(req.socket);
          req.destroy();
        }
        resolve(result);
      };
      const onAbort = () => finish({ ok: false, error: "aborted" }, true);
      const timer = setTimeout(
        () => finish({ ok: false, error: `timed out after ${timeoutMs} ms` }, true),
        Math.max(1, deadline - started),
      );
      signal?.addEventListener("abort", onAbort, { once: true });
      req.on("socket", (socket) => this.#watch(socket));
      req.on("error", (err) => {
        const code = (err as NodeJS.ErrnoException).code;
        const staleSocket = req.reusedSocket && (code === "ECONNRESET" || code === "EPIPE");
        finish({ ok: false, error: describeNetworkError(err, host), staleSocket });
      });
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > limit) finish({ ok: false, error: `reply larger than ${limit} bytes` }, true);
          else chunks.push(chunk);
        });
        res.on("error", (err) => finish({ ok: false, error: describeNetworkError(err, host) }));
        res.on("end", () =>
          finish({
            ok: true,
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            rttMs: performance.now() - started,
          }),
        );
        res.on("close", () => {
          if (!res.complete) finish({ ok: false, error: "connection closed during the reply" });
        });
      });
      req.end(body);
    });
  }
}

/** The reason and view of a refusal for the request's timestamp, or null for any other body. */
function clockRefusal(body: Buffer): { reason: string; view: unknown } | null {
  try {
    const value = JSON.parse(body.toString("utf8")) as {
      code?: unknown;
      error?: unknown;
      view?: unknown;
    } | null;
    if (value?.code !== CLOCK_CODE || typeof value.error !== "string") return null;
    return { reason: value.error, view: value.view };
  } catch {
    return null;
  }
}

/** The `error` of a JSON error body, made safe for a log line, or the status text. */
function errorText(status: number, body: Buffer): string {
  let text: unknown;
  try {
    text = (JSON.parse(body.toString("utf8")) as { error?: unknown } | null)?.error;
  } catch {
    text = undefined;
  }
  if (typeof text !== "string" || text === "") return STATUS_CODES[status] ?? "unexpected status";
  const printable = [...text].map((c) => (c < " " || c === "\u007f" ? " " : c)).join("");
  return printable.length > 200 ? `${printable.slice(0, 200)}…` : printable;
}
