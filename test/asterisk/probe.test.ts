/**
 * The `asterisk` probe kind against a real Asterisk: AMI answering, a queue and its members,
 * reachable endpoints, the channel limit, and what it says when something is wrong.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAsteriskChecker } from "../../src/asterisk/index.js";
import type { ProbeConfig } from "../../src/config/schema.js";
import type { ProbeChecker } from "../../src/probes/index.js";
import { type AsteriskInstance, startAsterisk } from "../helpers/asterisk.js";
import { freePort } from "../helpers/processes.js";

type AsteriskProbe = Extract<ProbeConfig, { kind: "asterisk" }>;

describe("asterisk probe on a real Asterisk", () => {
  let ast: AsteriskInstance;
  const checkers: ProbeChecker[] = [];
  const check = async (extra: Partial<AsteriskProbe>) => {
    const checker = createAsteriskChecker(
      {
        kind: "asterisk",
        host: "127.0.0.1",
        port: ast.amiPort,
        username: ast.amiUser,
        secret: ast.amiSecret,
        ...extra,
      },
      { probeName: "pbx", hostname: "test", timeoutMs: 3000 },
    );
    checkers.push(checker);
    return checker.check(AbortSignal.timeout(5000));
  };

  beforeAll(async () => {
    ast = await startAsterisk({
      configs: {
        "queues.conf": "[support]\nstrategy = ringall\nmember => Local/100@default,0,Alice\n",
        "extensions.conf": "[default]\nexten => 100,1,Answer()\n",
        "pjsip.conf":
          "[desk1]\ntype = aor\ncontact = sip:desk1@127.0.0.1:5999\n\n[desk1]\ntype = endpoint\naors = desk1\ncontext = default\nallow = ulaw\n",
      },
    });
  });
  afterAll(async () => {
    await Promise.all(checkers.map((c) => c.close()));
    await ast?.stop();
  });

  it("passes when AMI answers and every threshold holds", async () => {
    const result = await check({
      minEndpoints: 1,
      queue: { name: "support", minMembers: 1 },
      maxChannels: 5,
    });
    expect(result.status, result.message).toBe("ok");
    expect(result.message).toMatch(
      /AMI at 127\.0\.0\.1:\d+ answered in \d+ ms; 1 endpoints reachable; queue support: 1 members; 0 channels/,
    );
  });

  it("fails on a missing queue, too few members, too few endpoints", async () => {
    expect(await check({ queue: { name: "sales", minMembers: 1 } })).toEqual({
      status: "fail",
      message: 'queue "sales" does not exist in Asterisk',
    });
    expect(await check({ queue: { name: "support", minMembers: 2 } })).toEqual({
      status: "fail",
      message: 'queue "support" has 1 members logged in, expected at least 2',
    });
    expect(await check({ minEndpoints: 2 })).toEqual({
      status: "fail",
      message: "1 pjsip endpoints reachable, expected at least 2",
    });
  });

  it("fails with the reason when the login is rejected or nothing listens", async () => {
    const wrong = await check({ secret: "wrong" });
    expect(wrong.status).toBe("fail");
    expect(wrong.message).toContain('rejected the login of "harness"');
    const nothing = await check({ port: await freePort() });
    expect(nothing.status).toBe("fail");
    expect(nothing.message).toContain("ECONNREFUSED");
  });
});
