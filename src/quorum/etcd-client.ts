/**
 * A minimal etcd v3 client over the gRPC-gateway JSON API (`/v3/...`) with plain `fetch`:
 * leases, one-key transactions, range and a streamed watch. Keys and values travel base64
 * encoded, 64-bit numbers as decimal strings. Each call tries the endpoints in turn, starting
 * from the one that answered last, and fails with the last error when none answers.
 */

/** One key-value pair as etcd reports it. */
export interface EtcdKv {
  key: string;
  value: string;
  modRevision: number;
  lease: string;
}

/** One watch event: the key was put (with its new value) or deleted. */
export interface EtcdWatchEvent {
  type: "PUT" | "DELETE";
  kv: EtcdKv;
}

/** Options of {@link EtcdClient}. */
export interface EtcdClientOptions {
  /** Client URLs of the etcd members, e.g. `http://10.0.0.5:2379`. */
  endpoints: string[];
  /** Longest wait for one request to one endpoint. @default 1000 */
  requestTimeoutMs?: number;
}

interface RawKv {
  key?: string;
  value?: string;
  mod_revision?: string;
  lease?: string;
}

const b64 = (s: string): string => Buffer.from(s, "utf8").toString("base64");
const unb64 = (s: string | undefined): string => Buffer.from(s ?? "", "base64").toString("utf8");

function kvOf(raw: RawKv): EtcdKv {
  return {
    key: unb64(raw.key),
    value: unb64(raw.value),
    modRevision: Number(raw.mod_revision ?? 0),
    lease: raw.lease ?? "0",
  };
}

/**
 * The etcd calls the quorum shell needs.
 *
 * @example
 * ```ts
 * const etcd = new EtcdClient({ endpoints: ["http://127.0.0.1:2379"] });
 * const { id, ttlSeconds } = await etcd.grant(2);
 * await etcd.putIfAbsent("/tandem/leader", "a", id);
 * ```
 */
export class EtcdClient {
  readonly #endpoints: string[];
  readonly #timeoutMs: number;
  #preferred = 0;

  constructor(options: EtcdClientOptions) {
    if (options.endpoints.length === 0) throw new Error("etcd client needs at least one endpoint");
    this.#endpoints = options.endpoints.map((e) => e.replace(/\/+$/, ""));
    this.#timeoutMs = options.requestTimeoutMs ?? 1000;
  }

  /** Grants a lease of `ttlSeconds`; etcd may round the TTL up to its minimum. */
  async grant(ttlSeconds: number): Promise<{ id: string; ttlSeconds: number }> {
    const r = (await this.#post("/v3/lease/grant", { TTL: String(ttlSeconds) })) as {
      ID?: string;
      TTL?: string;
      error?: string;
    };
    if (!r.ID) throw new Error(`etcd refused a lease: ${r.error ?? JSON.stringify(r)}`);
    return { id: r.ID, ttlSeconds: Number(r.TTL ?? ttlSeconds) };
  }

  /** Renews a lease once; returns its TTL in seconds, 0 when the lease no longer exists. */
  async keepAlive(id: string): Promise<number> {
    const r = (await this.#post("/v3/lease/keepalive", { ID: id })) as {
      result?: { TTL?: string };
    };
    return Number(r.result?.TTL ?? 0);
  }

  /** Revokes a lease, deleting every key attached to it. */
  async revoke(id: string): Promise<void> {
    await this.#post("/v3/lease/revoke", { ID: id });
  }

