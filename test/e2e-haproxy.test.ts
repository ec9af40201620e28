/**
 * End to end with real, unmodified HAProxy: the backend of docs/integrations/haproxy.md has a
 * small HTTP service per node (answering its node's name) and health-checks each server on
 * its agent's `/monitor/role`. Requests follow the role through a failover and, after
 * `tandem recover`, back.
 */
import { createServer, get, type Server } from "node:http";
import { describe, expect, it } from "vitest";
import { useCleanups } from "./helpers/cleanups.js";
import { type Haproxy, startHaproxy } from "./helpers/haproxy.js";
import { type NodeName, type Pair, startPair } from "./helpers/pair.js";
import { tempDir, waitFor } from "./helpers/processes.js";

const cleanups = useCleanups();

/** A node's service: answers every request with the node's name. */
async function service(node: NodeName): Promise<number> {
  const server: Server = createServer((_req, res) => {
    res.setHeader("connection", "close");
    res.end(node);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return (server.address() as { port: number }).port;
}

/** One request through HAProxy on a new connection: the body, or `503` when it has no server. */
function through(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get({ host: "127.0.0.1", port, path: "/", agent: false, timeout: 3000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        body += d;
      });
      res.on("end", () => resolve(res.statusCode === 200 ? body : String(res.statusCode)));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
  });
}

interface Setup {
  pair: Pair;
  haproxy: Haproxy;
}

async function setUp(): Promise<Setup> {
  const { dir, remove } = tempDir("tandem-e2e-haproxy-");
  cleanups.push(remove);
  const pair = await startPair();
  cleanups.push(() => pair.close());
  await pair.startBoth();
  await pair.settled();
  const haproxy = await startHaproxy(
    [
      { name: "a", port: await service("a"), checkPort: pair.ports.a },
      { name: "b", port: await service("b"), checkPort: pair.ports.b },
    ],
    dir,
  );
  cleanups.push(() => haproxy.stop());
  return { pair, haproxy };
}

const why = (s: Setup) => `${s.haproxy.output()}\n${s.pair.dump()}`;

/** Waits until 10 requests in a row are answered by `node`. */
async function settlesOn(s: Setup, node: NodeName, timeoutMs: number): Promise<void> {
  let inARow = 0;
  const seen: string[] = [];
  try {
    await waitFor(
      async () => {
        const answer = await through(s.haproxy.port).catch((e: unknown) => String(e));
        seen.push(answer);
        inARow = answer === node ? inARow + 1 : 0;
        return inARow >= 10;
      },
      timeoutMs,
      `10 requests in a row answered by ${node}`,
    );
  } catch (err) {
    throw new Error(`${String(err)}; answers: ${seen.slice(-40).join(" ")}\n${why(s)}`);
  }
}

/** Restarts a's agent and hands the role back to it with `tandem recover`. */
async function recoverA(s: Setup): Promise<void> {
  await waitFor(
    async () => {
      const a = (await s.pair.status("a")).node;
      return a.mode !== "STARTING" && a.healthy;
    },
    15_000,
    "a's agent back and healthy",
  );
  // Repaired but not recovered: a stays out and HAProxy keeps sending to b.
  expect((await s.pair.role("a")).status).toBe(503);
  await settlesOn(s, "b", 5000);
  const recover = await s.pair.cli(["recover", "--yes", "--queues-paused", "--by", "e2e-test"]);
  expect(recover.code, `${recover.stdout}\n${recover.stderr}\n${why(s)}`).toBe(0);
  expect(recover.stdout).toMatch(/Recovered: "a" is ACTIVE, "b" stands by/);
  await settlesOn(s, "a", 10_000);
}

describe("HAProxy health-checking the role monitor of a real pair", () => {
  it("sends requests to a, to b after a's agent is killed, and back to a after recover", async () => {
    const s = await setUp();
    await settlesOn(s, "a", 10_000);
    await s.pair.kill("a");
    await settlesOn(s, "b", 10_000);
    s.pair.start("a");
    await recoverA(s);
  }, 60_000);

  it("sends requests to b while a critical probe fails on a, and back to a after recover", async () => {
    const s = await setUp();
    await settlesOn(s, "a", 10_000);
    s.pair.failApp("a", true);
    await settlesOn(s, "b", 10_000);
    // a is repaired; it stays fenced until recovered.
    s.pair.failApp("a", false);
    await recoverA(s);
  }, 60_000);
});
