import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ConfigInvalidError, ConfigReadError } from "../errors.js";
import { rejection, useTempDir } from "./config.test-helpers.js";
import { loadConfig, parseConfigText } from "./load.js";

const FULL = fileURLToPath(new URL("fixtures/full.yaml", import.meta.url));
const env = { DB_PASSWORD: "s3cret" };
const tempDir = useTempDir();

describe("loadConfig", () => {
  it("loads a config with every probe kind, applying defaults and converting durations to ms", async () => {
    const { config, path, hash, warnings } = await loadConfig(FULL, { env });
    expect(path).toBe(FULL);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(warnings).toEqual([]);
    expect(config.node).toEqual({ name: "pbx-a", stateDir: "/var/lib/tandem", nice: -10 });
    expect(config.api).toEqual({
      listen: "[::1]:7701",
      bodyLimit: 65_536,
      requestTimeout: 2500,
      headersTimeout: 2000,
      maxConnections: 1000,
      maxEventStreams: 500,
      clientPaths: [],
    });
    expect(config.log).toEqual({ level: "info", pretty: "auto" });
    expect(config.probeDefaults).toEqual({ interval: 2000, timeout: 750, fall: 2, rise: 2 });
    expect(Object.keys(config.probes)).toEqual([
      "web",
      "sip",
      "db",
      "spool",
      "root",
      "cpu",
      "mem",
      "asterisk",
      "plugin",
      "options",
    ]);
    expect(config.probes.web).toEqual({
      kind: "http",
      url: "https://127.0.0.1:8089/httpstatus",
      method: "GET",
      expectStatus: [200, 204],
      headers: { Accept: "text/plain" },
      insecure: false,
    });
    expect(config.probes.sip).toEqual({
      kind: "tcp",
      host: "127.0.0.1",
      port: 5060,
      interval: 500,
      timeout: 250,
    });
    expect(config.probes.db).toMatchObject({
      kind: "sql",
      driver: "postgres",
      password: "s3cret",
      query: "SELECT 1",
    });
    expect(config.probes.spool).toMatchObject({
      kind: "file",
      write: true,
      testDir: "/var/spool/asterisk/tmp",
    });
    expect(config.probes.root).toEqual({
      kind: "disk",
      severity: "warning",
      path: "/",
      maxUsedPercent: 90,
    });
    expect(config.probes.cpu).toEqual({ kind: "load", maxPerCore: 2, window: 15 });
    expect(config.probes.mem).toEqual({
      kind: "memory",
      fall: 5,
      rise: 1,
      minAvailablePercent: 10,
    });
    expect(config.probes.asterisk).toEqual({ kind: "process", name: "asterisk" });
    expect(config.probes.plugin).toMatchObject({
      kind: "command",
      interval: 60_000,
      timeout: 10_000,
      env: { LANG: "C" },
    });
  });

  it("reports a missing file as ConfigReadError with the path and the OS reason", async () => {
    const path = join(await tempDir(), "nope.yaml");
    const err = await rejection(loadConfig(path));
    expect(err).toBeInstanceOf(ConfigReadError);
    expect(err.code).toBe("TANDEM_ERR_CONFIG_READ");
    expect(err.message).toBe(
      `cannot read configuration file "${path}": no such file or directory (ENOENT)`,
    );
  });

  it("reports a directory as ConfigReadError", async () => {
    const dir = await tempDir();
    const err = await rejection(loadConfig(dir));
    expect(err).toBeInstanceOf(ConfigReadError);
    expect(err.message).toBe(`cannot read configuration file "${dir}": it is a directory`);
  });

  it("refuses a FIFO instead of blocking on it", async () => {
    const fifo = join(await tempDir(), "fifo.yaml");
    execFileSync("mkfifo", [fifo]);
    const err = await rejection(loadConfig(fifo));
    expect(err).toBeInstanceOf(ConfigReadError);
    expect(err.message).toContain("not a regular file");
  });

  it("uses the file path in validation messages", async () => {
    const dir = await tempDir();
    await mkdir(join(dir, "etc"));
    const path = join(dir, "etc", "tandem.yaml");
    await writeFile(path, "api:\n  bodyLimit: 1\n");
    const err = await rejection(loadConfig(path));
    expect(err).toBeInstanceOf(ConfigInvalidError);
    expect(err.message).toBe(
      `${path}:2:14: api.bodyLimit: expected an integer from 1024 to 1048576, got 1`,
    );
  });
});

describe("parseConfigText", () => {
  it("defaults node.name to the host name, sanitised to the name pattern", async () => {
    const { config } = await parseConfigText("probes: {}\n", "t.yaml", {
      hostname: "-pbx 1/west.example.com",
    });
    expect(config.node.name).toBe("pbx-1-west.example.com");
    const long = await parseConfigText("probes: {}\n", "t.yaml", { hostname: "x".repeat(100) });
    expect(long.config.node.name).toBe("x".repeat(63));
    const named = await parseConfigText("node: { name: b }\n", "t.yaml", { hostname: "other" });
    expect(named.config.node.name).toBe("b");
  });

  it("warns (but loads) when a timeout is not shorter than its interval", async () => {
    const text = [
      "probeDefaults:",
      "  interval: 1s",
      "probes:",
      "  slow:",
      "    kind: tcp",
      "    port: 1",
      "    timeout: 1s",
      "  fine:",
      "    kind: tcp",
      "    port: 2",
      "",
    ].join("\n");
    const { warnings } = await parseConfigText(text, "t.yaml");
    expect(warnings).toEqual([
      "t.yaml:7:14: probes.slow: timeout (1 s) is not shorter than interval (1 s), so a check that hangs delays the next one",
    ]);
  });

  it("warns once about probeDefaults rather than for every probe that inherits them", async () => {
    const text =
      "probeDefaults:\n  timeout: 3s\nprobes:\n  a: { kind: memory }\n  b: { kind: load }\n";
    const { warnings } = await parseConfigText(text, "t.yaml");
    expect(warnings).toEqual([
      "t.yaml:2:12: probeDefaults: timeout (3 s) is not shorter than interval (1 s), so a check that hangs delays the next one",
    ]);
  });

  it("passes YAML warnings on, located", async () => {
    const { warnings } = await parseConfigText("log:\n  file: !weird /var/log/t.log\n", "t.yaml");
    expect(warnings).toEqual(["t.yaml:2:9: Unresolved tag: !weird"]);
  });
});
