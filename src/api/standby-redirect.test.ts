import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { registerStandbyRedirect, underPrefix } from "./standby-redirect.js";

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function start(state: { serving: boolean; url: string | null }): Promise<string> {
  const app = Fastify();
  registerStandbyRedirect(app, {
    paths: ["/console", "/cti/"],
    serving: () => state.serving,
    servingUrl: () => state.url,
  });
  app.get("/console/*", async () => "page");
  app.get("/v1/status", async () => "status");
  apps.push(app);
  await app.listen({ host: "127.0.0.1", port: 0 });
  return `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
}

describe("standby redirect", () => {
  it("sends a client path on a standby to the same path on the serving node", async () => {
    const base = await start({ serving: false, url: "http://10.0.0.12:7701/" });
    const res = await fetch(`${base}/console/queues?x=1`, { redirect: "manual" });
    expect(res.status).toBe(307);
    expect(res.headers.get("location")).toBe("http://10.0.0.12:7701/console/queues?x=1");
    const cti = await fetch(`${base}/cti/calls`, { method: "POST", redirect: "manual" });
    expect(cti.status).toBe(307);
  });

  it("serves client paths on the serving node and never redirects other paths", async () => {
    const state = { serving: true, url: "http://10.0.0.12:7701" };
    const base = await start(state);
    expect(await (await fetch(`${base}/console/x`)).text()).toBe("page");
    state.serving = false;
    const status = await fetch(`${base}/v1/status`, { redirect: "manual" });
    expect(status.status).toBe(200);
    expect(await status.text()).toBe("status");
  });

  it("answers 503 on a standby that knows no serving node", async () => {
    const base = await start({ serving: false, url: null });
    const res = await fetch(`${base}/console/x`, { redirect: "manual" });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      error: "this node does not serve and no other node is known to serve /console/x",
    });
  });

  it("matches whole path segments", () => {
    expect(underPrefix("/console", "/console")).toBe(true);
    expect(underPrefix("/console/a", "/console/")).toBe(true);
    expect(underPrefix("/consoles", "/console")).toBe(false);
  });
});
