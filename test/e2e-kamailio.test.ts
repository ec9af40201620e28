/**
 * End to end with real, unmodified Kamailio and SIPp: Kamailio runs the dispatcher recipe of
 * docs/integrations/kamailio.md, probing each agent's SIP availability responder; a SIPp
 * "PBX" per node answers the calls it routes; a SIPp caller places calls through Kamailio
 * while the active node fails, and SIPp's own statistics count the calls that failed.
 */
import { afterEach, describe, expect, it } from "vitest";
import { dispatcherFlags, type Kamailio, startKamailio } from "./helpers/kamailio.js";
import { type NodeName, type Pair, startPair } from "./helpers/pair.js";
import { freePort, tempDir, waitFor } from "./helpers/processes.js";
import {
  type CallResult,
  freeSipPort,
  placeCalls,
  type SippProcess,
  startPbx,
  stopAllSipp,
} from "./helpers/sipp.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  await stopAllSipp();
  for (const c of cleanups.splice(0).reverse()) await c();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Setup {
  pair: Pair;
  pbx: Record<NodeName, SippProcess>;
  kamailio: Kamailio;
  dir: string;
}

/** The responder counters of one node. */
async function sipCounters(pair: Pair, node: NodeName): Promise<Record<string, number>> {
  const res = await fetch(`http://127.0.0.1:${pair.ports[node]}/v1/status`, {
    signal: AbortSignal.timeout(2000),
  });
  const doc = (await res.json()) as { sip: { counters: Record<string, number> } | null };
  return doc.sip?.counters ?? {};
}

/**
 * A settled pair with responders, a PBX per node, and Kamailio routing to them. With `push`,
 * each agent also pushes its serving state to Kamailio's JSON-RPC (`upstream.kamailio`).
 */
async function setUp(options: { push?: boolean } = {}): Promise<Setup> {
  const { dir, remove } = tempDir("tandem-e2e-kamailio-");
  cleanups.push(remove);
  const rpcPort = await freePort();
  const upstream = (name: NodeName, ports: { sip?: Record<NodeName, number> }): string => {
    if (!options.push || !ports.sip) return "";
    const other: NodeName = name === "a" ? "b" : "a";
    return `upstream:
  kamailio:
    - url: http://127.0.0.1:${rpcPort}/RPC
      setid: 1
      destination: "sip:127.0.0.1:${ports.sip[name]}"
      peers: { ${other}: "sip:127.0.0.1:${ports.sip[other]}" }
`;
  };
  const pair = await startPair({ sip: true, extra: upstream });
  cleanups.push(() => pair.close());
  const sipPorts = pair.sipPorts;
  if (!sipPorts) throw new Error("the pair has no SIP responders");

  const pbxPorts = { a: await freeSipPort(), b: await freeSipPort() };
  const pbx = { a: startPbx("a", pbxPorts.a, dir), b: startPbx("b", pbxPorts.b, dir) };
  const kamailio = await startKamailio(
    [
      { name: "a", responderPort: sipPorts.a, pbxPort: pbxPorts.a, priority: 10 },
      { name: "b", responderPort: sipPorts.b, pbxPort: pbxPorts.b, priority: 5 },
    ],
    dir,
    { rpcPort },
  );
  cleanups.push(() => kamailio.stop());
  await pair.startBoth();
  await pair.settled();
  // Kamailio has probed both nodes: a answered 200, b 503.
  await waitFor(
    async () =>
      ((await sipCounters(pair, "a")).ok200 ?? 0) >= 1 &&
      ((await sipCounters(pair, "b")).unavailable503 ?? 0) >= 1,
    10_000,
    "Kamailio probing both responders",
  );
  return { pair, pbx, kamailio, dir };
}

function explain(s: Setup, result: CallResult): string {
  return [
    `calls: ${result.successful} successful, ${result.failed} failed, exit ${result.exit}`,
    `nodes: ${result.nodes.join("")}`,
    result.output.slice(-3000),
    s.kamailio.output().slice(-6000),
    s.pair.dump(),
  ].join("\n");
}

