import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { HookEnv } from "../engine/types.js";
import { isRunning } from "../probes/proc.test-helpers.js";
import { HookRunner, hooksSchema } from "./index.js";

const env: HookEnv = {
  TANDEM_NODE: "b",
  TANDEM_FROM: "STANDBY",
  TANDEM_TO: "ACTIVE",
  TANDEM_TERM: "4",
  // Quotes and `$(…)` must reach the hook verbatim, never through a shell.
  TANDEM_REASON: 'peer "a" unreachable 3/3 (connection refused) $(echo injected)',
};

const runner = (hooks: unknown) => new HookRunner(hooksSchema.parse(hooks));

let dir = "";
const strays: number[] = [];
const servers: Server[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tandem-hooks-"));
});
afterEach(async () => {
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone, as it should be.
    }
  }
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  rmSync(dir, { recursive: true, force: true });
});

interface Received {
  method: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

/** A real HTTP server on a free loopback port answering `status` and `body`. */
async function webhookServer(
  status: number,
  body = "",
): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let text = "";
    req.on("data", (d: Buffer) => {
      text += d.toString();
    });
    req.on("end", () => {
      received.push({
        method: req.method,
        contentType: req.headers["content-type"],
        body: JSON.parse(text),
      });
      res.writeHead(status).end(body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/hook`, received };
}

describe("HookRunner: commands", () => {
  it("gives the command the TANDEM_* variables on top of the agent's environment", async () => {
    process.env.TANDEM_TEST_INHERITED = "kept";
    try {
      const [outcome] = await runner({
        active: [{ command: "env | grep '^TANDEM_' | sort" }],
      }).run("active", env);
      const vars = Object.fromEntries(
        (outcome?.output ?? "")
          .trim()
          .split("\n")
          .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
      );
      expect(vars).toEqual({
        ...env,
        TANDEM_EVENT: "active",
        TANDEM_TIME: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        TANDEM_TEST_INHERITED: "kept",
      });
      expect(outcome).toMatchObject({
        hook: "env | grep '^TANDEM_' | sort",
        ok: true,
        exitCode: 0,
      });
    } finally {
      delete process.env.TANDEM_TEST_INHERITED;
    }
  });

  it("judges by exit code, runs every hook of the event, and never rejects", async () => {
    const outcomes = await runner({
      standby: [
        { command: "exit 0" },
        { command: ["/bin/sh", "-c", "echo no VIP here >&2; exit 3"] },
        { command: "kill -SEGV $$" },
        { command: ["/no/such/hook"] },
      ],
    }).run("standby", env);
    expect(outcomes).toEqual([
      { hook: "exit 0", ok: true, exitCode: 0, durationMs: expect.any(Number), output: "" },
      {
        hook: "/bin/sh -c echo no VIP here >&2; exit 3",
        ok: false,
        exitCode: 3,
        durationMs: expect.any(Number),
        output: "no VIP here\n",
        error: "exit code 3",
      },
      {
        hook: "kill -SEGV $$",
        ok: false,
        durationMs: expect.any(Number),
        output: "",
        error: "killed by SIGSEGV",
      },
      {
        hook: "/no/such/hook",
        ok: false,
        durationMs: expect.any(Number),
        output: "",
        error: 'cannot run "/no/such/hook": spawn /no/such/hook ENOENT',
      },
    ]);
  });

  it("kills the whole process group at the timeout", async () => {
    const pids = join(dir, "pids");
    const pending = runner({
      "self-fenced": [{ command: `sleep 100 & echo "$$ $!" > ${pids}; wait`, timeout: 300 }],
    }).run("self-fenced", env);
    await expect
      .poll(() => existsSync(pids) && readFileSync(pids, "utf8").endsWith("\n"))
      .toBe(true);
    const [shell = 0, grandchild = 0] = readFileSync(pids, "utf8").trim().split(" ").map(Number);
    strays.push(shell, grandchild);
    expect(isRunning(grandchild)).toBe(true);
    const [outcome] = await pending;
    expect(outcome).toMatchObject({
      ok: false,
      error: `timed out after 300 ms; killed process group ${shell}`,
    });
    expect(outcome?.exitCode).toBeUndefined();
    expect(outcome?.durationMs).toBeGreaterThanOrEqual(290);
    expect(outcome?.durationMs).toBeLessThan(2000);
    await expect.poll(() => isRunning(grandchild), { timeout: 1000 }).toBe(false);
    expect(isRunning(shell)).toBe(false);
  });

  it("captures both streams in order, each cut at 16 KiB, without blocking a chatty hook", async () => {
    const [capped, flood] = await runner({
      "peer-lost": [
        {
          command:
            "echo first; echo warning >&2; sleep 0.05; head -c 40000 /dev/zero | tr '\\0' x; head -c 20000 /dev/zero | tr '\\0' y >&2",
        },
        { command: "head -c 5000000 /dev/zero", timeout: 5000 },
      ],
    }).run("peer-lost", env);
    const output = capped?.output ?? "";
    expect(output.startsWith("first\nwarning\n")).toBe(true);
    expect(output.match(/x+/)?.[0].length).toBe(16_384 - "first\n".length);
    expect(output.match(/y+/)?.[0].length).toBe(16_384 - "warning\n".length);
    expect(output.endsWith("\n[stdout cut at 16384 bytes]\n[stderr cut at 16384 bytes]")).toBe(
      true,
    );
    expect(flood).toMatchObject({ ok: true, exitCode: 0 });
    expect(flood?.output.length).toBeLessThanOrEqual(16_384 + 40);
  });

  it("stops the running hook on abort and reports the rest as not run", async () => {
    const controller = new AbortController();
    const pending = runner({
      active: [{ command: "sleep 100" }, { command: "echo never" }],
    }).run("active", env, controller.signal);
    setTimeout(() => controller.abort(), 100);
    const [first, second] = await pending;
    expect(first?.error).toMatch(/^aborted; killed process group \d+$/);
    expect(second).toEqual({
      hook: "echo never",
      ok: false,
      durationMs: 0,
      output: "",
      error: "not run: aborted",
    });
  });
});

describe("HookRunner: ordering", () => {
  it("runs the hooks of one event and of queued events strictly in order", async () => {
    const log = join(dir, "order.log");
    const hooks = runner({
      active: [
        {
          command: `echo "active $TANDEM_TERM start" >> ${log}; sleep 0.2; echo "active $TANDEM_TERM end" >> ${log}`,
        },
        { command: `echo "active $TANDEM_TERM second" >> ${log}` },
      ],
      standby: [{ command: `echo "standby $TANDEM_TERM" >> ${log}` }],
    });
    // A fast ACTIVE → STANDBY → ACTIVE: nothing awaited between the calls.
    const runs = [
      hooks.run("active", { ...env, TANDEM_TERM: "1" }),
      hooks.run("standby", { ...env, TANDEM_TERM: "1" }),
      hooks.run("active", { ...env, TANDEM_TERM: "2" }),
    ];
    const outcomes = await Promise.all(runs);
    expect(outcomes.flat().every((o) => o.ok)).toBe(true);
    expect(readFileSync(log, "utf8").trim().split("\n")).toEqual([
      "active 1 start",
      "active 1 end",
      "active 1 second",
      "standby 1",
      "active 2 start",
      "active 2 end",
      "active 2 second",
    ]);
  });
});

describe("HookRunner: webhooks", () => {
  it("sends the event as JSON and counts a 2xx as success", async () => {
    const server = await webhookServer(204);
    const outcomes = await runner({
      "peer-found": [{ url: `${server.url}?token=secret`, method: "PUT" }],
    }).run("peer-found", env);
    expect(server.received).toEqual([
      {
        method: "PUT",
        contentType: "application/json",
        body: {
          event: "peer-found",
          node: "b",
          from: "STANDBY",
          to: "ACTIVE",
          term: 4,
          reason: env.TANDEM_REASON,
          time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        },
      },
    ]);
    // The token in the query string stays out of the log.
    expect(outcomes).toEqual([
      {
        hook: `PUT ${server.url}`,
        ok: true,
        status: 204,
        durationMs: expect.any(Number),
        output: "",
      },
    ]);
  });

  it("counts a 500 as a failure and keeps the first KiB of the answer", async () => {
    const server = await webhookServer(500, `queue service down ${"z".repeat(3000)}`);
    const [outcome] = await runner({ active: [{ url: server.url }] }).run("active", env);
    expect(server.received[0]?.method).toBe("POST");
    expect(outcome).toMatchObject({ ok: false, status: 500, error: "HTTP status 500" });
    expect(outcome?.output.startsWith("queue service down zzz")).toBe(true);
    expect(outcome?.output.length).toBe(1024);
  });

  it("reports a refused connection and a server that never answers", async () => {
    const silent = createServer(() => {});
    servers.push(silent);
    const listen = (server: Server) =>
      new Promise<number>((resolve) =>
        server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
      );
    const mutePort = await listen(silent);
    const closed = createServer();
    const refusedPort = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const [down, mute] = await runner({
      "peer-lost": [
        { url: `http://127.0.0.1:${refusedPort}/`, timeout: 2000 },
        { url: `http://127.0.0.1:${mutePort}/`, timeout: 200 },
      ],
    }).run("peer-lost", env);
    expect(down).toMatchObject({ ok: false, output: "" });
    expect(down?.error).toMatch(/ECONNREFUSED/);
    expect(down?.status).toBeUndefined();
    expect(mute).toMatchObject({ ok: false, error: "timed out after 200 ms" });
    expect(mute?.durationMs).toBeLessThan(1500);
  });
});
