/**
 * Replay across nodes: a signed request captured on the wire on its way to node "a" and played
 * back, byte for byte, to node "b" of the same cluster (same secret, its own replay cache) must
 * be refused by "b" with a 401 that says why, and must change nothing there. Two real API
 * servers on loopback, the real clients, and a TCP tap in front of "a" that records the bytes.
 */
import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { AgentMetrics } from "../api/metrics.js";
import { createApiServer } from "../api/server.js";
import type { StatusDocument } from "../api/status-types.js";
import { PeerClient } from "../peer/client.js";
import { viewOf } from "../peer/peer.test-helpers.js";
import { registerPeerRoutes } from "../peer/routes.js";
import { OperatorClient } from "./client.js";
import { registerControlRoutes } from "./routes.js";

const SECRET = "replay-test-secret-0123456789";
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** What one node's engine and operator endpoints were asked to do, and what they refused. */
interface Node {
  url: string;
  port: number;
  applied: string[];
  rejections: string[];
}

async function startNode(self: "a" | "b"): Promise<Node> {
  const peer = self === "a" ? "b" : "a";
  const getStatus = () => ({}) as StatusDocument;
  const app: FastifyInstance = createApiServer({ getStatus, metrics: new AgentMetrics(getStatus) });
  const node: Node = { url: "", port: 0, applied: [], rejections: [] };
  registerPeerRoutes(app, {
    secret: SECRET,
    selfName: self,
    knownPeers: [peer],
    onHeartbeat: (from) => {
      node.applied.push(`heartbeat from ${from.name}`);
      return viewOf(self);
    },
    onFence: (from, term) => node.applied.push(`fence from ${from} in term ${term}`),
    onUnfence: (from, term) => node.applied.push(`unfence from ${from} in term ${term}`),
    onRejected: (reason) => node.rejections.push(reason),
  });
  registerControlRoutes(app, {
    secret: SECRET,
    selfName: self,
    command: (command, target, by) => {
      node.applied.push(`${command} ${target} by ${by}`);
      return { outcome: "changed", messages: [], mode: "STANDBY", serving: false, term: 1 };
    },
    check: async () => ({ configured: false, ok: false, messages: [] }),
    notify: () => {},
    activity: () => ({ mode: "ACTIVE", serving: true }),
    readLog: async () => [],
    onRejected: (reason) => node.rejections.push(reason),
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  closers.push(() => app.close());
  node.port = (app.server.address() as AddressInfo).port;
  node.url = `http://127.0.0.1:${node.port}`;
  return node;
}

/** A TCP tap in front of `port` that records every byte the clients send. */
async function tap(port: number): Promise<{ url: string; sent: () => Buffer }> {
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(port, "127.0.0.1");
    sockets.add(client).add(upstream);
    client.on("data", (c: Buffer) => chunks.push(c));
    client.pipe(upstream).pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  closers.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent: () => Buffer.concat(chunks.splice(0)),
  };
}

/** Writes `bytes` to `port` as they are and returns the status and JSON body of the answer. */
function replay(port: number, bytes: Buffer): Promise<{ status: number; error: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(bytes));
    let received = Buffer.alloc(0);
    socket.on("error", reject);
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = received.subarray(0, end).toString("latin1");
      const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (received.length < end + 4 + length) return;
      socket.destroy();
      const body = JSON.parse(received.subarray(end + 4, end + 4 + length).toString("utf8"));
      resolve({ status: Number(head.split(" ")[1]), error: String(body.error) });
    });
  });
}

const REFUSAL =
  /addressed to node "a", not to this node "b" \(a request to "a" played back here, or a cluster\.nodes api URL that leads to the wrong node\)/;

describe("a signed request captured on its way to one node", () => {
  it("an operator command for a is applied by a and refused by b with 401", async () => {
    const [a, b] = [await startNode("a"), await startNode("b")];
    const wire = await tap(a.port);
    const operator = new OperatorClient({ name: "a", url: wire.url, secret: SECRET });
    // switchover names the other node as its target in the body: only the signed target binds it.
    await operator.command("switchover", "b", "alice@console");
    expect(a.applied).toEqual(["switchover b by alice@console from 127.0.0.1"]);
    const captured = wire.sent();
    expect(captured.toString("latin1")).toMatch(/^POST \/v1\/operator\/command HTTP\/1\.1\r\n/);

    const answer = await replay(b.port, captured);
    expect(answer.status).toBe(401);
    expect(answer.error).toMatch(REFUSAL);
    expect(b.applied).toEqual([]);
    expect(b.rejections).toEqual([
      expect.stringMatching(/^operator command from "operator" rejected: /),
    ]);
    expect(b.rejections[0]).toMatch(REFUSAL);
  });

  it("heartbeats and fence requests from b to a are refused when played back to b", async () => {
    const [a, b] = [await startNode("a"), await startNode("b")];
    for (const kind of ["heartbeat", "fence"] as const) {
      const wire = await tap(a.port);
      const client = new PeerClient({
        url: wire.url,
        selfName: "b",
        peerName: "a",
        secret: SECRET,
        timeoutMs: 2000,
      });
      const result =
        kind === "heartbeat" ? await client.heartbeat(viewOf("b")) : await client.fence(4);
      client.close();
      expect(result).toMatchObject({ ok: true });
      const answer = await replay(b.port, wire.sent());
      expect(answer).toEqual({ status: 401, error: expect.stringMatching(REFUSAL) });
    }
    expect(a.applied).toEqual(["heartbeat from b", "fence from b in term 4"]);
    expect(b.applied).toEqual([]);
    expect(b.rejections).toHaveLength(2);
    expect(b.rejections[0]).toMatch(/^heartbeat from "b" rejected: addressed to node "a"/);
    expect(b.rejections[1]).toMatch(/^fence request from "b" rejected: addressed to node "a"/);
  });
});
