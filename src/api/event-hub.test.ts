import { get, type IncomingMessage } from "node:http";
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
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

/** An open event stream and the frames read from it so far. */
interface Stream {
  res: IncomingMessage;
  frames: Array<{ id?: string; event?: string; data?: unknown }>;
  text: () => string;
}

function open(url: string, headers: Record<string, string> = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = get(url, { headers }, (res) => {
      let buf = "";
      const frames: Stream["frames"] = [];
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buf += chunk;
        for (let end = buf.indexOf("\n\n"); end >= 0; end = buf.indexOf("\n\n")) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const frame: Stream["frames"][number] = {};
          for (const line of block.split("\n")) {
            const [key, ...rest] = line.split(": ");
            const value = rest.join(": ");
            if (key === "id") frame.id = value;
            if (key === "event") frame.event = value;
            if (key === "data") frame.data = JSON.parse(value);
          }
          if (frame.event) frames.push(frame);
        }
      });
      resolve({ res, frames, text: () => buf });
    });
    req.on("error", reject);
  });
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
    const s = await open(await start(hub));
    expect(s.res.headers["content-type"]).toMatch(/^text\/event-stream/);
    await until(() => s.frames.length === 1, "hello");
    expect(s.frames[0]).toMatchObject({ event: "hello", data: { node: "a", mode: "ACTIVE" } });
    hub.publish("role", { node: "a", from: "ACTIVE", to: "STANDBY", term: 2 });
    hub.publish("reconnect", { to: "b" });
    await until(() => s.frames.length === 3, "two events");
    expect(s.frames.slice(1)).toEqual([
      { id: "1", event: "role", data: { node: "a", from: "ACTIVE", to: "STANDBY", term: 2 } },
      { id: "2", event: "reconnect", data: { to: "b" } },
    ]);
    s.res.destroy();
    await until(() => hub.clients === 0, "the closed stream to be dropped");
  });

  it("replays what a client missed after Last-Event-ID", async () => {
    const hub = new EventHub({ replay: 2 });
    const url = await start(hub);
    hub.publish("role", { n: 1 });
    hub.publish("role", { n: 2 });
    hub.publish("role", { n: 3 });
    const s = await open(url, { "last-event-id": "1" });
    await until(() => s.frames.length === 3, "hello and the replay");
    // Event 2 and 3 are still in the buffer of two; event 1 was already seen.
    expect(s.frames.slice(1).map((f) => f.data)).toEqual([{ n: 2 }, { n: 3 }]);
  });

  it("answers 503 beyond the stream limit, and ends every stream on close", async () => {
    const hub = new EventHub({ maxClients: 1 });
    const url = await start(hub);
    const first = await open(url);
    await until(() => hub.clients === 1, "first stream");
    const second = await open(url);
    expect(second.res.statusCode).toBe(503);
    const ended = new Promise((r) => first.res.on("end", r));
    hub.closeAll();
    await ended;
    expect(hub.clients).toBe(0);
  });

  it("sends keep-alive comments on an idle stream", async () => {
    const hub = new EventHub({ keepAliveMs: 50 });
    const s = await open(await start(hub));
    let raw = "";
    s.res.on("data", (c: string) => {
      raw += c;
    });
    await until(() => raw.includes(": keep-alive"), "a keep-alive");
  });
});
