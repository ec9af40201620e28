/**
 * The package as an operator installs it: `npm pack`, then `npm install -g` of that tarball
 * into a fresh temp prefix, then the installed `tandem` runs — `tandem version`, an agent that
 * answers on its monitor URL, and the queue loader with its native SQLite module.
 *
 * The registry is a loopback one serving this checkout's locked dependencies
 * (helpers/local-registry.ts): tests send no traffic beyond loopback. `npm pack` runs with
 * --ignore-scripts because the suite's global setup has just built dist/ (the `prepack`
 * script would build it again).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalRegistry, startLocalRegistry } from "./helpers/local-registry.js";
import { freePort, ROOT, tempDir, waitFor } from "./helpers/processes.js";

const pkg = (await import("../package.json", { with: { type: "json" } })).default as {
  name: string;
  version: string;
};

/** The environment without the npm_* variables `npm test` sets (they would steer npm). */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, NO_COLOR: "1", ...extra };
}

let work: { dir: string; remove: () => void };
let registry: LocalRegistry;
let packed: { filename: string; files: string[] };
let prefix: string;
let install: { status: number | null; output: string };
const children: ChildProcess[] = [];

beforeAll(async () => {
  work = tempDir("tandem-pack-");
  const pack = spawnSync(
    "npm",
    ["pack", "--ignore-scripts", "--json", "--pack-destination", work.dir],
    { cwd: ROOT, encoding: "utf8", env: cleanEnv() },
  );
  if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
  const [info] = JSON.parse(pack.stdout) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  packed = {
    filename: join(work.dir, info?.filename ?? ""),
    files: info?.files.map((f) => f.path) ?? [],
  };

  registry = await startLocalRegistry(ROOT);
  prefix = join(work.dir, "prefix");
  // Empty user and global npmrc: nothing from this machine's npm settings steers the install.
  const [userrc, globalrc] = [join(work.dir, "user.npmrc"), join(work.dir, "global.npmrc")];
  writeFileSync(userrc, "");
  writeFileSync(globalrc, "");
  const run = spawn(
    "npm",
    [
      "install",
      "--global",
      "--prefix",
      prefix,
      "--registry",
      registry.url,
      "--cache",
      join(work.dir, "npm-cache"),
      "--userconfig",
      userrc,
      "--globalconfig",
      globalrc,
      "--ignore-scripts",
      "--no-audit",
      "--no-fund",
      "--no-update-notifier",
      packed.filename,
    ],
    { cwd: work.dir, env: cleanEnv() },
  );
  let output = "";
  run.stdout.on("data", (d: Buffer) => {
    output += d.toString();
  });
  run.stderr.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const status = await new Promise<number | null>((resolve) => run.on("exit", resolve));
  install = { status, output };
}, 180_000);

afterAll(async () => {
  for (const c of children) c.kill("SIGKILL");
  await registry?.close();
  // The prefix and npm's cache hold thousands of files: removing them takes seconds on a busy machine.
  work?.remove();
}, 120_000);

describe("npm pack", () => {
  it("ships what the agent needs and no tests, fixtures, benchmarks or source maps", () => {
    expect(packed.files).toEqual(
      expect.arrayContaining([
        "bin/tandem.js",
        "dist/cli/main.js",
        "dist/agent/run.js",
        "dist/ui/page/index.html",
        "dist/ui/page/app.js",
        "dist/ui/page/app.css",
        "schema/tandem.schema.json",
        "docs/install.md",
        "examples/systemd/tandem-agent.service",
        "examples/systemd/tandem-qload@.service",
        "examples/logrotate/tandem",
        "package.json",
      ]),
    );
    const unwanted = packed.files.filter((f) =>
      /(^|\/)(test|bench|src|scripts|node_modules|var)\/|\.test\.|test-helpers|fixtures|\.map$|\.ts$/.test(
        f,
      ),
    );
    expect(unwanted).toEqual([]);
  });
});

describe("npm install -g of the tarball into a fresh prefix", () => {
  it("installs, and `tandem version` runs from the prefix", () => {
    expect(install.output).not.toMatch(/npm (error|ERR!)/);
    expect(install.status).toBe(0);
    const bin = join(prefix, "bin", "tandem");
    expect(realpathSync(bin)).toBe(
      join(prefix, "lib", "node_modules", pkg.name, "bin", "tandem.js"),
    );
    const version = spawnSync(bin, ["version"], {
      cwd: work.dir,
      encoding: "utf8",
      env: cleanEnv(),
    });
    expect(version.stderr).toBe("");
    expect(version.stdout).toBe(`tandem ${pkg.version} (node ${process.version})\n`);
  });

  it("runs `tandem agent --config …`, which answers on its monitor URL", async () => {
    const port = await freePort();
    const config = join(work.dir, "tandem.yaml");
    writeFileSync(
      config,
      `node: { name: installed, stateDir: ${join(work.dir, "state")} }
api: { listen: "127.0.0.1:${port}" }
log: { file: ${join(work.dir, "agent.log")} }
probes:
  mem: { kind: memory, minAvailablePercent: 0, interval: 200ms, timeout: 100ms }
`,
    );
    const agent = spawn(join(prefix, "bin", "tandem"), ["agent", "--config", config], {
      cwd: work.dir,
      env: cleanEnv(),
      stdio: "ignore",
    });
    children.push(agent);
    const base = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => (await fetch(`${base}/monitor/role`)).status === 200,
      20_000,
      "ACTIVE",
    );
    expect(await (await fetch(`${base}/monitor/live`)).text()).toContain("LIVE");
    const status = (await (await fetch(`${base}/v1/status`)).json()) as {
      node: { version?: string };
    };
    expect(JSON.stringify(status)).toContain(pkg.version);
    // The installed agent serves the web console from the package's own files.
    const page = await fetch(`${base}/`);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<script type="module" src="/ui/app.js">');
    expect((await fetch(`${base}/ui/app.js`)).status).toBe(200);
    agent.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) => agent.on("exit", resolve));
    expect(code).toBe(0);
  }, 40_000);

  it("loads a queue_log into SQLite with the installed native module (`tandem qload --once`)", () => {
    const queueLog = join(work.dir, "queue_log");
    writeFileSync(queueLog, "1764345600|1764345600.1|support|NONE|ENTERQUEUE||1000|1\n");
    const store = join(work.dir, "reports.sqlite");
    const run = spawnSync(
      join(prefix, "bin", "tandem"),
      ["qload", "--partition", "A", "--file", queueLog, "--store", store, "--once", "--json"],
      { cwd: work.dir, encoding: "utf8", env: cleanEnv() },
    );
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(existsSync(store)).toBe(true);
    expect(JSON.parse(run.stdout)).toMatchObject({ partition: "A", lines: 1, malformed: 0 });
  });
});
