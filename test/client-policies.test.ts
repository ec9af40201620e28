/**
 * The client library against real agent pairs: each policy through a SIGKILL of the active
 * node, a failback, both nodes down and one back, and an ordered list with a dead entry.
 */
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { type Connection, connect } from "../src/client/index.js";
import { useCleanups } from "./helpers/cleanups.js";
import { type Pair, startPair } from "./helpers/pair.js";
import { freePort, waitFor } from "./helpers/processes.js";

const cleanups = useCleanups();

/**
 * A started pair, a ACTIVE and b standing by. The lan timers (500 ms × 3) and the long wait
 * tolerate a loaded machine; the policies do not depend on either.
 */
async function settledPair(): Promise<Pair> {
  const p = await startPair({ timers: "profile: lan" });
  cleanups.push(() => p.close());
  await p.startBoth();
  await waitFor(async () => (await p.role("a")).status === 200, 40_000, "a ACTIVE");
  await waitFor(async () => (await p.status("b")).node.mode === "STANDBY", 20_000, "b STANDBY");
  return p;
}

/** What a connection reported, in order. */
function record(c: Connection): string[] {
  const seen: string[] = [];
  c.on("active", (url) => seen.push(`active ${url}`));
  c.on("switch", (from, to) => seen.push(`switch ${from} -> ${to}`));
  c.on("lost", () => seen.push("lost"));
  c.on("restored", (url) => seen.push(`restored ${url}`));
  cleanups.push(() => c.close());
  return seen;
}

function urls(p: Pair): { a: string; b: string } {
  return { a: `http://127.0.0.1:${p.ports.a}`, b: `http://127.0.0.1:${p.ports.b}` };
}

/** Pair tests wait for real processes on a shared machine. */
const SLOW = { timeout: 120_000 };

const fast = { keepAliveMs: 1000, backoff: { initialMs: 100, maxMs: 500 } };

