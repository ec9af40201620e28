import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { FOLLOW_PATH } from "../api/client-wire.js";
import { connect } from "./index.js";

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/** A node of a pair, by hand: its event streams, and the follow reports it was sent. */
interface FakeNode {
  url: string;
  streams: Set<ServerResponse>;
  reports: Array<{ at: number; follows: string | null }>;
  send(event: string, data: object): void;
}

async function fakeNode(hello: object): Promise<FakeNode> {
  const streams = new Set<ServerResponse>();
  const reports: FakeNode["reports"] = [];
  const server = createServer((req, res) => {
    if (req.method === "POST" && req.url === FOLLOW_PATH) {
      let body = "";
      req.on("data", (chunk) => {
        body += chunk;
      });
      req.on("end", () => {
        reports.push({ at: Date.now(), follows: JSON.parse(body).follows });
        res.end("{}");
      });
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write(`event: hello\ndata: ${JSON.stringify(hello)}\n\n`);
    streams.add(res);
    res.on("close", () => streams.delete(res));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanups.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    streams,
    reports,
    send(event, data) {
      for (const s of streams) s.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe("Connection", () => {
  it("switches at once and reports the node it follows a little later, once", async () => {
    const a = await fakeNode({ node: "a", mode: "ACTIVE", serving: true, term: 1 });
    const b = await fakeNode({ node: "b", mode: "STANDBY", serving: false, term: 1 });
    const c = connect({
      servers: [a.url, b.url],
      policy: "follow",
      transport: "fetch",
      identity: { name: "console-1" },
      backoff: { initialMs: 60_000 },
    });
    cleanups.push(() => c.close());
    const switches: number[] = [];
    c.on("switch", () => switches.push(Date.now()));
    await until(() => c.current === a.url, 5000, "a chosen");
    await until(() => a.reports.length > 0 && b.reports.length > 0, 5000, "first reports");
    expect([a.reports, b.reports].map((r) => r.map((x) => x.follows))).toEqual([["a"], ["a"]]);

    // a dies; b takes over. The switch comes with b's `serving` event, the report after it.
    for (const s of a.streams) s.destroy();
    b.send("role", { node: "b", from: "STANDBY", to: "ACTIVE", term: 2, reason: "a lost" });
    const sentAt = Date.now();
    b.send("serving", { node: "b", mode: "ACTIVE", serving: true, term: 2, reason: "a lost" });
    await until(() => c.current === b.url, 2000, "switch to b");
    expect(switches).toHaveLength(1);
    expect((switches[0] ?? 0) - sentAt).toBeLessThan(200);
    expect(b.reports).toHaveLength(1);
    await until(() => b.reports.length === 2, 3000, "b told");
    const report = b.reports[1];
    expect(report?.follows).toBe("b");
    const after = (report?.at ?? 0) - (switches[0] ?? 0);
    expect(after).toBeGreaterThanOrEqual(240);
    expect(after).toBeLessThan(1500);
    await sleep(1200);
    expect(b.reports).toHaveLength(2);
  });
});
