/**
 * The harness itself: a real Asterisk boots from the shared tarball with the test's configs,
 * answers on its CLI, its AMI port and its pjsip UDP port, and is gone after stop().
 */
import { createConnection } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AsteriskInstance, startAsterisk } from "../helpers/asterisk.js";
import { sipOptions } from "../helpers/sip.js";

/** Logs in over AMI with plain bytes and resolves with everything read until Logoff. */
function amiLogin(port: number, user: string, secret: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let text = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`AMI answered only:\n${text}`));
    }, 5000);
    socket.on("data", (d) => {
      text += d.toString("utf8");
    });
    socket.on("error", reject);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(text);
    });
    socket.write(
      `Action: Login\r\nUsername: ${user}\r\nSecret: ${secret}\r\n\r\nAction: Logoff\r\n\r\n`,
    );
  });
}

describe("startAsterisk", () => {
  let ast: AsteriskInstance;
  beforeAll(async () => {
    ast = await startAsterisk({
      configs: {
        "extensions.conf": "[default]\nexten => 100,1,Answer()\n",
        "queues.conf": "[support]\nstrategy = ringall\n",
        "pjsip.conf": "[anonymous]\ntype = endpoint\ncontext = default\nallow = ulaw\n",
      },
    });
  });
  afterAll(async () => {
    await ast?.stop();
  });

  it("boots Asterisk 20 with the caller's configs", async () => {
    expect(await ast.cli("core show version")).toMatch(/^Asterisk 20\./);
    expect(await ast.cli("queue show support")).toContain("support has 0 calls");
    expect(await ast.cli("dialplan show 100@default")).toContain("Answer()");
  });

  it("accepts the harness's AMI user", async () => {
    const reply = await amiLogin(ast.amiPort, ast.amiUser, ast.amiSecret);
    expect(reply).toContain("Asterisk Call Manager/");
    expect(reply).toContain("Authentication accepted");
  });

  it("answers SIP OPTIONS on its pjsip port", async () => {
    expect(await ast.cli("pjsip show transports")).toContain(`127.0.0.1:${ast.sipPort}`);
    expect(await sipOptions(ast.sipPort, 2000)).toBe(200);
  });

  it("writes its logs into the instance's log dir", async () => {
    expect(await ast.cli("core show settings")).toContain(ast.logDir);
  });
});

describe("startAsterisk lifecycle", () => {
  it("leaves no process behind after stop()", async () => {
    const ast = await startAsterisk({ configs: {} });
    const pid = ast.child.pid as number;
    await ast.stop();
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it("fails with the paths it tried when the tarball is missing", async () => {
    const saved = process.env.TANDEM_ASTERISK_TARBALL;
    process.env.TANDEM_ASTERISK_TARBALL = "/nonexistent/asterisk.tar.xz";
    try {
      await expect(startAsterisk({ configs: {} })).rejects.toThrow(
        /Asterisk build not found: looked for "\/nonexistent\/asterisk.tar.xz"/,
      );
    } finally {
      if (saved === undefined) delete process.env.TANDEM_ASTERISK_TARBALL;
      else process.env.TANDEM_ASTERISK_TARBALL = saved;
    }
  });
});
