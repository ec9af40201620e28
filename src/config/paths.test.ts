import { describe, expect, it } from "vitest";
import { parseConfigText } from "./load.js";

describe("relative paths", () => {
  it("are resolved against the configuration file's directory, absolute ones kept", async () => {
    const text = [
      "node: { stateDir: state }",
      "log: { file: ../log/agent.log }",
      "probes:",
      "  spool: { kind: file, stamp: spool/.tandem-stamp, testDir: /mnt/test }",
      "  disk: { kind: disk, path: data }",
      "  pbx: { kind: process, pidFile: run/asterisk.pid }",
      "  plugin: { kind: command, command: ./check.sh }",
      "  other: { kind: command, command: ./check.sh, cwd: /usr/lib/nagios/plugins }",
    ].join("\n");
    const { config } = await parseConfigText(text, "t.yaml", { baseDir: "/etc/tandem" });
    expect(config.node.stateDir).toBe("/etc/tandem/state");
    expect(config.log.file).toBe("/etc/log/agent.log");
    expect(config.probes.spool).toMatchObject({
      stamp: "/etc/tandem/spool/.tandem-stamp",
      testDir: "/mnt/test",
    });
    expect(config.probes.disk).toMatchObject({ path: "/etc/tandem/data" });
    expect(config.probes.pbx).toMatchObject({ pidFile: "/etc/tandem/run/asterisk.pid" });
    expect(config.probes.plugin).toMatchObject({ cwd: "/etc/tandem" });
    expect(config.probes.other).toMatchObject({ cwd: "/usr/lib/nagios/plugins" });
  });
});
