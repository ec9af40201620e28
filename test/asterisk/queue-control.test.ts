/**
 * Queue control over AMI on a real Asterisk: a fence pauses every member of the controlled
 * queues (confirmed by QueueStatus), serving again unpauses them, and the recover check reads it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RoleTransition } from "../../src/agent/transitions.js";
import { AmiClient, QueueControl } from "../../src/asterisk/index.js";
import { captureLogger } from "../../src/log/capture.test-helpers.js";
import { type AsteriskInstance, startAsterisk } from "../helpers/asterisk.js";

const transition = (from: string, to: string, serving: boolean): RoleTransition =>
  ({
    node: "a",
    from,
    to,
    serving,
    wasServing: !serving,
    term: 2,
    reason: "test",
    at: "",
  }) as RoleTransition;

describe("QueueControl on a real Asterisk", () => {
  let ast: AsteriskInstance;
  let ami: AmiClient;
  beforeAll(async () => {
    ast = await startAsterisk({
      configs: {
        "queues.conf":
          "[support]\nstrategy = ringall\nmember => Local/100@default,0,Alice\nmember => Local/101@default,0,Bob\n\n[sales]\nstrategy = ringall\nmember => Local/102@default,0,Carol\n",
        "extensions.conf": "[default]\nexten => _10X,1,Answer()\n",
      },
    });
    ami = new AmiClient({
      port: ast.amiPort,
      username: ast.amiUser,
      secret: ast.amiSecret,
      events: false,
    });
    ami.start();
    await ami.ready(5000);
  });
  afterAll(async () => {
    await ami?.close();
    await ast?.stop();
  });

  it("pauses the controlled queues' members on a fence and unpauses them when serving", async () => {
    const { logger, lines } = captureLogger();
    const queues = new QueueControl({ ami, logger, queues: ["support"] });
    expect(await queues.check()).toEqual({
      ok: false,
      messages: ["support: 2 of 2 members not paused: Local/100@default, Local/101@default"],
    });
    await queues.onTransition(transition("ACTIVE", "SELF_FENCED", false));
    expect(await queues.check()).toEqual({
      ok: true,
      messages: ["support: 2 members, all paused"],
    });
    expect(await ast.cli("queue show support")).toMatch(/Alice.*paused/);
    // The queue it does not control is left alone.
    expect(await ast.cli("queue show sales")).not.toMatch(/paused/);
    expect(lines.some((l) => l.event === "ami_queues" && l.paused === true && l.ok === true)).toBe(
      true,
    );
    await queues.onTransition(transition("PEER_FENCED", "ACTIVE", true));
    expect(await queues.check(false)).toEqual({
      ok: true,
      messages: ["support: 2 members, all unpaused"],
    });
  });

  it("with no queue named, controls every queue; a missing named queue is reported", async () => {
    const { logger } = captureLogger();
    const all = new QueueControl({ ami, logger, queues: [] });
    expect((await all.setPaused(true)).ok).toBe(true);
    expect(await ast.cli("queue show sales")).toMatch(/Carol.*paused/);
    expect((await all.setPaused(false)).ok).toBe(true);
    const missing = new QueueControl({ ami, logger, queues: ["nosuch"] });
    expect(await missing.check()).toEqual({
      ok: true,
      messages: ["nosuch: 0 members, all paused"],
    });
  });
});
