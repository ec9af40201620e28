/**
 * The role push on real Asterisks: a pair of agents, each pushing to its own Asterisk over AMI,
 * with SIPp calling both Asterisks every 100 ms through each of the recipe's three admission
 * checks (pushed lease, chan_sip qualify, pjsip qualify). The active agent is paused for 200 ms,
 * then killed; the push must move calls within a second and the pause must refuse none.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AsteriskInstance } from "../helpers/asterisk.js";
import {
  type Caller,
  type CallOutcome,
  type FailoverFigures,
  failoverFigures,
  startCaller,
} from "../helpers/asterisk-calls.js";
import {
  type AdmissionCheck,
  CHECKS,
  type ResponderPorts,
  startRecipeAsterisk,
} from "../helpers/asterisk-recipe.js";
import { type NodeName, type Pair, startPair } from "../helpers/pair.js";
import { tempDir, waitFor } from "../helpers/processes.js";
import { freeSipPort, stopAllSipp } from "../helpers/sipp.js";

const NODES = ["a", "b"] as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The agent's YAML for a node: both responders and the AMI push to its Asterisk. */
function agentSections(ports: ResponderPorts, ast: AsteriskInstance): string {
  return `sip:
  listeners:
    - { address: 127.0.0.1, port: ${ports.reject}, transports: [udp], whenNotServing: reject }
    - { address: 127.0.0.1, port: ${ports.silent}, transports: [udp], whenNotServing: silent }
asterisk:
  ami: { port: ${ast.amiPort}, username: ${ast.amiUser}, secret: ${ast.amiSecret} }
`;
}

async function servingUntil(ast: AsteriskInstance): Promise<number> {
  const globals = await ast.cli("dialplan show globals");
  return Number(/TANDEM_SERVING_UNTIL=(\d+)/.exec(globals)?.[1] ?? Number.NaN);
}

