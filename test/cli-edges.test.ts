/**
 * The edges of the command line an operator hits in a shell: output piped into `head`, JSON
 * errors for scripts, the exit code when no agent answers, and Ctrl-C in `tandem recover`
 * (at its prompt, in a real terminal made with `script`, and during a step).
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Pair, startPair } from "./helpers/pair.js";
import {
  freePort,
  ROOT,
  type RunningTandem,
  runTandem,
  startTandem,
  TANDEM_BIN,
  tempDir,
  waitFor,
  writeFile,
} from "./helpers/processes.js";

/** Runs a shell line from the repository root; resolves with its output and status. */
function shell(line: string, timeoutMs = 30_000): Promise<{ code: number | null; out: string }> {
  const child = spawn("bash", ["-c", line], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" } });
  let out = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve) =>
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    }),
  );
}

describe("tandem piped into head", () => {
  const scratch = tempDir();
  let agent: RunningTandem;
  let url = "";
  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const config = writeFile(
      scratch.dir,
      "a.yaml",
      `node: { name: pipe-a, stateDir: ${scratch.dir}/state }
api: { listen: "127.0.0.1:${port}" }
log: { file: ${scratch.dir}/agent.log }
probes:
  mem: { kind: memory, minAvailablePercent: 0, interval: 200ms }
`,
    );
    agent = startTandem(["agent", "--config", config]);
    await waitFor(async () => (await fetch(`${url}/monitor/role`)).status === 200, 30_000, "up");
  }, 60_000);
  afterAll(async () => {
    agent.child.kill("SIGTERM");
    await agent.exited;
    scratch.remove();
  });

  it("ends quietly when the reader goes away (no EPIPE error, exit 0)", async () => {
    const r = await shell(
      `node ${TANDEM_BIN} status --url ${url} --watch --interval 0.05 | head -n 1; echo "tandem exit \${PIPESTATUS[0]}"`,
    );
    // --watch clears the screen before each refresh; the first refresh is all head lets through.
    expect(r.out.replace("\x1b[2J\x1b[H", "")).toMatch(/^Node pipe-a/);
    expect(r.out).toContain("tandem exit 0");
    expect(r.out).not.toMatch(/EPIPE|Unhandled|at .*\.js:\d+/);
  }, 60_000);
});

describe("--json errors", () => {
  it("a command with --json prints a JSON error object with the documented code", async () => {
    const port = await freePort();
    const r = await runTandem(["status", "--url", `http://127.0.0.1:${port}`, "--json"]);
    expect(r.code).toBe(3);
    const body = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("TANDEM_ERR_AGENT_UNREACHABLE");
    expect(body.error.message).toContain(`127.0.0.1:${port}`);
  });

  it("a usage error with --json is TANDEM_ERR_USAGE, exit 2", async () => {
    const r = await runTandem(["status", "--no-such-option", "--json"]);
    expect(r.code).toBe(2);
    const body = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    expect(body.error).toEqual({
      code: "TANDEM_ERR_USAGE",
      message: "unknown option '--no-such-option'",
    });
  });
});

describe("pair commands when no agent answers", () => {
  const scratch = tempDir();
  let config = "";
  beforeAll(async () => {
    const [a, b] = [await freePort(), await freePort()];
    config = writeFile(
      scratch.dir,
      "a.yaml",
      `node: { name: a, stateDir: ${scratch.dir}/state }
api: { listen: "127.0.0.1:${a}" }
probes: {}
cluster:
  secret: a-long-enough-test-secret-0123
  nodes:
    - { name: a, rank: 1, api: "http://127.0.0.1:${a}" }
    - { name: b, rank: 2, api: "http://127.0.0.1:${b}" }
`,
    );
  });
  afterAll(() => scratch.remove());

  it.each([[["switchover", "--to", "b"]], [["failover"]], [["recover", "--yes"]]])(
    "tandem %s exits 3 (agent unreachable), with a JSON error under --json",
    async (args) => {
      const r = await runTandem([...args, "--config", config]);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/no node of the pair answers/);
      const j = await runTandem([...args, "--config", config, "--json"]);
      expect(j.code).toBe(3);
      expect(JSON.parse(j.stdout)).toMatchObject({
        error: { code: "TANDEM_ERR_AGENT_UNREACHABLE" },
      });
    },
  );
});

describe("Ctrl-C in tandem recover", () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair();
    await pair.startBoth();
    await pair.settled();
    await pair.kill("a");
    await waitFor(async () => (await pair.role("b")).status === 200, 30_000, "b takes over");
    pair.start("a");
    await waitFor(
      async () => (await pair.status("a")).node.mode === "PEER_FENCED",
      30_000,
      "a back, fenced",
    );
  }, 120_000);
  afterAll(async () => {
    await pair.close();
  });

  it("at the prompt: exit 130, one line saying where it stopped and how to resume", async () => {
    // `script` gives recover a real terminal, so it asks; Ctrl-C is the byte 0x03 on it.
    const child = spawn(
      "script",
      ["-qfec", `node ${TANDEM_BIN} recover --config ${pair.config.a}`, "/dev/null"],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: "1", TERM: "dumb" } },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    await waitFor(async () => out.includes("Continue? [y/N]"), 30_000, `the prompt\n${out}`);
    child.stdin.write("\x03");
    expect(await exited).toBe(130);
    const lines = out.split(/\r?\n/).filter((l) => l.includes("Interrupted"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /Interrupted at step 2\/9 \(probes\)\. Progress is in .*recover-progress\.json; run "tandem recover" again to continue/,
    );
    expect(out).not.toMatch(/AbortError|\n\s+at /);
  }, 60_000);

  it("during a step: the step finishes, then exit 130 naming the next step", async () => {
    const recover = startTandem([
      "recover",
      "--config",
      pair.config.a,
      "--yes",
      "--step",
      "--queues-paused",
    ]);
    // --step runs preflight and one step; the run below is the resumed one we interrupt.
    expect((await recover.exited).code, recover.output()).toBe(0);
    const resumed = startTandem(["recover", "--config", pair.config.a, "--yes", "--queues-paused"]);
    await waitFor(async () => resumed.output().includes("[3/9]"), 30_000, resumed.output());
    resumed.child.kill("SIGINT");
    const done = await resumed.exited;
    expect(done.code, resumed.output()).toBe(130);
    expect(done.stderr).toMatch(
      /Interrupted after step [3-9]\/9 \([a-z-]+\)\. Progress is in .*; run "tandem recover" again to continue \(it resumes at the next step\)/,
    );
    expect(done.stderr).not.toMatch(/\n\s+at /);
  }, 90_000);
});
