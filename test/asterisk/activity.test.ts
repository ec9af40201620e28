/**
 * Activity from AMI events on a real Asterisk: an active-active pair whose secondary b watches
 * its Asterisk over AMI (`asterisk.activity`). A call that reaches b's Asterisk in a watched
 * context, or joins a watched queue, makes b take over, with no dialplan change; a call
 * elsewhere changes nothing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AsteriskInstance, startAsterisk } from "../helpers/asterisk.js";
import { startCaller } from "../helpers/asterisk-calls.js";
import { type Pair, startPair } from "../helpers/pair.js";
import { tempDir, waitFor } from "../helpers/processes.js";
import { stopAllSipp } from "../helpers/sipp.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Callers come in through the anonymous endpoint into `[incoming]`; no Tandem in the dialplan. */
const CONFIGS = {
  "pjsip.conf": `
[anonymous]
type=endpoint
context=incoming
disallow=all
allow=ulaw
`,
  "extensions.conf": `[incoming]
exten => reception,1,Answer()
 same => n,Wait(3)
 same => n,Hangup()
exten => queued,1,Queue(support,,,,3)
 same => n,Hangup()
`,
  "queues.conf": "[support]\nstrategy = ringall\njoinempty = yes\nleavewhenempty = no\n",
};

describe("activity from AMI events (active-active)", () => {
  let ast: AsteriskInstance;
  const tmp = tempDir("tandem-asterisk-activity-");
  let pair: Pair | null = null;

  beforeAll(async () => {
    ast = await startAsterisk({ configs: CONFIGS });
  });
  afterEach(async () => {
    await stopAllSipp();
    await pair?.close();
    pair = null;
  });
  afterAll(async () => {
    await ast?.stop();
    tmp.remove();
  });

  /** A settled active-active pair; b's agent watches the Asterisk with `activity`. */
  const newPair = async (activity: string): Promise<Pair> => {
    const p = await startPair({
      clusterMode: "active-active",
      appTimers: "interval: 200ms, timeout: 2s, fall: 3, rise: 1",
      timers: "profile: fast\n  heartbeat: { fall: 6 }",
      extra: (n) =>
        n === "b"
          ? `asterisk:
  ami: { port: ${ast.amiPort}, username: ${ast.amiUser}, secret: ${ast.amiSecret} }
  activity: ${activity}
`
          : "",
    });
    pair = p;
    await p.startBoth();
    await p.settled().catch((err: Error) => {
      throw new Error(`${err.message}\n${p.dump()}`);
    });
    await waitFor(
      () => p.log("b").some((l) => l.event === "ami_connected"),
      15_000,
      "b's AMI link",
    );
    return p;
  };

  const call = (service: string, name: string) =>
    startCaller({ port: ast.sipPort, service, calls: 1, dir: tmp.dir, name });

  /** Waits for b to take over, with both logs in the error when it does not. */
  const bTakesOver = (p: Pair) =>
    waitFor(async () => (await p.status("b")).node.mode === "ACTIVE", 10_000, "b ACTIVE").catch(
      (err: Error) => {
        throw new Error(`${err.message}\n${p.dump()}`);
      },
    );

  it("a call in a watched context makes the secondary take over", async () => {
    const p = await newPair("{ contexts: [incoming] }");
    expect((await p.status("b")).node.mode).toBe("STANDBY");
    await call("reception", "context");
    await bTakesOver(p);
    const reported = p.log("b").filter((l) => l.event === "ami_activity");
    expect(reported.map((l) => l.msg)[0], p.dump()).toMatch(
      /^call arriving at this node's Asterisk \(Newchannel PJSIP\/anonymous-[0-9a-f]+ in context "incoming"\): reporting activity$/,
    );
    expect(
      p.log("b").some((l) => /calls arrive here while peer "a" is ACTIVE/.test(String(l.msg))),
      p.dump(),
    ).toBe(true);
    await waitFor(async () => (await p.status("a")).node.mode === "PEER_FENCED", 5000, "a fenced");
  }, 90_000);

  it("a call elsewhere changes nothing; a caller joining a watched queue does", async () => {
    const p = await newPair("{ contexts: [from-trunk], queues: [support] }");
    const plain = await call("reception", "elsewhere");
    await plain.sipp.exited;
    expect(plain.outcomes().map((o) => o.accepted)).toEqual([true]);
    await sleep(500);
    expect((await p.status("b")).node.mode).toBe("STANDBY");
    expect(p.log("b").filter((l) => l.event === "ami_activity")).toEqual([]);

    await call("queued", "queue");
    await bTakesOver(p);
    expect(
      p
        .log("b")
        .filter((l) => l.event === "ami_activity")
        .map((l) => l.msg)[0],
    ).toMatch(/\(QueueCallerJoin PJSIP\/anonymous-[0-9a-f]+ to queue "support"\)/);
  }, 90_000);
});
