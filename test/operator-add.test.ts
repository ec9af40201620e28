/**
 * `tandem operator add NAME` as an operator runs it: the printed line is a valid `operators`
 * section whose hash verifies the password given on standard input, and an agent started with
 * it lets that operator log in to the console.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { verifyPassword } from "../src/ui/password.js";
import { useCleanups } from "./helpers/cleanups.js";
import {
  freePort,
  ROOT,
  startTandem,
  TANDEM_BIN,
  tempDir,
  waitFor,
  writeFile,
} from "./helpers/processes.js";

const cleanups = useCleanups();

function add(
  args: string[],
  input: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [TANDEM_BIN, "operator", "add", ...args], { cwd: ROOT });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input);
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

describe("tandem operator add", () => {
  it("prints an operators line whose hash logs the operator in to a running agent, which limits failed logins", async () => {
    const r = await add(["alice", "--password-stdin"], "alice-password\nignored\n");
    expect(r.code).toBe(0);
    const section = parse(r.stdout) as { operators: Record<string, string> };
    expect(Object.keys(section.operators)).toEqual(["alice"]);
    expect(await verifyPassword("alice-password", section.operators.alice ?? "")).toBe(true);

    const { dir, remove } = tempDir("tandem-operator-");
    cleanups.push(remove);
    const port = await freePort();
    const config = writeFile(
      dir,
      "a.yaml",
      `node: { name: a, stateDir: ${join(dir, "state")} }\napi: { listen: "127.0.0.1:${port}" }\nlog: { file: ${join(dir, "a.log")} }\n${r.stdout}`,
    );
    const agent = startTandem(["agent", "--config", config]);
    cleanups.push(async () => {
      agent.child.kill("SIGTERM");
      await agent.exited.catch(() => undefined);
    });
    const login = (password: string) =>
      fetch(`http://127.0.0.1:${port}/ui/api/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "alice", password }),
      });
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}/v1/status`)).ok,
      15_000,
      "the agent",
    );
    expect((await login("wrong-password")).status).toBe(401);
    const ok = await login("alice-password");
    expect(ok.status).toBe(200);
    expect(ok.headers.get("set-cookie")).toMatch(
      /^tandem_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800$/,
    );
    // Five failures in a minute from one address, and the sixth attempt waits, right or not.
    for (let i = 0; i < 5; i++) expect((await login(`wrong-${i}`)).status).toBe(401);
    const limited = await login("alice-password");
    expect(limited.status).toBe(429);
    const wait = Number(limited.headers.get("retry-after"));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    expect(((await limited.json()) as { error: string }).error).toMatch(
      /too many failed logins from 127\.0\.0\.1/,
    );
  });

  it("refuses a short password, a bad name, and a missing terminal without --password-stdin", async () => {
    const short = await add(["alice", "--password-stdin"], "short\n");
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/has 5 characters: at least 8/);
    const name = await add(["al ice", "--password-stdin"], "alice-password\n");
    expect(name.code).toBe(2);
    expect(name.stderr).toMatch(/operator name "al ice" must be letters/);
    const noTty = await add(["alice"], "alice-password\n");
    expect(noTty.code).toBe(2);
    expect(noTty.stderr).toMatch(/not a terminal: pass --password-stdin/);
    expect(noTty.stdout).toBe("");
  });
});
