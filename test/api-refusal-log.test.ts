/**
 * A real agent says in its log why clients cannot connect: a stream over
 * `api.maxEventStreams` is answered 503 and a connection over `api.maxConnections` is closed
 * on accept, and each limit leaves a warning that names the option to raise.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useCleanups } from "./helpers/cleanups.js";
import { HalfOpenCrowd, roleLatencies } from "./helpers/half-open.js";
import { freePort, startTandem, tempDir, waitFor, writeFile } from "./helpers/processes.js";
import { openEventStream } from "./helpers/sse.js";

const cleanups = useCleanups();

/** The agent's log lines (JSON) whose `event` is `event`. */
function logged(file: string, event: string): Array<{ level: string; msg: string }> {
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((l) => l.includes(`"event":"${event}"`))
    .map((l) => JSON.parse(l) as { level: string; msg: string });
}

describe("the API's refusals in the agent log", () => {
  it("warns once per burst with the limit that refused and the option that raises it", async () => {
    const { dir, remove } = tempDir("tandem-refusals-");
    const port = await freePort();
    const log = join(dir, "agent.log");
    const config = writeFile(
      dir,
      "tandem.yaml",
      `node: { name: solo, stateDir: ${join(dir, "state")} }
api: { listen: "127.0.0.1:${port}", maxConnections: 16, maxEventStreams: 2 }
log: { file: ${log} }
`,
    );
    const running = startTandem(["agent", "--config", config]);
    cleanups.push(async () => {
      running.child.kill("SIGKILL");
      await running.exited.catch(() => undefined);
      remove();
    });
    await waitFor(async () => (await roleLatencies(port, 1)).length === 1, 60_000, "agent API");

    const url = `http://127.0.0.1:${port}/v1/events`;
    const open = [openEventStream(url), openEventStream(url)];
    cleanups.push(() => {
      for (const s of open) s.close();
    });
    for (const s of open) expect((await s.response).statusCode).toBe(200);
    const refused = [openEventStream(url), openEventStream(url), openEventStream(url)];
    for (const s of refused) expect((await s.response).statusCode).toBe(503);
    await waitFor(async () => logged(log, "event_streams_refused").length === 1, 10_000, "log");
    const [streams] = logged(log, "event_streams_refused");
    expect(streams?.level).toBe("warn");
    expect(streams?.msg).toBe(
      "refused 1 GET /v1/events stream(s) with 503: api.maxEventStreams (2) streams are open; raise api.maxEventStreams (and api.maxConnections to at least twice that)",
    );

    for (const s of open) s.close();
    const crowd = new HalfOpenCrowd(port, 16);
    cleanups.push(() => crowd.stop());
    await crowd.start();
    // This request is over the limit: the agent closes its connection without an answer.
    await expect(roleLatencies(port, 1)).rejects.toThrow(/socket hang up|ECONNRESET/);
    await waitFor(async () => logged(log, "connections_refused").length === 1, 10_000, "log");
    expect(logged(log, "connections_refused")[0]?.msg).toBe(
      "closed 1 new API connection(s) on accept: api.maxConnections (16) are open; raise api.maxConnections (and the open-file limit, systemd LimitNOFILE)",
    );
  }, 120_000);
});
