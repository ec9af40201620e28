import { connect, createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { sipOptions } from "../../test/helpers/sip.js";
import type { StatusDocument } from "../api/status-types.js";
import { configSchema } from "../config/schema.js";
import { captureLogger } from "../log/capture.test-helpers.js";
import { Agent } from "./agent.js";

/** A TCP server on an ephemeral loopback port standing in for the PBX's SIP port. */
async function tcpTarget(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as { port: number }).port };
}

async function until(predicate: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startAgent(
  probes: Record<string, unknown>,
  api: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
) {
  const config = configSchema.parse({
    node: { name: "a", stateDir: "/tmp" },
    api: { listen: "127.0.0.1:0", ...api },
    probeDefaults: { interval: 100, timeout: 80, fall: 1, rise: 1 },
    probes,
    ...extra,
  });
  const { logger, lines } = captureLogger();
  const agent = new Agent({ config, logger });
  const port = await agent.start();
  cleanups.push(() => agent.stop("test"));
  const base = `http://127.0.0.1:${port}`;
  const get = async (path: string) => {
    const res = await fetch(base + path);
    return { status: res.status, text: await res.text(), type: res.headers.get("content-type") };
  };
  return { agent, lines, base, get, port };
}

describe("Agent with real probes and its HTTP API", () => {
  it("answers SIP OPTIONS 200 while ACTIVE and 503 otherwise, and counts them in status and metrics", async () => {
    const target = await tcpTarget();
    cleanups.push(() => new Promise((r) => target.server.close(() => r())));
    const { agent, get } = await startAgent(
      { pbx: { kind: "tcp", host: "127.0.0.1", port: target.port } },
      {},
      { sip: { listeners: [{ address: "127.0.0.1", port: 0, transports: ["udp"] }] } },
    );
    await until(() => agent.mode === "ACTIVE");
    const doc = JSON.parse((await get("/v1/status")).text) as StatusDocument;
    const port = doc.sip?.listeners[0]?.port ?? 0;
    expect(doc.sip?.listeners).toEqual([
      { transport: "udp", address: "127.0.0.1", port, whenNotServing: "reject" },
    ]);
    expect(await sipOptions(port)).toBe(200);
    await new Promise<void>((r) => target.server.close(() => r()));
    await until(() => agent.mode === "STANDBY");
    expect(await sipOptions(port)).toBe(503);
    const after = JSON.parse((await get("/v1/status")).text) as StatusDocument;
    expect(after.sip?.counters).toMatchObject({
      requests: 2,
      ok200: 1,
      unavailable503: 1,
      malformed: 0,
    });
    const metrics = (await get("/metrics")).text;
    expect(metrics).toMatch(/tandem_sip_requests_total\{result="ok200"\} 1/);
    expect(metrics).toMatch(/tandem_sip_requests_total\{result="unavailable503"\} 1/);
  });

  it("serves the three monitor modes as a critical resource goes down and comes back", async () => {
    const target = await tcpTarget();
    cleanups.push(() => new Promise((r) => target.server.close(() => r())));
    const { agent, get, lines } = await startAgent({
      sip: { kind: "tcp", host: "127.0.0.1", port: target.port },
      load: { kind: "load", maxPerCore: 1000, severity: "warning" },
    });
    await until(() => agent.mode === "ACTIVE");
    expect(await get("/monitor/live")).toMatchObject({ status: 200, text: "LIVE\n" });
    expect(await get("/monitor/app")).toMatchObject({ status: 200, text: "APP=OK\n" });
    expect(await get("/monitor/role")).toMatchObject({ status: 200, text: "ACTIVE\n" });

    await new Promise<void>((r) => target.server.close(() => r()));
    await until(() => agent.mode === "STANDBY");
    expect(await get("/monitor/live")).toMatchObject({ status: 200, text: "LIVE\n" });
    const app = await get("/monitor/app");
    expect(app).toMatchObject({ status: 503, text: "APP=FAIL sip\n" });
    expect(app.text).not.toContain("127.0.0.1");
    expect(await get("/monitor/role")).toMatchObject({ status: 503, text: "STANDBY\n" });

    await new Promise<void>((r) => target.server.listen(target.port, "127.0.0.1", () => r()));
    await until(() => agent.mode === "ACTIVE");
    expect(await get("/monitor/role")).toMatchObject({ status: 200, text: "ACTIVE\n" });
    const events = lines
      .filter((l) => l.probe === "sip" || l.event === "mode")
      .map((l) => l.event)
      .filter((e) => e === "probe_down" || e === "probe_up" || e === "mode");
    expect(events).toEqual(["probe_up", "mode", "probe_down", "mode", "probe_up", "mode"]);
  });

  it("answers 503 STARTING while it waits for a critical resource", async () => {
    const { get, agent } = await startAgent({ db: { kind: "tcp", host: "127.0.0.1", port: 1 } });
    await until(() => (agent.status().probes[0]?.checks ?? 0) >= 2);
    expect(agent.mode).toBe("STARTING");
    expect(await get("/monitor/role")).toMatchObject({ status: 503, text: "STARTING\n" });
    expect(await get("/monitor/app")).toMatchObject({ status: 503, text: "APP=STARTING db\n" });
  });

  it("serves /v1/status JSON and Prometheus /metrics", async () => {
    const target = await tcpTarget();
    cleanups.push(() => new Promise((r) => target.server.close(() => r())));
    const { get, agent, base } = await startAgent({ sip: { kind: "tcp", port: target.port } });
    await until(() => agent.mode === "ACTIVE");
    const doc = (await (await fetch(`${base}/v1/status`)).json()) as StatusDocument;
    expect(doc.node).toMatchObject({ name: "a", mode: "ACTIVE", healthy: true, criticalDown: [] });
    expect(doc.probes[0]).toMatchObject({
      name: "sip",
      kind: "tcp",
      severity: "critical",
      state: "up",
      fall: 1,
    });
    expect(doc.probes[0]?.last?.status).toBe("ok");
    const metrics = await get("/metrics");
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('tandem_probe_up{probe="sip",kind="tcp",severity="critical"} 1');
    expect(metrics.text).toContain('tandem_node_mode{mode="ACTIVE"} 1');
    expect(metrics.text).toContain("tandem_node_healthy 1");
    expect(metrics.text).toMatch(
      /tandem_probe_checks_total\{probe="sip",kind="tcp",result="ok"\} \d+/,
    );
    expect(metrics.text).toContain("tandem_probe_check_duration_seconds_bucket");
  });

  it("bounds requests: oversized headers are refused, idle half-sent requests are cut off", async () => {
    const { base, port } = await startAgent({}, { requestTimeout: 300 });
    const big = await fetch(`${base}/v1/status`, { headers: { "x-padding": "x".repeat(40_000) } });
    expect(big.status).toBe(431);
    expect((await fetch(`${base}/nope`)).status).toBe(404);

    const socket = connect(port, "127.0.0.1");
    await new Promise<void>((r) => socket.once("connect", () => r()));
    socket.write("GET /v1/status HTTP/1.1\r\nHost: x\r\n");
    const t0 = Date.now();
    let answer = "";
    socket.on("data", (d: Buffer) => {
      answer += d.toString();
    });
    await new Promise<void>((r) => socket.once("close", () => r()));
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });
});
