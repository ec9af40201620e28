/**
 * Log rotation with a real agent process: logrotate renames `log.file` and sends SIGHUP; the
 * agent reopens the file at its path, and no line is lost or split between the two files.
 */
import { existsSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useCleanups } from "./helpers/cleanups.js";
import { freePort, startTandem, tempDir, waitFor, writeFile } from "./helpers/processes.js";

const cleanups = useCleanups();

type LogLine = Record<string, unknown> & { time: string; event?: string; msg: string };

/** Every line of a JSON-lines file, parsed (a split line would throw here). */
function lines(path: string): LogLine[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, "utf8");
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogLine);
}

describe("SIGHUP reopens log.file (real agent)", () => {
  it("writes every line before the signal to the renamed file and every line after it to a new one", async () => {
    const { dir, remove } = tempDir();
    cleanups.push(remove);
    const port = await freePort();
    const log = join(dir, "agent.log");
    const config = writeFile(
      dir,
      "tandem.yaml",
      `node:
  name: rot
  stateDir: ${join(dir, "state")}
api:
  listen: 127.0.0.1:${port}
log:
  file: ${log}
probeDefaults: { interval: 50ms, timeout: 40ms, fall: 1, rise: 1 }
probes:
  mem: { kind: memory, minAvailablePercent: 0 }
`,
    );
    const agent = startTandem(["agent", "--config", config]);
    cleanups.push(() => {
      agent.child.kill("SIGKILL");
    });
    await waitFor(() => lines(log).some((l) => l.event === "ready"), 10_000, "ready");
    // Debug polls write a line every 50 ms: the file is being written while it is rotated.
    agent.child.kill("SIGUSR1");
    await waitFor(() => lines(log).filter((l) => l.event === "poll").length >= 5, 5000, "polls");

    renameSync(log, `${log}.1`);
    // Until the signal the agent keeps writing to the renamed file, as after a real rename.
    await waitFor(() => !existsSync(log) && lines(`${log}.1`).length > 0, 1000, "rename");
    const beforeHup = lines(`${log}.1`).length;
    await new Promise((r) => setTimeout(r, 200));
    expect(lines(`${log}.1`).length).toBeGreaterThan(beforeHup);
    expect(existsSync(log)).toBe(false);

    agent.child.kill("SIGHUP");
    await waitFor(() => lines(log).filter((l) => l.event === "poll").length >= 5, 5000, "new file");
    agent.child.kill("SIGTERM");
    expect((await agent.exited).code).toBe(0);

    const old = lines(`${log}.1`);
    const fresh = lines(log);
    expect(old.slice(0, 3).map((l) => l.event)).toContain("start");
    expect(old.some((l) => l.event === "log_reopened")).toBe(false);
    expect(fresh[0]).toMatchObject({
      event: "log_reopened",
      msg: expect.stringMatching(/^SIGHUP: log file reopened/),
    });
    expect(fresh.at(-1)?.event).toBe("stopped");
    // Nothing lost across the switch: the polls continue without a gap and in order.
    const polls = [...old, ...fresh]
      .filter((l) => l.event === "poll")
      .map((l) => Date.parse(l.time));
    for (let i = 1; i < polls.length; i++) {
      expect(polls[i]).toBeGreaterThanOrEqual(polls[i - 1] as number);
      expect((polls[i] as number) - (polls[i - 1] as number)).toBeLessThan(1000);
    }
    const lastOld = Date.parse(old.at(-1)?.time ?? "");
    expect(Date.parse(fresh[0]?.time ?? "")).toBeGreaterThanOrEqual(lastOld);
  });

  it("logs that SIGHUP changed nothing when the agent logs to standard output", async () => {
    const { dir, remove } = tempDir();
    cleanups.push(remove);
    const port = await freePort();
    const config = writeFile(
      dir,
      "tandem.yaml",
      `node: { name: out, stateDir: ${join(dir, "state")} }
api: { listen: "127.0.0.1:${port}" }
probes:
  mem: { kind: memory, minAvailablePercent: 0 }
`,
    );
    const agent = startTandem(["agent", "--config", config]);
    cleanups.push(() => {
      agent.child.kill("SIGKILL");
    });
    await waitFor(() => agent.output().includes('"event":"ready"'), 10_000, "ready");
    agent.child.kill("SIGHUP");
    await waitFor(() => agent.output().includes('"event":"sighup"'), 5000, "sighup line");
    expect(agent.output()).toContain("SIGHUP ignored: no log.file to reopen");
    agent.child.kill("SIGTERM");
    expect((await agent.exited).code).toBe(0);
  });
});
