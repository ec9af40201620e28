/**
 * The real agent as a child process: start-up, graceful SIGTERM, SIGUSR1 debug polls,
 * invalid configs that start nothing, and a port that is already taken.
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useCleanups } from "./helpers/cleanups.js";
import {
  freePort,
  runTandem,
  startTandem,
  tempDir,
  waitFor,
  writeFile,
} from "./helpers/processes.js";

const cleanups = useCleanups();

function agentConfig(dir: string, port: number, probes: string): string {
  return writeFile(
    dir,
    "tandem.yaml",
    `node:
  name: test-a
  stateDir: ${join(dir, "state")}
api:
  listen: 127.0.0.1:${port}
log:
  file: ${join(dir, "agent.log")}
probeDefaults:
  interval: 100ms
  timeout: 80ms
  fall: 1
  rise: 1
probes:
${probes}`,
  );
}

function logLines(dir: string): Array<Record<string, unknown>> {
  const path = join(dir, "agent.log");
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function listening(port: number): Promise<Server> {
  const server = createServer((s) => s.destroy());
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return server;
}

describe("tandem agent (real process)", () => {
  it("waits for a critical resource, becomes ready, and stops cleanly on SIGTERM", async () => {
    const { dir, remove } = tempDir();
    cleanups.push(remove);
    const [apiPort, dbPort] = [await freePort(), await freePort()];
    const config = agentConfig(dir, apiPort, `  db:\n    kind: tcp\n    port: ${dbPort}\n`);
    const agent = startTandem(["agent", "--config", config]);
    cleanups.push(() => {
      agent.child.kill("SIGKILL");
    });
    const base = `http://127.0.0.1:${apiPort}`;
    await waitFor(async () => (await fetch(`${base}/monitor/live`)).ok, 10_000, "API up");
    await waitFor(
      () => logLines(dir).filter((l) => l.event === "waiting").length >= 2,
      5000,
      "waiting lines",
    );
    expect((await fetch(`${base}/monitor/role`)).status).toBe(503);
    const waiting = logLines(dir).find((l) => l.event === "waiting");
    expect(waiting?.msg).toMatch(
      /^waiting for "db": connect ECONNREFUSED 127\.0\.0\.1:\d+, next try in 100 ms$/,
    );

    const db = await listening(dbPort);
    cleanups.push(() => new Promise<void>((r) => db.close(() => r())));
    await waitFor(async () => (await fetch(`${base}/monitor/role`)).status === 200, 5000, "ACTIVE");
    expect(logLines(dir).some((l) => l.event === "ready")).toBe(true);

    agent.child.kill("SIGTERM");
    const result = await agent.exited;
    expect(result).toMatchObject({ code: 0, signal: null });
    const events = logLines(dir).map((l) => l.event);
    expect(events.slice(-2)).toEqual(["stop", "stopped"]);
    // The listener is closed: the port can be bound again at once.
    const again = await listening(apiPort);
    await new Promise<void>((r) => again.close(() => r()));
  });

  it("toggles logging of every poll with SIGUSR1", async () => {
    const { dir, remove } = tempDir();
    cleanups.push(remove);
    const apiPort = await freePort();
    const config = agentConfig(
      dir,
      apiPort,
      "  mem:\n    kind: memory\n    minAvailablePercent: 0\n",
    );
    const agent = startTandem(["agent", "--config", config]);
    cleanups.push(() => {
      agent.child.kill("SIGKILL");
    });
    await waitFor(() => logLines(dir).some((l) => l.event === "ready"), 10_000, "ready");
    expect(logLines(dir).some((l) => l.event === "poll")).toBe(false);
    agent.child.kill("SIGUSR1");
    await waitFor(
      () => logLines(dir).filter((l) => l.event === "poll").length >= 3,
      5000,
      "poll lines",
    );
    const poll = logLines(dir).find((l) => l.event === "poll");
    expect(poll?.msg).toMatch(/^poll "mem" ok in [\d.]+ ms: /);
    expect(typeof poll?.durationMs).toBe("number");
    agent.child.kill("SIGUSR1");
    await waitFor(
      () => logLines(dir).filter((l) => l.event === "debug").length === 2,
      5000,
      "debug off",
    );
    const count = logLines(dir).filter((l) => l.event === "poll").length;
    await new Promise((r) => setTimeout(r, 400));
    expect(logLines(dir).filter((l) => l.event === "poll").length).toBeLessThanOrEqual(count + 1);
    agent.child.kill("SIGTERM");
    expect((await agent.exited).code).toBe(0);
  });

  it("exits 2 on an invalid config, names the line, and starts nothing", async () => {
    const { dir, remove } = tempDir();
    cleanups.push(remove);
    const apiPort = await freePort();
    const config = agentConfig(
      dir,
      apiPort,
      "  db:\n    kind: tcp\n    port: 3306\n    intervall: 2s\n",
    );
    const result = await runTandem(["agent", "--config", config]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${config}:`);
    expect(result.stderr).toContain('unknown key "intervall"');
    expect(result.stderr).toContain('did you mean "interval"');
    // Nothing was started: the API port is free and no log file was written.
    const probe = await listening(apiPort);
    await new Promise<void>((r) => probe.close(() => r()));
    expect(existsSync(join(dir, "agent.log"))).toBe(false);
  });

  it("exits 4 with a clear message when the API port is taken", async () => {
    const { dir, remove } = tempDir();
    cleanups.push(remove);
    const apiPort = await freePort();
    const taken = await listening(apiPort);
    cleanups.push(() => new Promise<void>((r) => taken.close(() => r())));
    const config = agentConfig(dir, apiPort, "  mem:\n    kind: memory\n");
    const result = await runTandem(["agent", "--config", config]);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(
      `Cannot bind the API listener: port "${apiPort}" on 127.0.0.1 is in use`,
    );
  });
});
