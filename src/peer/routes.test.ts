import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigInvalidError } from "../errors.js";
import { parsePeerView } from "./messages.js";
import {
  closeAll,
  type PeerServer,
  post,
  SECRET,
  startPeerServer,
  viewOf,
} from "./peer.test-helpers.js";
import { PEER_PATHS, registerPeerRoutes } from "./routes.js";
import { signRequest, verifyReply } from "./signing.js";

afterEach(closeAll);

const { heartbeat, fence, unfence } = PEER_PATHS;

function signedHeaders(
  path: string,
  body: Buffer | string,
  options: { node?: string; secret?: string; nowMs?: number } = {},
): Record<string, string> {
  return {
    "content-type": "application/json",
    ...signRequest({
      secret: options.secret ?? SECRET,
      node: options.node ?? "a",
      target: "b",
      method: "POST",
      path,
      body: Buffer.from(body),
      ...(options.nowMs === undefined ? {} : { nowMs: options.nowMs }),
    }),
  };
}

function send(server: PeerServer, path: string, body: Buffer | string, options = {}) {
  return post(server.url, path, body, signedHeaders(path, body, options));
}

async function stillServes(server: PeerServer): Promise<void> {
  const body = JSON.stringify(viewOf("a"));
  expect((await send(server, heartbeat, body)).status).toBe(200);
}

