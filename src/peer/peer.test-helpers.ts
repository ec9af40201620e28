/**
 * Shared fixtures for the peer tests: a valid view, a real agent API with the peer routes on
 * 127.0.0.1 port 0 that counts its TCP connections, and a raw HTTP poster that sends exactly
 * the bytes and headers given.
 */
import { request } from "node:http";
import type { AddressInfo, Server, Socket } from "node:net";
import type { FastifyInstance } from "fastify";
import { AgentMetrics } from "../api/metrics.js";
import { createApiServer } from "../api/server.js";
import type { StatusDocument } from "../api/status-types.js";
import type { PeerView } from "../engine/index.js";
import { type PeerRoutesOptions, registerPeerRoutes } from "./routes.js";

/** The secret both test nodes share. */
export const SECRET = "correct horse battery staple";

/** A valid view of node `name`. */
export function viewOf(name: string, overrides: Partial<PeerView> = {}): PeerView {
  return {
    name,
    rank: name === "a" ? 1 : 2,
    mode: name === "a" ? "ACTIVE" : "STANDBY",
    term: 3,
    healthy: true,
    serving: name === "a",
    flags: {
      selfFenced: null,
      peerFenced: null,
      suspended: null,
      fencingPeer: name === "a" ? null : { peer: "a", term: 2, since: 1234.5 },
    },
    configHash: "9f86d081884c",
    wallClockMs: Date.now(),
    ...overrides,
  };
}

/** What a test server recorded. */
export interface PeerServer {
  app: FastifyInstance;
  url: string;
  port: number;
  heartbeats: PeerView[];
  fences: { from: string; term: number; kind: "fence" | "unfence" }[];
  rejections: string[];
  /** TCP connections accepted so far. */
  connections: () => number;
}

const apps: FastifyInstance[] = [];
const rawServers: Server[] = [];
const rawSockets = new Set<Socket>();

/**
 * Starts agent "b"'s API with the peer routes; closed by {@link closeAll}. `setup` adds routes
 * of its own before the server listens.
 */
export async function startPeerServer(
  overrides: Partial<PeerRoutesOptions> = {},
  setup: (app: FastifyInstance) => void = () => {},
): Promise<PeerServer> {
  const getStatus = () => ({}) as StatusDocument;
  const app = createApiServer({ getStatus, metrics: new AgentMetrics(getStatus) });
  apps.push(app);
  const heartbeats: PeerView[] = [];
  const fences: PeerServer["fences"] = [];
  const rejections: string[] = [];
  let connections = 0;
  app.server.on("connection", () => {
    connections += 1;
  });
  registerPeerRoutes(app, {
    secret: SECRET,
    selfName: "b",
    knownPeers: ["a"],
    onHeartbeat: (from) => {
      heartbeats.push(from);
      return viewOf("b");
    },
    onFence: (from, term) => fences.push({ from, term, kind: "fence" }),
    onUnfence: (from, term) => fences.push({ from, term, kind: "unfence" }),
    onRejected: (reason) => rejections.push(reason),
    ...overrides,
  });
  setup(app);
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    port,
    heartbeats,
    fences,
    rejections,
    connections: () => connections,
  };
}

/** Tracks a hand-written server so {@link closeAll} closes it and its sockets. */
export async function listenRaw(server: Server): Promise<number> {
  rawServers.push(server);
  server.on("connection", (socket: Socket) => {
    rawSockets.add(socket);
    socket.on("close", () => rawSockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** Closes every server started by these helpers. */
export async function closeAll(): Promise<void> {
  for (const socket of rawSockets) socket.destroy();
  await Promise.all([
    ...apps.splice(0).map((app) => app.close()),
    ...rawServers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
  ]);
}

/** A reply as received. */
export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json: () => unknown;
}

/** POSTs exactly `body` with exactly `headers` (plus Host and Content-Length) on a new connection. */
export function post(
  url: string,
  path: string,
  body: Buffer | string,
  headers: Record<string, string>,
): Promise<RawReply> {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, {
      method: "POST",
      agent: false,
      headers: { ...headers, "content-length": String(bytes.length) },
    });
    req.on("error", reject);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const all = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: all,
          json: () => JSON.parse(all.toString("utf8")),
        });
      });
    });
    req.end(bytes);
  });
}