describe("role push on real Asterisks", () => {
  const ports = {} as Record<NodeName, ResponderPorts>;
  const ast = {} as Record<NodeName, AsteriskInstance>;
  const tmp = tempDir("tandem-asterisk-calls-");
  let pair: Pair | null = null;

  const newPair = async (clusterMode: "hot-standby" | "active-active") => {
    await pair?.close();
    const started = await startPair({
      clusterMode,
      // The app probe is not under test here: a busy shared machine must not fail it.
      appTimers: "interval: 200ms, timeout: 2s, fall: 3, rise: 1",
      timers: "profile: fast\n  heartbeat: { fall: 6 }",
      extra: (n) => agentSections(ports[n], ast[n]),
    });
    pair = started;
    await started.startBoth();
    // On a shared, busy machine an agent can take many seconds to start.
    await waitFor(async () => (await started.role("a")).status === 200, 60_000, "a serving").catch(
      (err: Error) => {
        throw new Error(`${err.message}\n${started.dump()}`);
      },
    );
    const term = (await started.status("a")).cluster.term;
    await waitFor(
      async () => (await started.status("b")).cluster.term === term,
      30_000,
      "b knows a's term",
    );
    return started;
  };

  beforeAll(async () => {
    for (const n of NODES) ports[n] = { reject: await freeSipPort(), silent: await freeSipPort() };
    const [a, b] = await Promise.all(NODES.map((n) => startRecipeAsterisk(ports[n])));
    ast.a = a as AsteriskInstance;
    ast.b = b as AsteriskInstance;
  });
  afterAll(async () => {
    await stopAllSipp();
    await pair?.close();
    await Promise.all(NODES.map((n) => ast[n]?.stop()));
    tmp.remove();
  });

  it("refuses calls until an agent has pushed (fresh Asterisk, no agent)", async () => {
    const caller = await startCaller({
      port: ast.a.sipPort,
      service: "push",
      calls: 3,
      dir: tmp.dir,
      name: "no-agent",
    });
    await caller.sipp.exited;
    expect(caller.outcomes().map((c) => c.accepted)).toEqual([false, false, false]);
  });

  it("moves calls within a second of a kill; a 200 ms pause refuses none", async () => {
    const p = await newPair("hot-standby");
    try {
      await waitFor(async () => (await servingUntil(ast.a)) > Date.now(), 5000, "a's lease pushed");
      await waitFor(async () => (await servingUntil(ast.b)) === 0, 5000, "b's lease 0");
      // The qualifies have settled: a's peer and contact reachable, b's not.
      await waitFor(
        async () =>
          /tandem\s.*OK \(/.test(await ast.a.cli("sip show peers")) &&
          /UNREACHABLE/.test(await ast.b.cli("sip show peers")) &&
          /Avail/.test(await ast.a.cli("pjsip show contacts")) &&
          /Unavail/.test(await ast.b.cli("pjsip show contacts")),
        15_000,
        "qualifies settled",
      );
      const callers = {} as Record<`${NodeName}:${AdmissionCheck}`, Caller>;
      for (const n of NODES)
        for (const check of CHECKS)
          callers[`${n}:${check}`] = await startCaller({
            port: ast[n].sipPort,
            service: check,
            calls: 130,
            dir: tmp.dir,
            name: `${n}-${check}`,
          });
      await sleep(3000);
      const agentA = p.running.a?.child;
      if (!agentA) throw new Error("agent a is not running");
      const pausedAt = Date.now();
      agentA.kill("SIGSTOP");
      await sleep(200);
      agentA.kill("SIGCONT");
      await sleep(2800 + Math.random() * 1000);
      const killedAt = Date.now();
      await p.kill("a");
      await Promise.all(Object.values(callers).map((c) => c.sipp.exited));

      const outcomes = (n: NodeName, check: AdmissionCheck): CallOutcome[] =>
        callers[`${n}:${check}`].outcomes();
      const figures = {} as Record<AdmissionCheck, FailoverFigures & { pauseRejects: number }>;
      for (const check of CHECKS) {
        figures[check] = {
          ...failoverFigures(outcomes("a", check), outcomes("b", check), killedAt),
          pauseRejects: outcomes("a", check).filter(
            (c) => !c.accepted && c.at >= pausedAt && c.at < killedAt,
          ).length,
        };
      }
      console.log(
        `kill of the active agent (calls every 100 ms per node and check):\n${JSON.stringify(figures, null, 1)}`,
      );
      const push = figures.push;
      const context = `${JSON.stringify(figures)}\n${p.dump()}`;
      // Before the pause a served every push call and b refused every one.
      const prior = (n: NodeName) => outcomes(n, "push").filter((c) => c.at < pausedAt);
      expect(prior("a").length, context).toBeGreaterThan(20);
      expect(
        prior("a").every((c) => c.accepted),
        context,
      ).toBe(true);
      expect(
        prior("b").every((c) => !c.accepted),
        context,
      ).toBe(true);
      expect(push.pauseRejects, context).toBe(0);
      expect(push.newAccepts, context).not.toBeNull();
      expect(push.newAccepts as number, context).toBeLessThanOrEqual(1000);
      expect(push.oldRejects, context).not.toBeNull();
      expect(push.oldRejects as number, context).toBeLessThanOrEqual(1000);
      expect(push.bothRejectMs, context).toBeLessThanOrEqual(1000);
    } finally {
      await p.close();
      pair = null;
    }
  }, 150_000);

  it("active-active: a serving standby's Asterisk accepts calls too", async () => {
    const p = await newPair("active-active");
    try {
      for (const n of NODES)
        await waitFor(async () => (await servingUntil(ast[n])) > Date.now(), 5000, `${n}'s lease`);
      const results = await Promise.all(
        NODES.map(async (n) => {
          const caller = await startCaller({
            port: ast[n].sipPort,
            service: "push",
            calls: 5,
            dir: tmp.dir,
            name: `aa-${n}`,
          });
          await caller.sipp.exited;
          return caller.outcomes().map((c) => c.accepted);
        }),
      );
      expect(results).toEqual([Array(5).fill(true), Array(5).fill(true)]);
      expect(await ast.b.cli("dialplan show globals")).toContain("TANDEM_ROLE=STANDBY");
    } finally {
      await p.close();
      pair = null;
    }
  }, 120_000);
});
