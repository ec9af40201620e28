import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { type AddressInfo, createServer as createNetServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConfigInvalidError } from "../errors.js";
import { PeerClient, type PeerClientOptions } from "./client.js";
import { closeAll, listenRaw, SECRET, startPeerServer, viewOf } from "./peer.test-helpers.js";
import { registerPeerRoutes } from "./routes.js";
import { signReply } from "./signing.js";

const clients: PeerClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await closeAll();
});

function client(url: string, overrides: Partial<PeerClientOptions> = {}): PeerClient {
  const c = new PeerClient({
    url,
    selfName: "a",
    peerName: "b",
    secret: SECRET,
    timeoutMs: 1000,
    ...overrides,
  });
  clients.push(c);
  return c;
}

/** A hand-written peer "b": `answer` decides each reply from the request and its raw body. */
async function rawPeer(
  answer: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void,
): Promise<string> {
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => answer(req, Buffer.concat(chunks), res));
  });
  return `http://127.0.0.1:${await listenRaw(server)}`;
}

function signedAnswer(
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  secret = SECRET,
  status = 200,
) {
  const headers = signReply({
    secret,
    node: "b",
    target: "a",
    status,
    path: req.url ?? "",
    requestNonce: String(req.headers["x-tandem-nonce"]),
    body,
  });
  res.writeHead(status, { ...headers, "content-type": "application/json" }).end(body);
}

describe("peer client against the peer routes", () => {
  it("a heartbeat returns the peer's view and the round-trip time", async () => {
    const server = await startPeerServer();
    const mine = viewOf("a");
    const result = await client(server.url).heartbeat(mine);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.view).toMatchObject({ name: "b", mode: "STANDBY", term: 3 });
    expect(result.rttMs).toBeGreaterThan(0);
    expect(result.rttMs).toBeLessThan(1000);
    expect(server.heartbeats).toEqual([mine]);
  });

  it("keeps one connection alive across 20 heartbeats", async () => {
    const server = await startPeerServer();
    const peer = client(server.url);
    for (let i = 0; i < 20; i++) {
      const result = await peer.heartbeat(viewOf("a", { term: i }));
      expect(result.ok).toBe(true);
    }
    expect(server.heartbeats.map((v) => v.term)).toEqual([...Array(20).keys()]);
    expect(server.connections()).toBe(1);
  });

  it("fence and unfence are acknowledged", async () => {
    const server = await startPeerServer();
    const peer = client(server.url);
    expect(await peer.fence(4)).toMatchObject({ ok: true });
    expect(await peer.unfence(4)).toMatchObject({ ok: true });
    expect(server.fences).toEqual([
      { from: "a", term: 4, kind: "fence" },
      { from: "a", term: 4, kind: "unfence" },
    ]);
  });

  it("a secret that differs is reported as the peer's 401", async () => {
    const server = await startPeerServer();
    const result = await client(server.url, { secret: "not-the-cluster-secret" }).heartbeat(
      viewOf("a"),
    );
    expect(result).toEqual({
      ok: false,
      error: "HTTP 401: signature does not match (check cluster.secret on both nodes)",
    });
  });

  it("a node the peer does not know is reported as the peer's 403", async () => {
    const server = await startPeerServer({ knownPeers: ["z"] });
    expect(await client(server.url).fence(1)).toEqual({
      ok: false,
      error: 'HTTP 403: "a" is not a peer of this node (peers: "z")',
    });
  });

  it("a view of another node from the right peer is refused", async () => {
    const server = await startPeerServer({ onHeartbeat: () => viewOf("c") });
    expect(await client(server.url).heartbeat(viewOf("a"))).toEqual({
      ok: false,
      error: 'reply describes node "c", expected "b"',
    });
  });
});