describe("peer routes", () => {
  it("a signed heartbeat reaches the engine and is answered with our signed view", async () => {
    const server = await startPeerServer();
    const view = viewOf("a");
    const headers = signedHeaders(heartbeat, JSON.stringify(view));
    const reply = await post(server.url, heartbeat, JSON.stringify(view), headers);
    expect(reply.status).toBe(200);
    expect(server.heartbeats).toEqual([view]);
    const parsed = parsePeerView(reply.body);
    expect(parsed.ok && parsed.value.name).toBe("b");
    expect(() =>
      verifyReply(reply, {
        secret: SECRET,
        self: "a",
        peer: "b",
        path: heartbeat,
        requestNonce: headers["x-tandem-nonce"] ?? "",
      }),
    ).not.toThrow();
  });

  it("fence and unfence requests reach the engine with the signing node and term", async () => {
    const server = await startPeerServer();
    expect((await send(server, fence, '{"term":7}')).json()).toEqual({ ok: true, term: 7 });
    expect((await send(server, unfence, '{"term":7}')).status).toBe(200);
    expect(server.fences).toEqual([
      { from: "a", term: 7, kind: "fence" },
      { from: "a", term: 7, kind: "unfence" },
    ]);
  });

  it("an unsigned request is 401 and never reaches the engine", async () => {
    const server = await startPeerServer();
    const reply = await post(server.url, heartbeat, JSON.stringify(viewOf("a")), {
      "content-type": "application/json",
    });
    expect(reply.status).toBe(401);
    expect(reply.json()).toEqual({ error: "unsigned request", code: "TANDEM_ERR_PEER_AUTH" });
    expect(server.heartbeats).toEqual([]);
    expect(server.rejections).toEqual(["heartbeat from 127.0.0.1 rejected: unsigned request"]);
  });

  it("another secret is 401 and the answer does not say what differs", async () => {
    const server = await startPeerServer();
    const reply = await send(server, fence, '{"term":1}', { secret: "a-different-secret-16" });
    expect(reply.status).toBe(401);
    expect(reply.json()).toEqual({
      error: "signature does not match (check cluster.secret on both nodes)",
      code: "TANDEM_ERR_PEER_AUTH",
    });
    expect(server.fences).toEqual([]);
  });

  it("the exact same signed request sent twice is accepted once", async () => {
    const server = await startPeerServer();
    const body = JSON.stringify(viewOf("a"));
    const headers = signedHeaders(heartbeat, body);
    expect((await post(server.url, heartbeat, body, headers)).status).toBe(200);
    const replay = await post(server.url, heartbeat, body, headers);
    expect(replay.status).toBe(401);
    expect(replay.json()).toMatchObject({ error: "replayed nonce" });
    expect(server.heartbeats).toHaveLength(1);
    expect(server.rejections).toEqual(['heartbeat from "a" rejected: replayed nonce']);
  });

  it("20 s of clock skew authenticates; 42 s is refused and reported", async () => {
    const server = await startPeerServer();
    const body = JSON.stringify(viewOf("a"));
    expect((await send(server, heartbeat, body, { nowMs: Date.now() - 20_000 })).status).toBe(200);
    const far = await send(server, heartbeat, body, { nowMs: Date.now() + 42_000 });
    expect(far.status).toBe(401);
    expect(far.json()).toMatchObject({
      error: "timestamp 42 s ahead of this node's clock (window 30 s)",
    });
  });

  it("a peer refused for its clock gets a signed 401 with this node's view; the engine hears nothing", async () => {
    const server = await startPeerServer({ selfView: () => viewOf("b", { term: 9 }) });
    const body = JSON.stringify(viewOf("a"));
    const far = await send(server, heartbeat, body, { nowMs: Date.now() + 600_000 });
    expect(far.status).toBe(401);
    expect(far.json()).toMatchObject({
      code: "TANDEM_ERR_PEER_CLOCK",
      error: "timestamp 600 s ahead of this node's clock (window 30 s)",
      view: { name: "b", term: 9 },
    });
    expect(far.headers["x-tandem-node"]).toBe("b");
    expect(far.headers["x-tandem-target"]).toBe("a");
    expect(server.heartbeats).toHaveLength(0);
    expect(server.rejections[0]).toContain("answered with this node's signed view");
  });

  it("with the peer's clock offset known, its stepped clock is accepted again", async () => {
    let offset = 0;
    const server = await startPeerServer({
      selfView: () => viewOf("b"),
      clockOffsetMs: (node) => (node === "a" ? offset : 0),
    });
    const body = () => JSON.stringify(viewOf("a"));
    expect((await send(server, heartbeat, body(), { nowMs: Date.now() - 600_000 })).status).toBe(
      401,
    );
    offset = -600_000;
    expect((await send(server, heartbeat, body(), { nowMs: Date.now() - 600_000 })).status).toBe(
      200,
    );
    expect(
      (await send(server, "/v1/peer/fence", '{"term":4}', { nowMs: Date.now() - 600_000 })).status,
    ).toBe(200);
    expect(server.heartbeats).toHaveLength(1);
    expect(server.fences).toEqual([{ from: "a", term: 4, kind: "fence" }]);
  });

  it("a correctly signed request from a node that is not a peer is 403", async () => {
    const server = await startPeerServer();
    const reply = await send(server, heartbeat, JSON.stringify(viewOf("c")), { node: "c" });
    expect(reply.status).toBe(403);
    expect(reply.json()).toEqual({
      error: '"c" is not a peer of this node (peers: "a")',
      code: "TANDEM_ERR_PEER_UNKNOWN",
    });
    const own = await send(server, fence, '{"term":1}', { node: "b" });
    expect(own.status).toBe(403);
    expect(own.json()).toMatchObject({
      error: `"b" is this node's own name (both nodes configured as "b"?)`,
    });
    expect(server.heartbeats).toEqual([]);
    expect(server.fences).toEqual([]);
  });

  const { flags: _flags, ...noFlags } = viewOf("a");
  it.each([
    ["not JSON", "{name: a}", "body is not JSON"],
    ["empty", "", "body is not JSON"],
    [
      "an array",
      "[]",
      "body is not a valid peer view: Invalid input: expected object, received array",
    ],
    [
      "missing flags",
      JSON.stringify(noFlags),
      "body is not a valid peer view: flags: Invalid input",
    ],
    [
      "a string rank",
      JSON.stringify(viewOf("a", { rank: "1" as never })),
      "body is not a valid peer view: rank: ",
    ],
    [
      "a fractional term",
      JSON.stringify(viewOf("a", { term: 1.5 })),
      "body is not a valid peer view: term: ",
    ],
    [
      "an unknown mode",
      JSON.stringify(viewOf("a", { mode: "LEADER" as never })),
      "body is not a valid peer view: mode: ",
    ],
    [
      "a bad nested flag",
      JSON.stringify(
        viewOf("a", {
          flags: { ...viewOf("a").flags, peerFenced: { by: "b", term: -1, since: 0 } },
        }),
      ),
      "body is not a valid peer view: flags.peerFenced.term: ",
    ],
    [
      "another node's view",
      JSON.stringify(viewOf("c")),
      'body names node "c" but is signed by "a"',
    ],
  ])(
    "a heartbeat whose body is %s is 400 and the agent keeps serving",
    async (_what, body, error) => {
      const server = await startPeerServer();
      const reply = await send(server, heartbeat, body);
      expect(reply.status).toBe(400);
      const json = reply.json() as { error: string; code: string };
      expect(json.code).toBe("TANDEM_ERR_PEER_MALFORMED");
      expect(json.error.startsWith(error)).toBe(true);
      expect(server.heartbeats).toEqual([]);
      await stillServes(server);
    },
  );

  it.each([['{"term":-1}'], ['{"term":"3"}'], ["{}"], ["null"]])(
    "a fence request with body %s is 400",
    async (body) => {
      const server = await startPeerServer();
      const reply = await send(server, fence, body);
      expect(reply.status).toBe(400);
      expect(reply.json()).toMatchObject({ code: "TANDEM_ERR_PEER_MALFORMED" });
      expect(server.fences).toEqual([]);
    },
  );

  it("a huge body is 413 before any parsing; another content type is 415", async () => {
    const server = await startPeerServer();
    const huge = JSON.stringify({ ...viewOf("a"), padding: "x".repeat(100_000) });
    const big = await send(server, heartbeat, huge);
    expect(big.status).toBe(413);
    expect(big.json()).toEqual({
      error: "body larger than 16384 bytes",
      code: "TANDEM_ERR_PEER_MALFORMED",
    });
    const body = JSON.stringify(viewOf("a"));
    const text = await post(server.url, heartbeat, body, {
      ...signedHeaders(heartbeat, body),
      "content-type": "text/plain",
    });
    expect(text.status).toBe(415);
    expect(server.rejections).toEqual([
      "heartbeat from 127.0.0.1 rejected: body larger than 16384 bytes",
      "heartbeat from 127.0.0.1 rejected: content type is not application/json",
    ]);
    await stillServes(server);
  });

  it("an engine callback that throws is a 500, reported, and the agent keeps serving", async () => {
    let calls = 0;
    const server = await startPeerServer({
      onFence: () => {
        calls += 1;
        throw new Error("engine bug");
      },
    });
    const reply = await send(server, fence, '{"term":2}');
    expect(reply.status).toBe(500);
    expect(reply.json()).toEqual({ error: "internal error" });
    expect(calls).toBe(1);
    expect(server.rejections).toEqual(['fence request from "a" could not be handled: engine bug']);
    await stillServes(server);
  });

  it("the raw-body parser is scoped: the rest of the API still parses JSON as before", async () => {
    const server = await startPeerServer({}, (app) => {
      app.post("/echo", async (req) => ({ isBuffer: Buffer.isBuffer(req.body), body: req.body }));
    });
    const reply = await post(server.url, "/echo", '{"x":1}', {
      "content-type": "application/json",
    });
    expect(reply.json()).toEqual({ isBuffer: false, body: { x: 1 } });
  });

  it("refuses a secret shorter than 16 bytes when registering", async () => {
    const server = await startPeerServer();
    expect(() =>
      registerPeerRoutes(server.app, {
        secret: "short",
        selfName: "b",
        knownPeers: ["a"],
        onHeartbeat: (v) => v,
        onFence: () => {},
        onUnfence: () => {},
      }),
    ).toThrow(ConfigInvalidError);
  });

  it("random garbage bodies and headers never reach the engine nor break the server", async () => {
    const server = await startPeerServer();
    const valid = viewOf("a");
    const fields = Object.keys(valid) as (keyof typeof valid)[];
    // Replace one field with a value of another type, or drop it: never a valid view.
    const brokenView = fc
      .record({
        field: fc.constantFrom(...fields),
        drop: fc.boolean(),
        value: fc.oneof(fc.string(), fc.constant(null), fc.array(fc.integer()), fc.double()),
      })
      .filter(
        ({ field, value, drop }) =>
          drop || typeof value !== typeof valid[field] || Number.isNaN(value),
      )
      .map(({ field, drop, value }) => {
        const copy: Record<string, unknown> = { ...valid };
        if (drop) delete copy[field];
        else copy[field] = value;
        return JSON.stringify(copy);
      });
    const body = fc.oneof(
      fc.string(),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString("latin1")),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      brokenView,
    );
    const headerValue = fc.stringMatching(/^[\x21-\x7e]{0,70}$/);
    const headers = fc.dictionary(
      fc.constantFrom(
        "x-tandem-node",
        "x-tandem-timestamp",
        "x-tandem-nonce",
        "x-tandem-signature",
        "x-other",
      ),
      headerValue,
    );
    await fc.assert(
      fc.asyncProperty(body, headers, fc.boolean(), async (raw, extra, signIt) => {
        // Signed garbage gets past authentication and exercises the body checks.
        const base = signIt
          ? signedHeaders(heartbeat, raw)
          : { "content-type": "application/json" };
        const reply = await server.app.inject({
          method: "POST",
          url: heartbeat,
          headers: signIt ? base : { ...base, ...extra },
          payload: raw,
        });
        expect([400, 401]).toContain(reply.statusCode);
        expect(server.heartbeats).toEqual([]);
      }),
      { numRuns: 300 },
    );
    await stillServes(server);
  });
});
