/**
 * Load for the API's connection limits: a crowd of half-open connections (each sends the start
 * of a request, then stalls, and is reopened as soon as the server cuts it, as a slowloris
 * client does), and a load balancer's view of `/monitor/role` latency meanwhile.
 */
import { request } from "node:http";
import { connect, type Socket } from "node:net";
import { performance } from "node:perf_hooks";

/** Keeps `size` half-open connections to `port` until stopped. */
export class HalfOpenCrowd {
  readonly #sockets = new Set<Socket>();
  #stopped = false;
  /** Connections the server accepted so far. */
  opened = 0;
  /** Connections the server closed (past its header timeout, or over its connection cap). */
  cutByServer = 0;
  /** How many of those the server answered `408 Request Timeout` before closing. */
  answered408 = 0;

  constructor(
    readonly port: number,
    readonly size: number,
  ) {}

  /** Opens the crowd; resolves once `size` connections are open at the same time. */
  async start(): Promise<void> {
    for (let i = 0; i < this.size; i += 1) this.#open();
    const deadline = Date.now() + 30_000;
    while (this.open() < this.size) {
      if (Date.now() > deadline) throw new Error(`only ${this.open()} of ${this.size} opened`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Connections open now. */
  open(): number {
    return [...this.#sockets].filter((s) => !s.connecting && !s.destroyed).length;
  }

  /** Closes every connection and stops reopening them. */
  stop(): void {
    this.#stopped = true;
    for (const s of this.#sockets) s.destroy();
  }

  #open(): void {
    const socket = connect(this.port, "127.0.0.1", () => {
      this.opened += 1;
      socket.write("GET /monitor/role HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
    });
    this.#sockets.add(socket);
    socket.on("data", (d: Buffer) => {
      if (d.toString("latin1").startsWith("HTTP/1.1 408")) this.answered408 += 1;
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      this.#sockets.delete(socket);
      if (this.#stopped) return;
      this.cutByServer += 1;
      this.#open();
    });
  }
}

/**
 * Requests `/monitor/role` `count` times, one after another, each on a new connection as a
 * load balancer's health check does; returns each latency in ms (connect to last byte).
 */
export async function roleLatencies(port: number, count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, path: "/monitor/role", agent: false });
      req.setTimeout(5000, () => req.destroy(new Error("no answer within 5000 ms")));
      req.on("error", reject);
      req.on("response", (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.end();
    });
    if (status !== 200 && status !== 503) throw new Error(`/monitor/role answered ${status}`);
    latencies.push(performance.now() - started);
  }
  return latencies;
}

/** The `p`-th percentile (0–100) of `values`, nearest rank. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}
