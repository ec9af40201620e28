/**
 * Wall-clock steps on real agents: each agent runs with `scripts/clock-offset.mjs` preloaded,
 * so writing a number of milliseconds to its offset file steps that process's `Date` (its
 * monotonic clock and timers are untouched, as with an NTP step or `date -s`). A step of
 * ±10 minutes on either node, with and without a quorum, must cause no takeover, no fence and
 * no sample in which both role URLs answer 200, and both nodes must report the skew.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useCleanups } from "./helpers/cleanups.js";
import { startEtcd } from "./helpers/etcd.js";
import {
  type NodeName,
  type Pair,
  type PairOptions,
  quorumYaml,
  sampleRoles,
  startPair,
} from "./helpers/pair.js";
import { ROOT, waitFor } from "./helpers/processes.js";

const cleanups = useCleanups();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HOOK = join(ROOT, "scripts/clock-offset.mjs");

interface SteppablePair {
  p: Pair;
  step(node: NodeName, offsetMs: number): void;
  /** How many log lines each node had written once the pair had settled. */
  settledAt: Record<NodeName, number>;
}

async function steppablePair(options: PairOptions = {}): Promise<SteppablePair> {
  const p = await startPair(options);
  cleanups.push(() => p.close());
  const file = (n: NodeName) => join(p.dir, `${n}.clock-offset`);
  const step = (n: NodeName, offsetMs: number) => writeFileSync(file(n), String(offsetMs));
  // a first: on a loaded machine b could otherwise outwait a's start-up grace and serve first.
  for (const n of ["a", "b"] as const) {
    step(n, 0);
    p.start(n, { NODE_OPTIONS: `--import=${HOOK}`, TANDEM_CLOCK_OFFSET_FILE: file(n) });
    const up = async () => (await p.role(n).catch(() => null)) !== null;
    await waitFor(up, 30_000, `${n} API`);
    if (n === "a")
      await waitFor(async () => (await p.role("a")).status === 200, 30_000, "a serving");
  }
  try {
    await p.settled();
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${p.dump()}`);
  }
  const settledAt = { a: p.log("a").length, b: p.log("b").length };
  return { p, step, settledAt };
}

interface PeerSkew {
  cluster: { term: number; peers: Array<{ name: string; clockSkewMs: number | null }> };
}

async function skewSeenBy(p: Pair, n: NodeName): Promise<number | null> {
  const status = (await p.status(n)) as unknown as PeerSkew;
  return status.cluster.peers[0]?.clockSkewMs ?? null;
}

/**
 * Steps `node`'s clock by `offsetMs`, holds it for 3 s, steps it back, holds 2 s, sampling
 * both role URLs every 20 ms; asserts a kept serving alone, b kept standing by in the same
 * term, and the skew was reported while it lasted.
 */
async function stepAndWatch(sp: SteppablePair, node: NodeName, offsetMs: number): Promise<void> {
  const { p } = sp;
  const term = (await p.status("a")).cluster.term;
  const sampler = sampleRoles(p);
  sp.step(node, offsetMs);
  const other: NodeName = node === "a" ? "b" : "a";
  // The other node sees the stepped node's clock off by the offset (give or take a round trip).
  await waitFor(
    async () => Math.abs(((await skewSeenBy(p, other)) ?? 0) - offsetMs) < 5000,
    5000,
    `${other} reports ${node}'s clock ${offsetMs} ms off`,
  );
  await sleep(3000);
  sp.step(node, 0);
  await waitFor(
    async () => Math.abs((await skewSeenBy(p, other)) ?? 0) < 1000,
    5000,
    `${other} reports ${node}'s clock back in step`,
  );
  await sleep(2000);
  const { doubles, rounds } = await sampler.stop();
  const context = `step of ${offsetMs} ms on ${node}\n${p.dump()}`;
  expect(doubles, context).toBe(0);
  // a answered 200 in every round it answered at all; b never did.
  expect(
    rounds.filter((r) => r.a !== undefined && r.a !== 200),
    context,
  ).toEqual([]);
  expect(
    rounds.filter((r) => r.b === 200),
    context,
  ).toEqual([]);
  const [a, b] = [await p.status("a"), await p.status("b")];
  expect(a.node.mode, context).toBe("ACTIVE");
  expect(b.node.mode, context).toBe("STANDBY");
  expect(a.cluster.term, context).toBe(term);
  expect(b.cluster.term, context).toBe(term);
  expect(a.cluster.flags.peerFenced, context).toBeNull();
  expect(b.cluster.flags.selfFenced, context).toBeNull();
}

function noTakeoverLogged({ p, settledAt }: SteppablePair): void {
  for (const n of ["a", "b"] as const) {
    const since = p.log(n).slice(settledAt[n]);
    const missed = since.filter((l) => /unreachable|took over|taking over|→/.test(String(l.msg)));
    expect(missed.map((l) => `${n}: ${String(l.msg)}`).join("\n")).toBe("");
  }
}

describe("wall-clock steps are not failures", () => {
  it("±10 min on the active, then on the standby: no takeover, no double serving, skew reported", async () => {
    const sp = await steppablePair();
    await stepAndWatch(sp, "a", 600_000);
    await stepAndWatch(sp, "b", -600_000);
    await stepAndWatch(sp, "a", -600_000);
    await stepAndWatch(sp, "b", 600_000);
    noTakeoverLogged(sp);
    // Loud: the skew is in both logs as a warning, and in `tandem status`.
    for (const n of ["a", "b"] as const) {
      const warned = sp.p.log(n).filter((l) => l.event === "clock-skew" && l.level === "warn");
      expect(warned.length, sp.p.dump()).toBeGreaterThan(0);
    }
    sp.step("b", 600_000);
    await waitFor(
      async () => ((await skewSeenBy(sp.p, "a")) ?? 0) > 500_000,
      5000,
      "a sees b 10 min ahead",
    );
    const shown = await sp.p.cli(["status"]);
    expect(shown.stdout).toMatch(
      /peer b \(rank 2\): STANDBY.*clock 600\.\d s ahead of this node's/,
    );
  }, 180_000);

  it("with a quorum on etcd: ±10 min on either node changes nothing", async () => {
    const etcd = await startEtcd(1);
    cleanups.push(() => etcd.close());
    const sp = await steppablePair({ quorum: quorumYaml(etcd.endpoints) });
    await stepAndWatch(sp, "a", 600_000);
    await stepAndWatch(sp, "b", -600_000);
    noTakeoverLogged(sp);
  }, 180_000);
});
