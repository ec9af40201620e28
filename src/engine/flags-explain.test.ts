import { describe, expect, it } from "vitest";
import { explainFlags, type FlagSubject } from "./flags-explain.js";
import { noFlags } from "./init.js";
import type { Mode } from "./types.js";

/** Builds one node of a combination; the mode follows from the flags as the engine sets it. */
function subject(
  name: string,
  rank: number,
  self: boolean,
  peer: boolean,
  otherFenced: boolean,
): FlagSubject {
  const flags = noFlags();
  if (self) flags.selfFenced = { since: 0, reason: 'critical probe "db" down' };
  if (peer) flags.peerFenced = { by: name === "a" ? "b" : "a", term: 2, since: 0 };
  const mode: Mode = peer
    ? "PEER_FENCED"
    : self
      ? "SELF_FENCED"
      : otherFenced || rank === 1
        ? "ACTIVE"
        : "STANDBY";
  return { name, rank, flags, mode };
}

/** Expected verdict per (a.self, a.peer, b.self, b.peer), from the flag semantics. */
function expected(as: boolean, ap: boolean, bs: boolean, bp: boolean): string {
  if (ap && bp) return "invalid";
  if (ap || bp) {
    const [fencedSelf, fencerSelf] = ap ? [as, bs] : [bs, as];
    return fencerSelf ? "known" : fencedSelf ? "normal" : "known";
  }
  return as || bs ? "known" : "normal";
}

describe("explainFlags", () => {
  const combos = Array.from({ length: 16 }, (_, i) => [8, 4, 2, 1].map((bit) => (i & bit) !== 0));

  it.each(combos)("a self=%s peer=%s, b self=%s peer=%s", (as, ap, bs, bp) => {
    const a = subject("a", 1, as, ap, bs || bp);
    const b = subject("b", 2, bs, bp, as || ap);
    const r = explainFlags(a, b);
    expect(r.verdict).toBe(expected(as, ap, bs, bp));
    expect(r.situation.length).toBeGreaterThan(10);
    if (r.verdict === "invalid") expect(r.likelyCause).toBeTruthy();
    expect(explainFlags(b, a)).toEqual(r);
  });

  it("counts 3 normal, 9 known and 4 invalid combinations", () => {
    const verdicts = combos.map(
      ([as, ap, bs, bp]) =>
        explainFlags(
          subject("a", 1, !!as, !!ap, !!(bs || bp)),
          subject("b", 2, !!bs, !!bp, !!(as || ap)),
        ).verdict,
    );
    const count = (v: string) => verdicts.filter((x) => x === v).length;
    expect([count("normal"), count("known"), count("invalid")]).toEqual([3, 9, 4]);
  });

  it("the failover state names both nodes and the cause", () => {
    const a = subject("a", 1, true, true, false);
    const b = { ...subject("b", 2, false, false, true) };
    b.flags.fencingPeer = { peer: "a", term: 2, since: 0 };
    expect(explainFlags(a, b).situation).toBe(
      'failover mode: "a" fenced itself (critical probe "db" down) and "b" took over and fenced it',
    );
    b.flags.fencingPeer = null;
    expect(explainFlags(a, b).situation).toContain("recovery in progress");
  });

  it("an ACTIVE node with a fence flag is invalid (hand-edited state)", () => {
    const a = { ...subject("a", 1, true, false, false), mode: "ACTIVE" as const };
    const b = subject("b", 2, false, false, true);
    expect(explainFlags(a, b)).toMatchObject({ verdict: "invalid" });
  });
});

describe("explainFlags while a fence is asserted but not yet recorded", () => {
  it("never calls a pair normal while one node is fencing the other", () => {
    const a: FlagSubject = { name: "a", rank: 1, flags: noFlags(), mode: "STANDBY" };
    const b: FlagSubject = { name: "b", rank: 2, flags: noFlags(), mode: "ACTIVE" };
    b.flags.fencingPeer = { peer: "a", term: 3, since: 0 };
    const e = explainFlags(a, b);
    expect(e.verdict).toBe("known");
    expect(e.situation).toBe('"b" is fencing "a" (term 3); "a" has not recorded the fence yet');
  });
});
