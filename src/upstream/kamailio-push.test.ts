/**
 * The push against a real HTTP server on loopback that answers like Kamailio's JSON-RPC (the
 * real Kamailio is in test/e2e-kamailio.test.ts); here it fails on purpose.
 */
import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import type { RoleTransition } from "../agent/transitions.js";
import { captureLogger } from "../log/capture.test-helpers.js";
import { KamailioPush } from "./kamailio-push.js";

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** Answers each request with the next of `answers` (the last one repeats), recording bodies. */
async function rpcServer(
  answers: Array<[number, string]>,
): Promise<{ url: string; bodies: unknown[] }> {
  const bodies: unknown[] = [];
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (d: Buffer) => {
      text += d.toString();
    });
    req.on("end", () => {
      bodies.push(JSON.parse(text));
      const [status, body] = answers[Math.min(bodies.length, answers.length) - 1] ?? [500, ""];
      res.writeHead(status, { "content-type": "application/json" }).end(body);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/RPC`, bodies };
}

const OK = '{"jsonrpc":"2.0","result":"Ok. Dispatcher state updated.","id":1}';
const takeover: RoleTransition = {
  node: "b",
  from: "STANDBY",
  to: "ACTIVE",
  serving: true,
  wasServing: false,
  term: 2,
  reason: 'peer "a" unreachable 3/3',
  at: new Date().toISOString(),
  cause: "takeover",
};

function target(url: string) {
  return {
    url,
    setid: 1,
    destination: "sip:10.0.0.12:5070",
    peers: { a: "sip:10.0.0.11:5070" },
    timeout: 500,
    attempts: 3,
  };
}

describe("KamailioPush", () => {
  it("sets its own destination ap and the peer's ip on a takeover, retrying a failed call", async () => {
    const rpc = await rpcServer([
      [500, "busy"],
      [200, OK],
    ]);
    const { logger, lines } = captureLogger();
    const push = new KamailioPush({
      targets: [target(rpc.url)],
      logger,
      hotStandby: true,
      retryDelayMs: 10,
    });
    await push.onTransition(takeover);
    const params = rpc.bodies.map((b) => (b as { params: unknown[] }).params);
    expect(params).toContainEqual(["ap", 1, "sip:10.0.0.12:5070"]);
    expect(params).toContainEqual(["ip", 1, "sip:10.0.0.11:5070"]);
    expect(rpc.bodies[0]).toMatchObject({ jsonrpc: "2.0", method: "dispatcher.set_state" });
    const done = lines.filter((l) => l.event === "kamailio_push").map((l) => l.msg);
    expect(done).toHaveLength(2);
    expect(done.join("\n")).toMatch(/sip:10\.0\.0\.12:5070 in set 1 set ap \(STANDBY → ACTIVE\)/);
  });

  it("sets only its own destination ip when it stops serving", async () => {
    const rpc = await rpcServer([[200, OK]]);
    const { logger } = captureLogger();
    const push = new KamailioPush({ targets: [target(rpc.url)], logger, hotStandby: true });
    await push.onTransition({
      ...takeover,
      from: "ACTIVE",
      to: "SELF_FENCED",
      serving: false,
      wasServing: true,
      cause: "self-fence",
    });
    expect(rpc.bodies.map((b) => (b as { params: unknown[] }).params)).toEqual([
      ["ip", 1, "sip:10.0.0.12:5070"],
    ]);
  });

  it("gives up after `attempts` with one warning naming Kamailio's error, and never throws", async () => {
    const rpc = await rpcServer([
      [200, '{"jsonrpc":"2.0","error":{"code":500,"message":"State Update Failed"},"id":1}'],
    ]);
    const { logger, lines } = captureLogger();
    const push = new KamailioPush({
      targets: [{ ...target(rpc.url), peers: {} }],
      logger,
      hotStandby: true,
      retryDelayMs: 10,
    });
    await expect(push.onTransition(takeover)).resolves.toBeUndefined();
    expect(rpc.bodies).toHaveLength(3);
    const warnings = lines.filter((l) => l.event === "kamailio_push_failed").map((l) => l.msg);
    expect(warnings).toEqual([
      `dispatcher.set_state ap for sip:10.0.0.12:5070 in set 1 at ${rpc.url}: Kamailio answered error 500 State Update Failed (3 tries, STANDBY → ACTIVE); Kamailio's own probing still corrects it`,
    ]);
  });

  it("ignores a transition that does not change whether the node serves", async () => {
    const rpc = await rpcServer([[200, OK]]);
    const { logger } = captureLogger();
    const push = new KamailioPush({ targets: [target(rpc.url)], logger, hotStandby: true });
    await push.onTransition({ ...takeover, from: "STARTING", to: "STANDBY", serving: false });
    expect(rpc.bodies).toEqual([]);
  });
});
