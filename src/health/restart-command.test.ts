import { describe, expect, it } from "vitest";
import { restartArgv, runRestartCommand } from "./restart-command.js";

describe("restartArgv", () => {
  it("runs a plain command line without a shell", () => {
    expect(restartArgv("systemctl restart asterisk.service")).toEqual([
      "systemctl",
      "restart",
      "asterisk.service",
    ]);
    expect(restartArgv(["/usr/sbin/asterisk", "-rx", "core restart now"])).toEqual([
      "/usr/sbin/asterisk",
      "-rx",
      "core restart now",
    ]);
  });

  it("keeps a string with shell syntax for /bin/sh -c", () => {
    for (const command of [
      "asterisk -rx 'core restart now'",
      "svc start >/dev/null 2>&1 &",
      "echo $HOME",
      "a && b",
    ]) {
      expect(restartArgv(command)).toBe(command);
    }
  });
});

describe("runRestartCommand", () => {
  it("tells the command which probe, why and which attempt", async () => {
    const outcome = await runRestartCommand(
      { command: 'echo "$TANDEM_PROBE|$TANDEM_ATTEMPT|$TANDEM_REASON"', timeout: 5000 },
      { probe: "pbx", reason: "down: connection refused", attempt: 2 },
    );
    expect(outcome).toMatchObject({ ok: true, exitCode: 0 });
    expect(outcome.output.trim()).toBe("pbx|2|down: connection refused");
  });

  it("reports a program that does not exist, without a shell in between", async () => {
    const outcome = await runRestartCommand(
      { command: "/nonexistent/restart-me now", timeout: 5000 },
      { probe: "pbx", reason: "down", attempt: 1 },
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toBe(
      'cannot run "/nonexistent/restart-me": spawn /nonexistent/restart-me ENOENT',
    );
  });
});