/** Calls answered by `a` first, then only by `b`, and none lost. */
function expectSwitchFromAToB(s: Setup, result: CallResult, calls: number): void {
  const why = explain(s, result);
  expect(result.failed, why).toBe(0);
  expect(result.successful, why).toBe(calls);
  const firstB = result.nodes.indexOf("b");
  expect(firstB, why).toBeGreaterThan(0);
  expect(result.nodes, why).toEqual([
    ...Array(firstB).fill("a"),
    ...Array(calls - firstB).fill("b"),
  ]);
  // The switch happened well before the end: the last 2 s of calls all went to b.
  expect(calls - firstB, why).toBeGreaterThanOrEqual(40);
}

const CALLS = 140;
const RATE = 20;

/**
 * Sets up the pair behind Kamailio, checks that calls land on a, then places CALLS calls at
 * RATE per second and, 1.5 s in, runs `fail` (what goes wrong on a); returns the calls placed
 * across the switch.
 */
async function switchScenario(
  fail: (s: Setup) => Promise<void> | void,
): Promise<{ s: Setup; result: CallResult }> {
  const s = await setUp();
  const before = await placeCalls({
    proxyPort: s.kamailio.port,
    calls: 10,
    rate: RATE,
    dir: s.dir,
    name: "before",
  });
  expect(before.failed, explain(s, before)).toBe(0);
  expect(before.nodes, explain(s, before)).toEqual(Array(10).fill("a"));
  const across = placeCalls({
    proxyPort: s.kamailio.port,
    calls: CALLS,
    rate: RATE,
    dir: s.dir,
    name: "across",
  });
  await sleep(1500);
  await fail(s);
  return { s, result: await across };
}

describe("Kamailio dispatcher in front of a real pair", () => {
  it("routes calls to a; after a's agent is killed, to b's PBX, with no failed call", async () => {
    // a's PBX stays up: only the agent is gone, so a's responder falls silent and Kamailio
    // moves the calls to b.
    const { s, result } = await switchScenario((s) => s.pair.kill("a"));
    expectSwitchFromAToB(s, result, CALLS);
    expect((await s.pair.role("b")).status).toBe(200);
  }, 60_000);

  it("routes calls to b when a critical probe fails on a and a's PBX stops", async () => {
    // The failing probe stands for a's PBX failing, so a's PBX stops at the same moment: it
    // takes no new call (SIGUSR1: SIPp finishes the call it is in, then exits). a's agent
    // fences a, its responder answers 503, b takes over. Until Kamailio's next probe sees
    // that, calls still sent to a's PBX go unanswered and the failure route tries b.
    const { s, result } = await switchScenario((s) => {
      s.pair.failApp("a", true);
      s.pbx.a.child.kill("SIGUSR1");
    });
    expectSwitchFromAToB(s, result, CALLS);
    expect((await s.pair.role("b")).status).toBe(200);
    expect((await s.pair.role("a")).status).toBe(503);
  }, 60_000);

  it("with the push, the survivor sets itself AP and the killed node IP in Kamailio at once", async () => {
    const s = await setUp({ push: true });
    const ports = s.pair.sipPorts as Record<NodeName, number>;
    const uri = (n: NodeName) => `sip:127.0.0.1:${ports[n]}`;
    await waitFor(
      async () => {
        const flags = await dispatcherFlags(s.kamailio, 1);
        return flags[uri("a")] === "AP" && flags[uri("b")] === "IP";
      },
      5000,
      "a AP and b IP before the kill",
    );
    await s.pair.kill("a");
    const killedAt = Date.now();
    let flags: Record<string, string> = {};
    await waitFor(
      async () => {
        flags = await dispatcherFlags(s.kamailio, 1);
        return flags[uri("a")] === "IP" && flags[uri("b")] === "AP";
      },
      5000,
      "b AP and a IP after the kill",
    ).catch((err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(flags)}\n${s.pair.dump()}`);
    });
    const flippedMs = Date.now() - killedAt;
    // Kamailio's own probing cannot mark a inactive this early: a probe sent after the kill
    // times out only after fr_timer (1 s). Only the survivor's push explains it.
    expect(flippedMs, s.pair.dump()).toBeLessThan(1000);
    // The log file is written asynchronously: wait for b's two lines.
    const pushes = () =>
      s.pair
        .log("b")
        .filter((l) => l.event === "kamailio_push")
        .map((l) => `${String(l.destination)} ${String(l.state)}`);
    await waitFor(() => pushes().length >= 2, 5000, "b's push log lines").catch(() => {});
    expect(pushes(), s.pair.dump()).toEqual(
      expect.arrayContaining([`${uri("b")} ap`, `${uri("a")} ip`]),
    );
  }, 60_000);
});
