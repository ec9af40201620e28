import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { SPREAD_RETRY_MS } from "./backoff.js";
import { ServerStream, type ServerStreamOptions, type ServerView } from "./server-stream.js";

const HELLO = 'event: hello\ndata: {"node":"s","mode":"ACTIVE","serving":true,"term":1}\n\n';
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/** A real HTTP server on a free loopback port that answers each event stream with `serve`. */
async function sseServer(
  serve: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<string> {
  const server: Server = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write(HELLO);
    serve(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanups.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function stream(url: string, patch: Partial<ServerStreamOptions>): ServerStream {
  const s = new ServerStream({
    url,
    query: "",
    transport: "fetch",
    keepAliveMs: 1000,
    silenceMs: 10_000,
    backoff: { initialMs: 10_000 },
    onChange: () => {},
    onReconnect: () => {},
    othersUp: () => false,
    ...patch,
  });
  cleanups.push(() => s.close());
  return s;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("ServerStream", () => {
  it("keeps a stream with activity past silenceMs, and drops it once it goes silent", async () => {
    let lastPing = 0;
    const url = await sseServer((_req, res) => {
      const ping = setInterval(() => {
        res.write("event: keep-alive\ndata: {}\n\n");
        lastPing = Date.now();
      }, 100);
      setTimeout(() => clearInterval(ping), 1200);
      res.on("close", () => clearInterval(ping));
    });
    const seen: Array<{ at: number; view: ServerView }> = [];
    const s = stream(url, {
      silenceMs: 400,
      onChange: (v) => seen.push({ at: Date.now(), view: { ...v } }),
    });
    s.start();
    await sleep(1000);
    expect(seen.map((x) => x.view.state)).toEqual(["up"]);
    await sleep(1200);
    const down = seen.find((x) => x.view.state === "down");
    expect(down?.view.error).toBe("silent for 400 ms");
    expect(down && down.at - lastPing).toBeGreaterThanOrEqual(390);
    expect(down && down.at - lastPing).toBeLessThan(900);
  });

  it("retries a broken stream soon when it is the only one, spread when another is up", async () => {
    // Each stream's requests, by the number in its query string.
    const requests = new Map<string, number[]>();
    const url = await sseServer((req, res) => {
      const n = new URL(req.url ?? "/", "http://x").searchParams.get("n") ?? "";
      requests.set(n, [...(requests.get(n) ?? []), Date.now()]);
      // Up, then broken: the server drops the connection.
      setTimeout(() => res.destroy(), 50);
    });
    const backoff = { initialMs: 50, jitter: 0, maxMs: 10_000 };
    const broke = new Map<string, number>();
    const open = (n: string, othersUp: boolean) =>
      stream(url, {
        query: `n=${n}`,
        backoff,
        othersUp: () => othersUp,
        onChange: (v) => {
          if (v.state === "down" && !broke.has(n)) broke.set(n, Date.now());
        },
      }).start();
    const alone = ["alone-0", "alone-1", "alone-2", "alone-3"];
    const paired = Array.from({ length: 16 }, (_, i) => `paired-${i}`);
    for (const n of alone) open(n, false);
    for (const n of paired) open(n, true);
    await sleep(SPREAD_RETRY_MS + 800);
    const retryAfter = (n: string) => (requests.get(n)?.[1] ?? Number.NaN) - (broke.get(n) ?? 0);
    for (const n of alone) {
      expect(retryAfter(n)).toBeGreaterThanOrEqual(40);
      expect(retryAfter(n)).toBeLessThan(500);
    }
    const spread = paired.map(retryAfter);
    for (const ms of spread) {
      expect(ms).toBeGreaterThanOrEqual(40);
      expect(ms).toBeLessThan(SPREAD_RETRY_MS + 500);
    }
    // 16 draws from 50–3000 ms: all within one second of each other has odds below 1e-7.
    expect(Math.max(...spread) - Math.min(...spread)).toBeGreaterThan(1000);
  });
});