describe("client policies on a real pair", () => {
  it("follow and sticky both leave a killed active; after a failback only follow returns", {
    timeout: 300_000,
  }, async () => {
    const p = await settledPair();
    const u = urls(p);
    const follow = connect({ servers: [u.a, u.b], policy: "follow", ...fast });
    const sticky = connect({ servers: [u.a, u.b], policy: "sticky", ...fast });
    const fSeen = record(follow);
    const sSeen = record(sticky);
    await waitFor(() => follow.current === u.a && sticky.current === u.a, 5000, "both on a");

    await p.kill("a");
    await waitFor(() => follow.current === u.b && sticky.current === u.b, 10_000, "both on b");
    expect((await p.role("b")).status).toBe(200);
    expect(fSeen).toEqual([`active ${u.a}`, `switch ${u.a} -> ${u.b}`, `active ${u.b}`]);
    expect(sSeen).toEqual(fSeen);

    // a comes back fenced by b; the operator lifts the fences and hands the calls back (what
    // recover's unfence and handback steps do), without telling clients to reconnect. The
    // agents must be done within the helper's 120 s, so this takes the short way.
    p.start("a");
    await waitFor(async () => (await p.status("a")).node.mode !== "STARTING", 30_000, "a up");
    for (const args of [
      ["clear-fence", "b"],
      ["clear-fence", "a"],
    ]) {
      const r = await p.cli([...args, "--by", "tester"]);
      expect(r.code, `${args.join(" ")}: ${r.stdout}\n${r.stderr}`).toBe(0);
    }
    await waitFor(async () => (await p.status("a")).node.mode === "STANDBY", 20_000, "a standby");
    const sw = await p.cli(["switchover", "--to", "a", "--by", "tester"]);
    expect(sw.code, `${sw.stdout}\n${sw.stderr}`).toBe(0);
    await waitFor(() => follow.current === u.a, 20_000, `follow back on a\n${p.dump()}`);
    expect(fSeen.slice(3)).toEqual([`switch ${u.b} -> ${u.a}`, `active ${u.a}`]);
    // Sticky stays on b: b still answers (standing by) and never gets a fence.
    await new Promise((r) => setTimeout(r, 1500));
    expect(sticky.current).toBe(u.b);
    expect(sSeen).toHaveLength(3);
    expect(sticky.servers.find((v) => v.url === u.b)).toMatchObject({
      state: "up",
      mode: "STANDBY",
    });
  });

  it("reports lost when both nodes are down, and restored when one comes back", SLOW, async () => {
    const p = await settledPair();
    const u = urls(p);
    const c = connect({ servers: [u.a, u.b], policy: "follow", ...fast });
    const seen = record(c);
    await waitFor(() => c.current === u.a, 5000, "on a");
    await p.kill("b");
    await p.kill("a");
    await waitFor(() => seen.includes("lost"), 5000, "lost");
    expect(c.current).toBeNull();
    p.start("b");
    await waitFor(() => c.current === u.b, 20_000, `b serving alone\n${p.dump()}`);
    expect(seen).toEqual([`active ${u.a}`, "lost", `restored ${u.b}`, `active ${u.b}`]);
  });

  it("treats a stream that goes silent as lost, without waiting for TCP", async () => {
    // A server that answers the stream's headers and hello, then says nothing more.
    const port = await freePort();
    const silent = createServer((socket) => {
      socket.on("error", () => {});
      socket.once("data", () => {
        socket.write(
          'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\nevent: hello\ndata: {"node":"s","mode":"ACTIVE","serving":true,"term":1,"active":"s","keepAliveMs":1000}\n\n',
        );
      });
    });
    await new Promise<void>((r) => silent.listen(port, "127.0.0.1", r));
    cleanups.push(() => {
      silent.close();
    });
    const url = `http://127.0.0.1:${port}`;
    const c = connect({ servers: [url], ...fast, transport: "fetch", silenceMs: 800 });
    const seen = record(c);
    await waitFor(() => c.current === url, 3000, "hello taken");
    const started = Date.now();
    await waitFor(() => seen.includes("lost"), 3000, "silence noticed");
    expect(Date.now() - started).toBeLessThan(2500);
    expect(c.servers[0]?.error).toBe("silent for 800 ms");
  });
});

describe("ordered policy", () => {
  it(
    "skips a dead entry and an unanswering one, moves on when one fails, and returns in list order",
    SLOW,
    async () => {
      const p = await settledPair();
      const u = urls(p);
      const dead = `http://127.0.0.1:${await freePort()}`;
      // A black hole: accepts the connection, never answers.
      const hole = createServer((s) => s.on("error", () => {}));
      await new Promise<void>((r) => hole.listen(0, "127.0.0.1", r));
      cleanups.push(() => {
        hole.close();
      });
      const silent = `http://127.0.0.1:${(hole.address() as { port: number }).port}`;
      const c = connect({
        policy: "ordered",
        servers: [
          dead,
          { url: silent, health: `${silent}/health` },
          { url: u.a, health: `${u.a}/monitor/app` },
          { url: u.b, health: `${u.b}/monitor/app` },
        ],
        healthIntervalMs: 200,
        healthTimeoutMs: 300,
      });
      const seen = record(c);
      await waitFor(() => c.current === u.a, 5000, "first healthy entry a");
      expect(seen[0]).toBe(`active ${u.a}`);
      p.failApp("a", true);
      await waitFor(() => c.current === u.b, 5000, "a unhealthy: b");
      p.failApp("a", false);
      await waitFor(() => c.current === u.a, 5000, "a healthy again: back to a");
      expect(seen).toEqual([
        `active ${u.a}`,
        `switch ${u.a} -> ${u.b}`,
        `active ${u.b}`,
        `switch ${u.b} -> ${u.a}`,
        `active ${u.a}`,
      ]);
      // An application that sees a request fail moves on at once.
      c.reportError();
      expect(c.current).toBe(u.b);
    },
  );
});