describe("peer client across a clock step", () => {
  const clockRefusal = (req: IncomingMessage, res: ServerResponse, secret = SECRET) => {
    const body = Buffer.from(
      JSON.stringify({
        error: "timestamp 600 s behind this node's clock (window 30 s)",
        code: "TANDEM_ERR_PEER_CLOCK",
        view: viewOf("b", { wallClockMs: Date.now() + 600_000 }),
      }),
    );
    signedAnswer(req, res, body, secret, 401);
  };

  it("a heartbeat refused for its clock but answered with a signed view counts as an answer", async () => {
    const url = await rawPeer((req, _body, res) => clockRefusal(req, res));
    const result = await client(url).heartbeat(viewOf("a"));
    expect(result).toMatchObject({
      ok: true,
      view: { name: "b" },
      clockRefused: "timestamp 600 s behind this node's clock (window 30 s)",
    });
  });

  it("a clock refusal that is not signed for this request is a failure, not an answer", async () => {
    const forged = await rawPeer((req, _body, res) =>
      clockRefusal(req, res, "another secret, long enough"),
    );
    expect(await client(forged).heartbeat(viewOf("a"))).toMatchObject({
      ok: false,
      error: expect.stringContaining("signature does not match"),
    });
    const unsigned = await rawPeer((_req, _body, res) =>
      res
        .writeHead(401, { "content-type": "application/json" })
        .end(JSON.stringify({ error: "x", code: "TANDEM_ERR_PEER_CLOCK", view: viewOf("b") })),
    );
    expect(await client(unsigned).heartbeat(viewOf("a"))).toMatchObject({ ok: false });
  });

  it("real routes: a refused heartbeat is still an answer, and a corrected offset lets it through", async () => {
    // One process has one clock: the step is played by the offset "b" believes "a" has. The
    // real wall-clock step between two agents is in test/clock-step.test.ts.
    let offset = 600_000;
    const server = await startPeerServer({
      selfView: () => viewOf("b"),
      clockOffsetMs: () => offset,
    });
    const peer = client(server.url);
    const first = await peer.heartbeat(viewOf("a"));
    expect(first).toMatchObject({
      ok: true,
      view: { name: "b" },
      clockRefused: expect.stringContaining("600 s behind"),
    });
    expect(await peer.fence(5)).toMatchObject({
      ok: false,
      error: expect.stringContaining("HTTP 401"),
    });
    expect(server.heartbeats).toHaveLength(0);
    offset = 0;
    expect(await peer.heartbeat(viewOf("a"))).toMatchObject({ ok: true, view: { name: "b" } });
    expect(await peer.fence(5)).toMatchObject({ ok: true });
    expect(server.heartbeats).toHaveLength(1);
  });
});

