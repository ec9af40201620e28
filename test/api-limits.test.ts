/**
 * The API's connection limits on a real agent process: the cut-off times a slow client meets
 * are the documented ones (`api.headersTimeout` 2 s, `api.requestTimeout` 5 s, each within
 * 0.25 s plus scheduling), 500 half-open connections do not slow `/monitor/role` down, and
 * connections over `api.maxConnections` are closed at once. Bounds are generous: the machine
 * running the suite is shared.
 */
import { connect } from "node:net";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { useCleanups } from "./helpers/cleanups.js";
import { HalfOpenCrowd, percentile, roleLatencies } from "./helpers/half-open.js";
import {
  freePort,
  type RunningTandem,
  startTandem,
  tempDir,
  waitFor,
  writeFile,
} from "./helpers/processes.js";

const cleanups = useCleanups();

/** Starts a standalone agent with `api` extra settings; resolves with its API port. */
async function agent(apiExtra = ""): Promise<number> {
  const { dir, remove } = tempDir("tandem-limits-");
  const port = await freePort();
  const config = writeFile(
    dir,
    "tandem.yaml",
    `node: { name: solo, stateDir: ${join(dir, "state")} }
api: { listen: "127.0.0.1:${port}"${apiExtra} }
log: { file: ${join(dir, "agent.log")} }
`,
  );
  const running: RunningTandem = startTandem(["agent", "--config", config]);
  cleanups.push(async () => {
    running.child.kill("SIGKILL");
    await running.exited.catch(() => undefined);
    remove();
  });
  await waitFor(async () => (await roleLatencies(port, 1)).length === 1, 60_000, "agent API");
  return port;
}

/** Connects, sends `first`, then `drip` every 300 ms; resolves with when the server closed. */
function slowClient(
  port: number,
  first: string,
  drip: string | null,
): Promise<{ closedAfterMs: number; answer: string }> {
  return new Promise((resolve) => {
    let started = 0;
    let answer = "";
    let timer: NodeJS.Timeout | undefined;
    const socket = connect(port, "127.0.0.1", () => {
      started = performance.now();
      socket.write(first);
      if (drip !== null) timer = setInterval(() => socket.writable && socket.write(drip), 300);
    });
    socket.on("data", (d: Buffer) => {
      answer += d.toString("latin1");
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      clearInterval(timer);
      resolve({
        closedAfterMs: performance.now() - started,
        answer: answer.split("\r\n")[0] ?? "",
      });
    });
  });
}

describe("API time limits are the documented ones", () => {
  it("headers must arrive within 2 s, a whole request within 5 s", async () => {
    const port = await agent();
    // Alone, after some finished requests: Node 20's own periodic check was seen to miss it.
    await roleLatencies(port, 5);
    const lone = await slowClient(port, "GET /monitor/role HTTP/1.1\r\nHost: x\r\nX-Slow: ", null);
    expect(lone.answer).toBe("HTTP/1.1 408 Request Timeout");
    expect(lone.closedAfterMs).toBeGreaterThanOrEqual(1950);
    expect(lone.closedAfterMs).toBeLessThan(2000 + 3000);
    const [stalled, dripHeaders, dripBody] = await Promise.all([
      slowClient(port, "GET /monitor/role HTTP/1.1\r\nHost: x\r\n", null),
      slowClient(port, "GET /monitor/role HTTP/1.1\r\nHost: x\r\n", "X-Slow: 1\r\n"),
      slowClient(
        port,
        "POST /v1/nothing HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n",
        "x",
      ),
    ]);
    for (const client of [stalled, dripHeaders]) {
      expect(client.answer).toBe("HTTP/1.1 408 Request Timeout");
      expect(client.closedAfterMs).toBeGreaterThanOrEqual(1950);
      expect(client.closedAfterMs).toBeLessThan(2000 + 250 + 3000);
    }
    // A client that keeps sending its body byte by byte is still cut at the request timeout.
    expect(dripBody.closedAfterMs).toBeGreaterThanOrEqual(4950);
    expect(dripBody.closedAfterMs).toBeLessThan(5000 + 250 + 3000);
  }, 120_000);
});

describe("API connection limits", () => {
  it("500 half-open connections leave /monitor/role latency as it was", async () => {
    const port = await agent();
    await roleLatencies(port, 20); // warm up
    const without = await roleLatencies(port, 200);
    const crowd = new HalfOpenCrowd(port, 500);
    cleanups.push(() => crowd.stop());
    await crowd.start();
    const withCrowd = await roleLatencies(port, 200);
    const stillOpen = crowd.open();
    crowd.stop();
    const figures = {
      p50: [percentile(without, 50), percentile(withCrowd, 50)],
      p99: [percentile(without, 99), percentile(withCrowd, 99)],
    };
    console.log(
      `/monitor/role latency without / with 500 half-open connections: p50 ${figures.p50.map((v) => v.toFixed(2)).join(" / ")} ms, p99 ${figures.p99.map((v) => v.toFixed(2)).join(" / ")} ms; ${crowd.opened} half-open opened, ${crowd.cutByServer} cut by the server (${crowd.answered408} with 408)`,
    );
    // The crowd was really there: 500 open at the end of the measurement (reopened as cut).
    expect(stillOpen).toBeGreaterThanOrEqual(490);
    expect(figures.p50[1]).toBeLessThan(3 * (figures.p50[0] ?? 0) + 10);
    // The tail is bounded loosely: every 2 s the agent cuts the whole crowd at once (408) and
    // the crowd reconnects, which on a shared 2-core machine delays a few checks.
    expect(figures.p99[1]).toBeLessThan(Math.max(4 * (figures.p99[0] ?? 0), 2000));
  }, 180_000);

  it("connections over api.maxConnections are closed at once, and the API recovers", async () => {
    const port = await agent(", maxConnections: 16, maxEventStreams: 8");
    const crowd = new HalfOpenCrowd(port, 16);
    cleanups.push(() => crowd.stop());
    await crowd.start();
    const extra = await slowClient(port, "GET /monitor/role HTTP/1.1\r\nHost: x\r\n\r\n", null);
    expect(extra.answer).toBe("");
    expect(extra.closedAfterMs).toBeLessThan(1000);
    crowd.stop();
    await waitFor(async () => (await roleLatencies(port, 1)).length === 1, 10_000, "API again");
  }, 120_000);
});
