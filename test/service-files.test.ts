/**
 * The service files an operator installs (examples/systemd, examples/logrotate), checked by the
 * tools that read them: `systemd-analyze verify` and `logrotate -d`.
 *
 * Both tools look up things that exist only on an installed server: `systemd-analyze verify`
 * requires ExecStart's program (installed at /opt/tandem/bin/tandem) and `logrotate` the
 * `tandem` user. The tests check a copy where only those are replaced — the program by this
 * checkout's `bin/tandem.js`, the user by the one running the tests — and say so in each test.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { configSchema } from "../src/config/schema.js";
import { ROOT, TANDEM_BIN, tempDir, writeFile } from "./helpers/processes.js";

const INSTALLED_BIN = "/opt/tandem/bin/tandem";
const agentUnit = readFileSync(join(ROOT, "examples/systemd/tandem-agent.service"), "utf8");
const qloadUnit = readFileSync(join(ROOT, "examples/systemd/tandem-qload@.service"), "utf8");
const logrotateSnippet = readFileSync(join(ROOT, "examples/logrotate/tandem"), "utf8");

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** Runs `systemd-analyze verify` on unit files written to a temp dir, named as given. */
function verify(units: Record<string, string>): { status: number | null; output: string } {
  const { dir, remove } = tempDir("tandem-units-");
  cleanups.push(remove);
  const paths = Object.entries(units).map(([name, text]) =>
    writeFile(dir, name, text.replaceAll(INSTALLED_BIN, TANDEM_BIN)),
  );
  const result = spawnSync("/usr/bin/systemd-analyze", ["verify", "--man=no", ...paths], {
    encoding: "utf8",
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

/** The value of `Key=` in a unit (the last assignment wins, as in systemd). */
function setting(unit: string, key: string): string | undefined {
  const values = [...unit.matchAll(new RegExp(`^${key}=(.*)$`, "gm"))].map((m) => m[1]);
  return values.at(-1);
}

describe("systemd units", () => {
  it("tandem-agent.service and an instance of tandem-qload@.service verify without a warning", () => {
    // ExecStart points at this checkout's bin/tandem.js instead of /opt/tandem/bin/tandem.
    const result = verify({
      "tandem-agent.service": agentUnit,
      "tandem-qload@A.service": qloadUnit,
    });
    expect(result).toEqual({ status: 0, output: "" });
  });

  it("a misspelled setting in the unit is reported (the check can fail)", () => {
    const result = verify({
      "tandem-agent.service": agentUnit.replace("RestartSec=", "RestartSecs="),
    });
    expect(result.output).toContain("Unknown key 'RestartSecs' in section [Service]");
  });

  it("runs the agent as the tandem user with the config's default state dir and a restart policy", () => {
    const defaults = configSchema.parse({});
    expect(setting(agentUnit, "ExecStart")).toBe(
      `${INSTALLED_BIN} agent --config /etc/tandem/tandem.yaml`,
    );
    expect(setting(agentUnit, "User")).toBe("tandem");
    expect(`/var/lib/${setting(agentUnit, "StateDirectory")}`).toBe(defaults.node.stateDir);
    expect(setting(agentUnit, "LogsDirectory")).toBe("tandem");
    expect(setting(agentUnit, "Restart")).toBe("on-failure");
    // Exit 2 is an invalid config (docs/cli.md): restarting cannot fix it.
    expect(setting(agentUnit, "RestartPreventExitStatus")).toBe("2");
    // Settings that would break probes or Node itself stay out.
    expect(setting(agentUnit, "MemoryDenyWriteExecute")).toBeUndefined();
    expect(setting(agentUnit, "ProtectProc")).toBeUndefined();
    expect(setting(agentUnit, "ProtectSystem")).toBe("full");
  });

  it("starts one loader per partition from the instance name", () => {
    expect(setting(qloadUnit, "ExecStart")).toBe(
      `${INSTALLED_BIN} qload --partition %i --file \${QUEUE_LOG}`,
    );
    expect(setting(qloadUnit, "EnvironmentFile")).toBe("/etc/tandem/qload/%i.env");
    expect(setting(qloadUnit, "User")).toBe("tandem");
    expect(setting(qloadUnit, "Restart")).toBe("on-failure");
  });
});

describe("logrotate snippet", () => {
  function logrotate(snippet: string, logDir: string): { status: number | null; output: string } {
    const { dir, remove } = tempDir("tandem-logrotate-");
    cleanups.push(remove);
    // The tandem user exists only on an installed server: rotate as the user running the test,
    // and in a temp dir instead of /var/log/tandem.
    const { username } = userInfo();
    const group = spawnSync("id", ["-gn"], { encoding: "utf8" }).stdout.trim();
    const conf = writeFile(
      dir,
      "tandem",
      snippet
        .replaceAll("/var/log/tandem", logDir)
        .replaceAll("tandem tandem", `${username} ${group}`),
    );
    const result = spawnSync("/usr/sbin/logrotate", ["-d", "-f", "-s", join(dir, "status"), conf], {
      encoding: "utf8",
    });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  it("renames agent.log, creates a new one and sends SIGHUP to the agent (logrotate -d)", () => {
    const { dir, remove } = tempDir("tandem-logs-");
    cleanups.push(remove);
    writeFile(dir, "agent.log", '{"level":"info","msg":"a line"}\n');
    const { status, output } = logrotate(logrotateSnippet, dir);
    expect(status).toBe(0);
    expect(output).not.toMatch(/^error:/m);
    expect(output).toContain(`rotating pattern: ${dir}/*.log  forced from command line`);
    expect(output).toContain(`renaming ${dir}/agent.log to ${dir}/agent.log.1`);
    expect(output).toMatch(new RegExp(`creating new ${dir}/agent\\.log mode = 0640`));
    expect(output).toContain("running postrotate script");
    expect(output).toContain("systemctl kill --kill-whom=main --signal=HUP tandem-agent.service");
  });

  it("reports a broken snippet (the check can fail)", () => {
    const { dir, remove } = tempDir("tandem-logs-");
    cleanups.push(remove);
    const { status, output } = logrotate(logrotateSnippet.replace("rotate 14", "rotate x"), dir);
    expect(status).not.toBe(0);
    expect(output).toMatch(/^error: .*rotate/m);
  });
});