describe("peer client failures", () => {
  it("a closed port is 'connection refused', at once", async () => {
    const port = await listenRaw(createNetServer());
    await closeAll();
    const started = performance.now();
    const result = await client(`http://127.0.0.1:${port}`, { timeoutMs: 2000 }).heartbeat(
      viewOf("a"),
    );
    expect(result).toEqual({ ok: false, error: "connection refused" });
    expect(performance.now() - started).toBeLessThan(200);
  });

  it("a peer that never answers times out after the timeout, not much later", async () => {
    const port = await listenRaw(createNetServer(() => {}));
    const started = performance.now();
    const result = await client(`http://127.0.0.1:${port}`, { timeoutMs: 80 }).heartbeat(
      viewOf("a"),
    );
    const elapsed = performance.now() - started;
    expect(result).toEqual({ ok: false, error: "timed out after 80 ms" });
    expect(elapsed).toBeGreaterThanOrEqual(79);
    expect(elapsed).toBeLessThan(130);
  });

  it("a kept-alive connection closed by the peer is reported at once; one this client timed out is not", async () => {
    const sockets: Socket[] = [];
    const server = await startPeerServer({}, (app) => {
      app.server.on("connection", (s) => sockets.push(s));
    });
    let closed = 0;
    const peer = client(server.url, { onConnectionClosed: () => closed++ });
    expect((await peer.heartbeat(viewOf("a"))).ok).toBe(true);
    // What the peer's kernel does when its agent dies: the idle connection is closed.
    for (const s of sockets) s.destroy();
    await waitUntil(() => closed === 1);
    const silent = await listenRaw(createNetServer(() => {}));
    let timedOutClosed = 0;
    const slow = client(`http://127.0.0.1:${silent}`, {
      timeoutMs: 50,
      onConnectionClosed: () => timedOutClosed++,
    });
    expect(await slow.heartbeat(viewOf("a"))).toEqual({
      ok: false,
      error: "timed out after 50 ms",
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(timedOutClosed).toBe(0);
  });

  it("an abort signal ends the request", async () => {
    const port = await listenRaw(createNetServer(() => {}));
    const controller = new AbortController();
    const pending = client(`http://127.0.0.1:${port}`).fence(1, controller.signal);
    setTimeout(() => controller.abort(), 20);
    expect(await pending).toEqual({ ok: false, error: "aborted" });
  });

  it("an unsigned reply is refused", async () => {
    const url = await rawPeer((_req, _body, res) =>
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(viewOf("b"))),
    );
    expect(await client(url).heartbeat(viewOf("a"))).toEqual({
      ok: false,
      error: "reply not signed",
    });
  });

  it("a reply signed with another secret is refused", async () => {
    const url = await rawPeer((req, _body, res) =>
      signedAnswer(req, res, Buffer.from(JSON.stringify(viewOf("b"))), "someone-elses-secret"),
    );
    expect(await client(url).heartbeat(viewOf("a"))).toEqual({
      ok: false,
      error: "reply signature does not match (check cluster.secret on both nodes)",
    });
  });

  it("a genuine reply played back to a later heartbeat is refused", async () => {
    let recorded: { headers: Record<string, string>; body: Buffer } | null = null;
    const url = await rawPeer((req, _body, res) => {
      if (recorded) {
        res.writeHead(200, recorded.headers).end(recorded.body);
        return;
      }
      const body = Buffer.from(JSON.stringify(viewOf("b")));
      const headers = signReply({
        secret: SECRET,
        node: "b",
        target: "a",
        status: 200,
        path: req.url ?? "",
        requestNonce: String(req.headers["x-tandem-nonce"]),
        body,
      });
      recorded = { headers: { ...headers, "content-type": "application/json" }, body };
      res.writeHead(200, recorded.headers).end(body);
    });
    const peer = client(url);
    expect((await peer.heartbeat(viewOf("a"))).ok).toBe(true);
    expect(await peer.heartbeat(viewOf("a"))).toEqual({
      ok: false,
      error: "reply answers another request (nonce differs)",
    });
  });

  it("a signed reply that is not a view is refused", async () => {
    const url = await rawPeer((req, _body, res) =>
      signedAnswer(req, res, Buffer.from(JSON.stringify({ ...viewOf("b"), term: "3" }))),
    );
    expect(await client(url).heartbeat(viewOf("a"))).toEqual({
      ok: false,
      error:
        "reply is not a valid peer view: term: Invalid input: expected number, received string",
    });
  });

  it("a kept-alive socket closed by the peer is retried once on a new connection", async () => {
    const served = new WeakMap<object, number>();
    let connections = 0;
    const server = createHttpServer((req, res) => {
      const count = served.get(req.socket) ?? 0;
      served.set(req.socket, count + 1);
      // The peer's idle timeout fires just as the second request arrives on the same socket.
      if (count === 1) {
        req.socket.destroy();
        return;
      }
      req.resume();
      req.on("end", () => signedAnswer(req, res, Buffer.from(JSON.stringify(viewOf("b")))));
    });
    server.on("connection", () => {
      connections += 1;
    });
    const url = `http://127.0.0.1:${await listenRaw(server)}`;
    const peer = client(url);
    expect((await peer.heartbeat(viewOf("a"))).ok).toBe(true);
    expect((await peer.heartbeat(viewOf("a"))).ok).toBe(true);
    expect(connections).toBe(2);
  });

  it("an oversized reply is refused", async () => {
    const url = await rawPeer((req, _body, res) =>
      signedAnswer(
        req,
        res,
        Buffer.from(JSON.stringify({ ...viewOf("b"), pad: "x".repeat(70_000) })),
      ),
    );
    expect(await client(url).heartbeat(viewOf("a"))).toEqual({
      ok: false,
      error: "reply larger than 65536 bytes",
    });
  });

  it("refuses a URL that is not http(s) when constructed", () => {
    expect(() => client("ftp://10.0.0.12:7701")).toThrow(ConfigInvalidError);
    expect(() => client("10.0.0.12:7701")).toThrow(
      'peer "b" api: expected an http(s) URL such as "http://10.0.0.12:7701", got "10.0.0.12:7701"',
    );
  });
});

describe("peer client over https", () => {
  let dir = "";
  let key = "";
  let cert = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "tandem-peer-"));
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
        ...["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1"],
        ...["-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")],
      ],
      { stdio: "ignore" },
    );
    key = readFileSync(join(dir, "key.pem"), "utf8");
    cert = readFileSync(join(dir, "cert.pem"), "utf8");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const httpsApps: FastifyInstance[] = [];
  afterEach(async () => {
    await Promise.all(httpsApps.splice(0).map((app) => app.close()));
  });

  async function httpsPeer(): Promise<string> {
    const app = Fastify({ https: { key, cert }, forceCloseConnections: true });
    httpsApps.push(app);
    registerPeerRoutes(app, {
      secret: SECRET,
      selfName: "b",
      knownPeers: ["a"],
      onHeartbeat: () => viewOf("b"),
      onFence: () => {},
      onUnfence: () => {},
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    return `https://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  }

  it("trusts the given CA, refuses an unknown certificate, and accepts any when insecure", async () => {
    const url = await httpsPeer();
    expect(await client(url, { ca: cert }).heartbeat(viewOf("a"))).toMatchObject({ ok: true });
    const untrusted = await client(url).heartbeat(viewOf("a"));
    expect(untrusted).toEqual({ ok: false, error: "TLS: self-signed certificate" });
    expect(await client(url, { insecure: true }).heartbeat(viewOf("a"))).toMatchObject({
      ok: true,
    });
  });
});

async function waitUntil(predicate: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}
