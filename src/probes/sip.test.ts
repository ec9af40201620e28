import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { SipResponder } from "../sip/index.js";
import { createSipChecker, type SipProbeConfig } from "./sip.js";

const ctx = { probeName: "pbx-sip", hostname: "test", timeoutMs: 1000 };
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

async function responder(
  state: { serving: boolean },
  whenNotServing: "reject" | "silent" = "reject",
) {
  const r = new SipResponder({
    listeners: [
      { address: "127.0.0.1", port: 0, transports: ["udp", "tcp"], whenNotServing, retryAfter: 5 },
    ],
    availability: () => state,
  });
  cleanup.push(() => r.close());
  await r.start();
  return r.boundPorts()[0]?.port ?? 0;
}

function probe(uri: string, expect = [200], timeoutMs = 1000) {
  const config: SipProbeConfig = { kind: "sip", uri, expect };
  return createSipChecker(config, { ...ctx, timeoutMs }).check(new AbortController().signal);
}

describe("sip probe", () => {
  it.each(["udp", "tcp"])("passes on 200 and names what else came back (%s)", async (transport) => {
    const state = { serving: true };
    const port = await responder(state);
    const uri = `sip:127.0.0.1:${port};transport=${transport}`;
    const good = await probe(uri);
    expect(good.status).toBe("ok");
    expect(good.message).toMatch(
      new RegExp(`^200 OK from sip:127\\.0\\.0\\.1:${port};transport=${transport} in \\d+ ms$`),
    );
    state.serving = false;
    expect(await probe(uri)).toEqual({
      status: "fail",
      message: "got 503 Service Unavailable, expected 200",
    });
    expect((await probe(uri, [200, 503])).status).toBe("ok");
    expect((await probe(uri, [200, 404])).message).toBe(
      "got 503 Service Unavailable, expected 200 or 404",
    );
  });

  it("fails with no reply within the timeout against a socket that never answers", async () => {
    const silent: UdpSocket = createSocket("udp4");
    let received = 0;
    silent.on("message", () => received++);
    await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", resolve));
    cleanup.push(() => new Promise((resolve) => silent.close(() => resolve())));
    const started = Date.now();
    const result = await probe(`sip:127.0.0.1:${silent.address().port}`, [200], 1200);
    expect(result).toEqual({ status: "fail", message: "no reply within 1.2 s" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1100);
    // Sent at 0 and retransmitted at 500 ms (RFC 3261 timer E).
    expect(received).toBe(2);
  });

  it("fails at once when nothing listens on the port", async () => {
    const s = createSocket("udp4");
    await new Promise<void>((resolve) => s.bind(0, "127.0.0.1", resolve));
    const port = s.address().port;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    expect(await probe(`sip:127.0.0.1:${port}`)).toEqual({
      status: "fail",
      message: `nothing listens on udp 127.0.0.1:${port} (port unreachable)`,
    });
    const tcp = await probe(`sip:127.0.0.1:${port};transport=tcp`);
    expect(tcp).toEqual({ status: "fail", message: `connect ECONNREFUSED 127.0.0.1:${port}` });
  });

  it("reports silence from a responder in silent mode as no reply", async () => {
    const port = await responder({ serving: false }, "silent");
    expect(await probe(`sip:127.0.0.1:${port};transport=tcp`, [200], 300)).toEqual({
      status: "fail",
      message: "no reply within 300 ms",
    });
  });

  it("fails at once when already aborted, and stops waiting when aborted mid-exchange", async () => {
    const checker = createSipChecker({ kind: "sip", uri: "sip:127.0.0.1:9", expect: [200] }, ctx);
    expect(await checker.check(AbortSignal.abort())).toEqual({
      status: "fail",
      message: "aborted",
    });
    const port = await responder({ serving: false }, "silent");
    for (const transport of ["udp", "tcp"]) {
      const config: SipProbeConfig = {
        kind: "sip",
        uri: `sip:127.0.0.1:${port};transport=${transport}`,
        expect: [200],
      };
      const started = Date.now();
      const result = await createSipChecker(config, ctx).check(AbortSignal.timeout(100));
      expect(result).toEqual({ status: "fail", message: "aborted before a reply" });
      expect(Date.now() - started).toBeLessThan(900);
    }
  });
});