  /**
   * Puts `key` = `value` with `lease` if the key is absent (or, with `ifModRevision`, if it
   * is still at that revision). Returns the new revision, or the current key when the
   * comparison failed (`null` when the key is absent).
   */
  async putIf(
    key: string,
    value: string,
    lease: string,
    ifModRevision = 0,
  ): Promise<{ succeeded: true; revision: number } | { succeeded: false; current: EtcdKv | null }> {
    const compare =
      ifModRevision === 0
        ? { key: b64(key), target: "CREATE", result: "EQUAL", create_revision: "0" }
        : { key: b64(key), target: "MOD", result: "EQUAL", mod_revision: String(ifModRevision) };
    const r = (await this.#post("/v3/kv/txn", {
      compare: [compare],
      success: [{ request_put: { key: b64(key), value: b64(value), lease } }],
      failure: [{ request_range: { key: b64(key) } }],
    })) as {
      header?: { revision?: string };
      succeeded?: boolean;
      responses?: Array<{ response_range?: { kvs?: RawKv[] } }>;
    };
    if (r.succeeded) return { succeeded: true, revision: Number(r.header?.revision ?? 0) };
    const raw = r.responses?.[0]?.response_range?.kvs?.[0];
    return { succeeded: false, current: raw ? kvOf(raw) : null };
  }

  /** Reads one key and the store's revision. */
  async get(key: string): Promise<{ kv: EtcdKv | null; revision: number }> {
    const r = (await this.#post("/v3/kv/range", { key: b64(key) })) as {
      header?: { revision?: string };
      kvs?: RawKv[];
    };
    const raw = r.kvs?.[0];
    return { kv: raw ? kvOf(raw) : null, revision: Number(r.header?.revision ?? 0) };
  }

  /**
   * Watches `key` from `fromRevision` until `signal` aborts or the stream ends; resolves when
   * it ends (the caller re-reads the key and watches again).
   */
  async watch(
    key: string,
    fromRevision: number,
    signal: AbortSignal,
    onEvent: (e: EtcdWatchEvent) => void,
  ): Promise<void> {
    const body = JSON.stringify({
      create_request: { key: b64(key), start_revision: String(fromRevision) },
    });
    const res = await this.#fetch("/v3/watch", body, signal, false);
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffered = "";
    for await (const chunk of res.body) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true });
      let nl = buffered.indexOf("\n");
      while (nl >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (line) {
          const msg = JSON.parse(line) as {
            result?: { events?: Array<{ type?: string; kv?: RawKv }>; canceled?: boolean };
          };
          if (msg.result?.canceled) return;
          for (const e of msg.result?.events ?? []) {
            onEvent({ type: e.type === "DELETE" ? "DELETE" : "PUT", kv: kvOf(e.kv ?? {}) });
          }
        }
        nl = buffered.indexOf("\n");
      }
    }
  }

  async #post(path: string, payload: object): Promise<unknown> {
    const res = await this.#fetch(path, JSON.stringify(payload), undefined, true);
    return JSON.parse(await res.text()) as unknown;
  }

  /**
   * Tries each endpoint once, from the preferred one on. A timed call's body is read by the
   * caller within the same timeout signal (`fetch` applies it to the body too).
   */
  async #fetch(
    path: string,
    body: string,
    signal: AbortSignal | undefined,
    timed: boolean,
  ): Promise<Response> {
    let last: unknown = null;
    for (let i = 0; i < this.#endpoints.length; i++) {
      const index = (this.#preferred + i) % this.#endpoints.length;
      const endpoint = this.#endpoints[index];
      try {
        const timeout = timed ? AbortSignal.timeout(this.#timeoutMs) : undefined;
        const signals = [signal, timeout].filter((s): s is AbortSignal => s !== undefined);
        const res = await fetch(`${endpoint}${path}`, {
          method: "POST",
          body,
          headers: { "content-type": "application/json" },
          signal: signals.length > 0 ? AbortSignal.any(signals) : null,
        });
        if (timed && !res.ok) {
          // A member without a quorum answers with an error: ask the next one.
          const text = await res.text();
          last = new Error(`etcd ${endpoint}${path} answered ${res.status}: ${text.slice(0, 200)}`);
          continue;
        }
        this.#preferred = index;
        return res;
      } catch (err) {
        if (signal?.aborted) throw err;
        last = new Error(`etcd ${endpoint}${path}: ${describe(err)}`, { cause: err });
      }
    }
    throw last;
  }
}

function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: string } }).cause;
  if (cause?.code === "ECONNREFUSED") return "connection refused";
  if ((err as Error).name === "TimeoutError") return "timed out";
  return cause?.code ?? (err as Error).message;
}
