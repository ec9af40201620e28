import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { openEventStream } from "../../test/helpers/sse.js";
import { EventHub, registerEventRoutes } from "./event-hub.js";

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function start(hub: EventHub): Promise<string> {
  const app = Fastify({ forceCloseConnections: true });
  registerEventRoutes(app, hub, () => ({ node: "a", mode: "ACTIVE" }));
  apps.push(app);
  await app.listen({ host: "127.0.0.1", port: 0 });
  return `http://127.0.0.1:${(app.server.address() as { port: number }).port}/v1/events`;
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("GET /v1/events", () => {
  it("starts with hello, then streams every published event in order", async () => {
    const hub = new EventHub();
    const s = openEventStream(await start(hub));
    expect((await s.response).headers["content-type"]).toMatch(/^text\/event-stream/);
    await until(() => s.frames.length === 1, "hello");
    expect(s.frames[0]).toMatchObject({ event: "hello", data: { node: "a", mode: "ACTIVE" } });
    hub.publish("role", { node: "a", from: "ACTIVE", to: "STANDBY", term: 2 });
    hub.publish("reconnect", { to: "b" });
    await until(() => s.frames.length === 3, "two events");
    expect(s.frames.slice(1)).toEqual([
      { id: "1", event: "role", data: { node: "a", from: "ACTIVE", to: "STANDBY", term: 2 } },
      { id: "2", event: "reconnect", data: { to: "b" } },
    ]);
    s.close();
    await until(() => hub.clients === 0, "the closed stream to be dropped");
  });

  it("writes one frame to many streams and keeps the default cap at 500", async () => {
    const hub = new EventHub();
    expect(hub.maxClients).toBe(500);
    const url = await start(hub);
    const streams = Array.from({ length: 20 }, () => openEventStream(url));
    await until(() => streams.every((s) => s.frames.length === 1), "twenty hellos");
    hub.publish("serving", { node: "a", mode: "ACTIVE", serving: true, term: 4 });
    await until(() => streams.every((s) => s.frames.length === 2), "the event on every stream");
    const raws = new Set(streams.map((s) => s.raw().slice(s.raw().indexOf("id: 1\n"))));
    expect([...raws]).toEqual([
      'id: 1\nevent: serving\ndata: {"node":"a","mode":"ACTIVE","serving":true,"term":4}\n\n',
    ]);
    for (const s of streams) s.close();
  });

  it("replays what a client missed after Last-Event-ID", async () => {
    const hub = new EventHub({ replay: 2 });
    const url = await start(hub);
    hub.publish("role", { n: 1 });
    hub.publish("role", { n: 2 });
    hub.publish("role", { n: 3 });
    const s = openEventStream(url, { "last-event-id": "1" });
    await until(() => s.frames.length === 3, "hello and the replay");
    // Event 2 and 3 are still in the buffer of two; event 1 was already seen.
    expect(s.frames.slice(1).map((f) => f.data)).toEqual([{ n: 2 }, { n: 3 }]);
  });

  it("answers 503 beyond the stream limit, tells of each refusal, and ends every stream on close", async () => {
    let refused = 0;
    const hub = new EventHub({ maxClients: 1, onRefused: () => refused++ });
    const url = await start(hub);
    const first = openEventStream(url);
    await until(() => hub.clients === 1, "first stream");
    const second = openEventStream(url);
    expect((await second.response).statusCode).toBe(503);
    expect(refused).toBe(1);
    const res = await first.response;
    const ended = new Promise((r) => res.on("end", r));
    hub.closeAll();
    await ended;
    expect(hub.clients).toBe(0);
  });

  it("sends keep-alive comments on an idle stream", async () => {
    const hub = new EventHub({ keepAliveMs: 50 });
    const s = openEventStream(await start(hub));
    await until(() => s.raw().includes(": keep-alive"), "a keep-alive");
  });

  it("uses the keep-alive a client asks for, clamped to 1-60 s, as an event, and says so in hello", async () => {
    const hub = new EventHub();
    const url = await start(hub);
    const fast = openEventStream(`${url}?keepalive=10`);
    const slow = openEventStream(`${url}?keepalive=999999`);
    await until(() => fast.frames.length === 1 && slow.frames.length === 1, "both hellos");
    expect(fast.frames[0]?.data.keepAliveMs).toBe(1000);
    expect(slow.frames[0]?.data.keepAliveMs).toBe(60_000);
    // Asked for, the keep-alive is an event, which a browser's EventSource can see.
    await until(() => fast.raw().includes("event: keep-alive\ndata: {}"), "a keep-alive after 1 s");
  });
});

describe("GET /v1/clients", () => {
  it("lists identified streams, records the node each follows, and drops closed ones", async () => {
    const hub = new EventHub();
    const url = await start(hub);
    const base = url.replace("/v1/events", "");
    const console1 = openEventStream(
      `${url}?session=s1&client=console-1&version=2.1.0&policy=sticky`,
    );
    const anonymous = openEventStream(url);
    await until(() => hub.clients === 2, "two streams");
    const follow = await fetch(`${base}/v1/clients/follow`, {
      method: "POST",
      body: JSON.stringify({ session: "s1", follows: "b" }),
    });
    expect(follow.status).toBe(200);
    expect(follow.headers.get("access-control-allow-origin")).toBe("*");
    const doc = (await (await fetch(`${base}/v1/clients`)).json()) as Record<string, unknown>;
    expect(doc).toMatchObject({
      node: "a",
      streams: 2,
      clients: [
        { session: "s1", name: "console-1", version: "2.1.0", policy: "sticky", follows: "b" },
        { session: null, name: null, policy: null, follows: null, remote: "127.0.0.1" },
      ],
    });
    console1.close();
    anonymous.close();
    await until(() => hub.clients === 0, "streams closed");
    const after = (await (await fetch(`${base}/v1/clients`)).json()) as { clients: unknown[] };
    expect(after.clients).toEqual([]);
  });

  it("records a report on every open stream of its session, and 404 once all are closed", async () => {
    const hub = new EventHub();
    const url = await start(hub);
    const base = url.replace("/v1/events", "");
    const report = (session: string, follows: string) =>
      fetch(`${base}/v1/clients/follow`, {
        method: "POST",
        body: JSON.stringify({ session, follows }),
      }).then((r) => r.status);
    // A client whose new stream opened before the server saw its old one close.
    const old = openEventStream(`${url}?session=s1&client=console-1`);
    const now = openEventStream(`${url}?session=s1&client=console-1`);
    const other = openEventStream(`${url}?session=s2&client=console-2`);
    await until(() => hub.clients === 3, "three streams");
    expect(await report("s1", "b")).toBe(200);
    const follows = () => hub.connected().map((c) => `${c.session} ${c.follows}`);
    expect(follows()).toEqual(["s1 b", "s1 b", "s2 null"]);
    old.close();
    await until(() => hub.clients === 2, "old stream closed");
    expect(await report("s1", "a")).toBe(200);
    expect(follows()).toEqual(["s1 a", "s2 null"]);
    now.close();
    await until(() => hub.clients === 1, "both s1 streams closed");
    expect(await report("s1", "a")).toBe(404);
    expect(await report("s2", "a")).toBe(200);
    other.close();
  });

  it("answers 404 for an unknown session and 400 for a malformed report", async () => {
    const base = (await start(new EventHub())).replace("/v1/events", "");
    const post = (body: string) =>
      fetch(`${base}/v1/clients/follow`, { method: "POST", body }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { error?: string },
      }));
    const unknown = await post(JSON.stringify({ session: "nope", follows: "a" }));
    expect(unknown).toEqual({
      status: 404,
      body: { error: 'no open event stream has session "nope"' },
    });
    const bad = await post("not json");
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^expected \{"session"/);
  });
});
