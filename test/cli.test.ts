/**
 * The `tandem` command line as an operator runs it: status against a real agent, config
 * check and schema, version, exit codes.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  freePort,
  ROOT,
  type RunningTandem,
  runTandem,
  startTandem,
  tempDir,
  waitFor,
  writeFile,
} from "./helpers/processes.js";

let agent: RunningTandem;
let dir: string;
let removeDir: () => void;
let url: string;
let config: string;

beforeAll(async () => {
  ({ dir, remove: removeDir } = tempDir());
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  config = writeFile(
    dir,
    "a.yaml",
    `node: { name: cli-a, stateDir: ${join(dir, "state")} }
api: { listen: "127.0.0.1:${port}" }
log: { file: ${join(dir, "agent.log")} }
probeDefaults: { interval: 100ms, timeout: 80ms, fall: 1, rise: 1 }
probes:
  mem: { kind: memory, minAvailablePercent: 0 }
  spool-marker: { kind: command, command: "if [ -e ${join(dir, "broken")} ]; then echo 'SPOOL CRITICAL - broken'; exit 2; fi; echo SPOOL OK", severity: critical }
  never: { kind: tcp, port: 1, severity: warning, description: nothing listens here }
`,
  );
  agent = startTandem(["agent", "--config", config]);
  await waitFor(
    async () => (await fetch(`${url}/monitor/role`)).status === 200,
    15_000,
    "agent ACTIVE",
  );
});

afterAll(async () => {
  agent.child.kill("SIGTERM");
  await agent.exited;
  removeDir();
});

describe("tandem status", () => {
  it("prints a readable table and exits 0 while healthy", async () => {
    const r = await runTandem(["status", "--url", url]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Node cli-a {2}ACTIVE {2}healthy {2}since /);
    expect(r.stdout).toMatch(/PROBE\s+KIND\s+SEVERITY\s+STATE\s+SINCE\s+FAILED\s+LAST CHECK/);
    expect(r.stdout).toMatch(/\nmem\s+memory\s+critical\s+up\s/);
    expect(r.stdout).toMatch(/\nnever\s+tcp\s+warning\s+down\s/);
    expect(r.stdout).toContain("never: first error: connect ECONNREFUSED 127.0.0.1:1");
  });

  it("finds the agent from --config and prints JSON with --json", async () => {
    const r = await runTandem(["status", "--config", config, "--json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.node).toMatchObject({ name: "cli-a", mode: "ACTIVE", healthy: true });
    expect(doc.probes.map((p: { name: string }) => p.name)).toEqual([
      "mem",
      "spool-marker",
      "never",
    ]);
  });

  it("exits 1 and names the failing probe when a critical resource is down", async () => {
    writeFile(dir, "broken", "");
    await waitFor(async () => (await fetch(`${url}/monitor/role`)).status === 503, 5000, "STANDBY");
    const r = await runTandem(["status", "--url", url]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/STANDBY {2}not healthy/);
    expect(r.stdout).toContain('critical probe "spool-marker" down');
    expect(r.stdout).toMatch(/\nspool-marker\s+command\s+critical\s+DOWN\s/);
    const { rmSync } = await import("node:fs");
    rmSync(join(dir, "broken"));
    await waitFor(
      async () => (await fetch(`${url}/monitor/role`)).status === 200,
      5000,
      "ACTIVE again",
    );
  });

  it("--watch --json prints one document per refresh and stops on SIGINT", async () => {
    const watch = startTandem(["status", "--url", url, "--watch", "--json", "--interval", "0.2"]);
    await waitFor(
      () => watch.output().split("\n").filter(Boolean).length >= 3,
      10_000,
      "3 documents",
    );
    watch.child.kill("SIGINT");
    const result = await watch.exited;
    expect(result.code).toBe(0);
    const docs = result.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(docs.length).toBeGreaterThanOrEqual(3);
    expect(docs.every((d) => d.node.name === "cli-a")).toBe(true);
    expect(new Set(docs.map((d) => d.time)).size).toBe(docs.length);
  });

  it("exits 3 with a clear message when no agent answers", async () => {
    const port = await freePort();
    const r = await runTandem(["status", "--url", `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`Cannot reach the agent at http://127.0.0.1:${port}: ECONNREFUSED`);
  });
});

describe("tandem config", () => {
  it("check: valid file exits 0 with a summary; --json", async () => {
    const r = await runTandem(["config", "check", config]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('valid — node "cli-a"');
    const j = await runTandem(["config", "check", config, "--json"]);
    expect(JSON.parse(j.stdout)).toMatchObject({ valid: true, probes: 3, critical: 2 });
  });

  it("check: invalid file exits 2 with file:line:col errors, --json lists them", async () => {
    const bad = writeFile(dir, "bad.yaml", "probes:\n  db:\n    kind: tcp\n    port: abc\n");
    const r = await runTandem(["config", "check", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:4:11`);
    const j = await runTandem(["config", "check", bad, "--json"]);
    expect(j.code).toBe(2);
    const out = JSON.parse(j.stdout);
    expect(out).toMatchObject({ valid: false, code: "TANDEM_ERR_CONFIG_INVALID" });
    expect(out.errors[0]).toMatchObject({ line: 4, column: 11, path: "probes.db.port" });
  });

  it("check: a missing file exits 2", async () => {
    const r = await runTandem(["config", "check", join(dir, "nope.yaml")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("nope.yaml");
  });

  it("schema prints the committed JSON Schema", async () => {
    const r = await runTandem(["config", "schema"]);
    expect(r.code).toBe(0);
    const { readFileSync } = await import("node:fs");
    expect(JSON.parse(r.stdout)).toEqual(
      JSON.parse(readFileSync(join(ROOT, "schema/tandem.schema.json"), "utf8")),
    );
  });
});

describe("tandem (general)", () => {
  it("version prints the package version", async () => {
    const r = await runTandem(["version", "--json"]);
    expect(r.code).toBe(0);
    const { readFileSync } = await import("node:fs");
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(JSON.parse(r.stdout).tandem).toBe(pkg.version);
  });

  it("unknown commands and options exit 2; --help exits 0", async () => {
    expect((await runTandem(["frobnicate"])).code).toBe(2);
    expect((await runTandem(["status", "--bogus"])).code).toBe(2);
    const help = await runTandem(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("agent");
    expect(help.stdout).toContain("status");
  });
});

describe("tandem config check as an unprivileged user", () => {
  // Root reads any file, so permission errors are produced by running the CLI as "nobody".
  it("reports an unreadable config file and an unreadable secret file with the OS reason", async () => {
    const { mkdtempSync, writeFileSync, chmodSync } = await import("node:fs");
    const { spawnSync } = await import("node:child_process");
    const open = mkdtempSync("/tmp/tandem-perm-");
    chmodSync(open, 0o755);
    const locked = join(open, "locked.yaml");
    writeFileSync(locked, "probes: {}\n", { mode: 0o600 });
    const secret = join(open, "db.pass");
    writeFileSync(secret, "s3cret\n", { mode: 0o600 });
    const readable = join(open, "readable.yaml");
    writeFileSync(
      readable,
      `probes:\n  db: { kind: sql, driver: postgres, url: "postgres://h/x", password: "\${file:${secret}}" }\n`,
      { mode: 0o644 },
    );
    const asNobody = (file: string) =>
      spawnSync(
        "setpriv",
        [
          "--reuid=65534",
          "--regid=65534",
          "--clear-groups",
          process.execPath,
          join(ROOT, "bin/tandem.js"),
          "config",
          "check",
          file,
        ],
        { encoding: "utf8", cwd: "/" },
      );
    const a = asNobody(locked);
    expect(a.status).toBe(2);
    expect(a.stderr).toContain(
      `cannot read configuration file "${locked}": permission denied (EACCES)`,
    );
    const b = asNobody(readable);
    expect(b.status).toBe(2);
    expect(b.stderr).toContain(
      `probes.db.password: cannot read secret file "${secret}": permission denied (EACCES)`,
    );
    expect(b.stderr).not.toContain("s3cret");
    const { rmSync } = await import("node:fs");
    rmSync(open, { recursive: true, force: true });
  });
});

describe("tandem delay", () => {
  it("computes the delay of a profile and exits 0 when the timers are safe", async () => {
    const r = await runTandem(["delay", "--profile", "fast"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      "heartbeat: every 100 ms, timeout 80 ms, fall 3 (profile fast)\nfailover delay: typical 330 ms, worst 380 ms\n",
    );
  });

  it("takes the timers from a config's cluster section, with its overrides", async () => {
    const pair = writeFile(
      dir,
      "pair.yaml",
      `node: { name: a }
cluster:
  secret: 0123456789abcdef0123
  profile: wan
  heartbeat: { fall: 2 }
  nodes:
    - { name: a, rank: 1, api: "http://127.0.0.1:17701" }
    - { name: b, rank: 2, api: "http://127.0.0.1:17702" }
`,
    );
    const r = await runTandem(["delay", "--config", pair, "--json"]);
    expect(r.code).toBe(0);
    // wan: 2 s interval, 1.5 s timeout; fall overridden to 2 → worst 2 × 2 s + 1.5 s.
    expect(JSON.parse(r.stdout)).toMatchObject({
      timers: { intervalMs: 2000, timeoutMs: 1500, fall: 2 },
      worstMs: 5500,
      typicalMs: 4500,
      warnings: [],
    });
  });

  it("warns and exits 1 about unsafe timers and a load balancer slower than the agents", async () => {
    const r = await runTandem([
      "delay",
      "--fall",
      "1",
      "--lb-interval",
      "2s",
      "--lb-fall",
      "3",
      "--lb-timeout",
      "1s",
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("failover delay: typical 6 s, worst 7 s");
    expect(r.stdout).toContain("warning: fall of 1: a single lost heartbeat triggers a failover");
    expect(r.stdout).toContain("warning: the load balancer needs up to 7000 ms to switch");
  });

  it("rejects a bad duration with exit 2", async () => {
    const r = await runTandem(["delay", "--interval", "fast"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--interval "fast" is not a duration');
  });
});
