/**
 * Real pairs of agent processes on loopback, driven the way an operator and the world would:
 * the operator CLI (switchover, deactivate, recover, log), a critical probe failing, a
 * partition through fault-injecting proxies, a witness, a frozen process, active-active
 * activity reports and the client event stream. Bounds are generous: the decision logic is
 * tested with a simulated clock in src/engine; these check the wiring.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useCleanups } from "./helpers/cleanups.js";
import { type Pair, type PairOptions, startPair, TestWitness } from "./helpers/pair.js";
import { runTandem, waitFor } from "./helpers/processes.js";
import { openEventStream, type SseFrame } from "./helpers/sse.js";

const cleanups = useCleanups();

async function pairOf(options: PairOptions = {}): Promise<Pair> {
  const p = await startPair(options);
  cleanups.push(() => p.close());
  return p;
}

/** Collects the server-sent events of one node until the test ends. */
function events(port: number): { seen: SseFrame[] } {
  const stream = openEventStream(`http://127.0.0.1:${port}/v1/events`);
  cleanups.push(() => stream.close());
  return { seen: stream.frames };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("operator commands on a real pair", () => {
  it("switch over, deactivate, keep a fence across a restart, and recover step by step", async () => {
    const p = await pairOf({
      hooks: `  queues-paused:\n    - command: 'echo all queues paused on $TANDEM_NODE'\n`,
    });
    await p.startBoth();
    await p.settled();
    const onB = events(p.ports.b);
    await waitFor(() => onB.seen.some((e) => e.event === "hello"), 5000, "event stream");

    // Planned switchover: b serves, a stands by, nothing is fenced.
    const sw = await p.cli(["switchover", "--to", "b", "--by", "tester"]);
    expect(sw.code, sw.stderr).toBe(0);
    expect(sw.stdout).toMatch(/a: switchover to b: changed/);
    expect(sw.stdout).toMatch(/"b" serves as ACTIVE after/);
    expect((await p.role("b")).status).toBe(200);
    expect((await p.status("a")).node.mode).toBe("STANDBY");
    await waitFor(
      () => onB.seen.some((e) => e.event === "switchover" && e.data.to === "b"),
      3000,
      "switchover notice on b's event stream",
    );
    expect(onB.seen.some((e) => e.event === "role" && e.data.to === "ACTIVE")).toBe(true);
    // Idempotent: asking again changes nothing and says so.
    const again = await p.cli(["switchover", "--to", "b", "--by", "tester", "--json"]);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ outcome: "unchanged" });

    // Deactivate the active: it fences itself, the other takes over.
    const de = await p.cli(["deactivate", "b", "--by", "tester"]);
    expect(de.code, de.stderr).toBe(0);
    expect(de.stdout).toMatch(/ACTIVE → SELF_FENCED: deactivated by tester from 127\.0\.0\.1/);
    await waitFor(async () => (await p.role("a")).status === 200, 5000, "a ACTIVE again");
    const twice = await p.cli(["deactivate", "b", "--by", "tester", "--json"]);
    // Still out: fenced by itself, and by now also by a, which took over.
    expect(JSON.parse(twice.stdout)).toMatchObject({ outcome: "unchanged" });
    expect((await p.status("b")).cluster.flags.selfFenced).toMatchObject({
      reason: "deactivated by tester from 127.0.0.1",
    });

    // The fence is persisted: a restarted b is still out.
    await p.kill("b");
    p.start("b");
    await waitFor(async () => (await p.status("b")).node.mode !== "STARTING", 10_000, "b up");
    await sleep(800);
    expect(["SELF_FENCED", "PEER_FENCED"]).toContain((await p.status("b")).node.mode);
    expect((await p.status("b")).cluster.flags.selfFenced).not.toBeNull();
    expect((await p.role("a")).status).toBe(200);
    // The restarted agent has a new event stream.
    const onNewB = events(p.ports.b);
    await waitFor(() => onNewB.seen.some((e) => e.event === "hello"), 5000, "new event stream");

    // tandem status says what the operator does next.
    const st = await runTandem(["status", "--url", `http://127.0.0.1:${p.ports.b}`]);
    expect(st.stdout).toMatch(
      /next: this node is healthy and waits for an operator: "tandem recover"/,
    );

    // recover refuses to run unattended without --yes …
    const noYes = await p.cli(["recover", "--node", "b"]);
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toMatch(/not a terminal: pass --yes/);
    // … and goes one step at a time with --step, keeping its progress.
    const one = await p.cli(["recover", "--node", "b", "--step", "--by", "tester"]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/\[2\/9\] probes/);
    expect(one.stdout).toMatch(/Stopped\. Progress is in/);
    const plan = await p.cli(["recover", "--plan"]);
    expect(plan.stdout).toMatch(/2\. \[done\] probes/);
    expect(plan.stdout).toMatch(/3\. \[todo\] queues-paused/);

    // The rest in one go: b serves again, a stands by, no flags anywhere.
    const rec = await p.cli(["recover", "--yes", "--by", "tester"]);
    expect(rec.code, `${rec.stdout}\n${rec.stderr}\n${p.dump()}`).toBe(0);
    expect(rec.stdout).not.toMatch(/\[2\/9\]/); // resumed after the step already done
    expect(rec.stdout).toMatch(/all queues paused/);
    expect(rec.stdout).toMatch(/Recovered: "b" is ACTIVE, "a" stands by/);
    expect((await p.role("b")).status).toBe(200);
    expect((await p.role("a")).status).toBe(503);
    for (const n of ["a", "b"] as const) {
      const flags = (await p.status(n)).cluster.flags;
      expect(flags).toEqual({
        selfFenced: null,
        peerFenced: null,
        suspended: null,
        fencingPeer: null,
      });
    }
    await waitFor(
      () => onNewB.seen.some((e) => e.event === "reconnect" && e.data.to === "b"),
      3000,
      "reconnect notice",
    );

    // The failover log of both nodes tells the story with who asked.
    const log = await p.cli(["log", "--json", "-n", "200"]);
    expect(log.code, log.stderr).toBe(0);
    const entries = log.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { node: string; message: string });
    const said = (node: string, re: RegExp) =>
      entries.some((e) => e.node === node && re.test(e.message));
    expect(said("a", /switchover to "b" by tester/)).toBe(true);
    expect(said("b", /deactivated by tester/)).toBe(true);
    expect(said("a", /suspend by tester/)).toBe(true);
    expect(said("b", /STANDBY → ACTIVE/)).toBe(true);
    // Merged by time across both nodes.
    const times = log.stdout
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { time: string }).time);
    expect([...times].sort()).toEqual(times);
  }, 90_000);

  it("a critical probe failing on the active: self-fence at once, takeover, fence kept after a restart", async () => {
    const p = await pairOf();
    await p.startBoth();
    const term = await p.settled();
    p.failApp("a", true);
    await waitFor(async () => (await p.role("b")).status === 200, 5000, "b ACTIVE");
    const a = await p.status("a");
    // Fenced by itself first; b's fence may already have arrived on top.
    expect(["SELF_FENCED", "PEER_FENCED"]).toContain(a.node.mode);
    expect(a.cluster.flags.selfFenced).toMatchObject({ reason: expect.stringMatching(/app/) });
    const b = await p.status("b");
    expect(b.cluster.term).toBeGreaterThan(term);
    await waitFor(
      async () => (await p.status("b")).cluster.flags.fencingPeer !== null,
      3000,
      "b fencing a",
    );
    await waitFor(
      () => readFileSync(join(p.dir, "hooks.txt"), "utf8").includes("a self-fenced"),
      5000,
      "self-fenced hook",
    );
    // Healthy again, a stays out (manual failback), also after a restart.
    p.failApp("a", false);
    await sleep(1000);
    expect(["SELF_FENCED", "PEER_FENCED"]).toContain((await p.status("a")).node.mode);
    expect((await p.role("a")).status).toBe(503);
    await p.kill("a");
    p.start("a");
    await waitFor(async () => (await p.status("a")).node.mode !== "STARTING", 10_000, "a up");
    await sleep(800);
    expect((await p.role("a")).status).toBe(503);
    expect((await p.role("b")).status).toBe(200);

    // No queues-paused hook here: recover stops at that step, touching nothing after it …
    const stopped = await p.cli(["recover", "--yes", "--by", "tester"]);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toMatch(/step queues-paused .*not confirmed paused/);
    expect((await p.status("b")).cluster.flags.suspended).toBeNull();
    // … and resumes there once the operator confirms.
    const resumed = await p.cli(["recover", "--yes", "--queues-paused", "--by", "tester"]);
    expect(resumed.code, `${resumed.stdout}\n${resumed.stderr}`).toBe(0);
    expect(resumed.stdout).not.toMatch(/\[2\/9\]/);
    expect((await p.role("a")).status).toBe(200);
    expect((await p.role("b")).status).toBe(503);
  }, 60_000);
});

describe("failback and flapping on a real pair", () => {
  it("with failback: auto the primary returns after rise and minStable, never sooner", async () => {
    const p = await pairOf({
      timers: "profile: fast\n  failback: { mode: auto, rise: 3, minStable: 1500ms }",
    });
    await p.startBoth();
    await p.settled();
    p.failApp("a", true);
    await waitFor(async () => (await p.role("b")).status === 200, 5000, "b ACTIVE");
    p.failApp("a", false);
    const healthyAt = Date.now();
    // Healthy again, but not stable long enough: still out.
    await sleep(700);
    expect((await p.role("a")).status).toBe(503);
    await waitFor(
      async () => (await p.role("a")).status === 200,
      10_000,
      "a back by auto failback",
    );
    expect(Date.now() - healthyAt).toBeGreaterThanOrEqual(1500);
    await waitFor(async () => (await p.role("b")).status === 503, 3000, "b standing by");
    expect(p.log("a").some((l) => /failback/i.test(String(l.msg)))).toBe(true);
  }, 60_000);

  it("a flapping critical resource causes at most one failover and no ping-pong", async () => {
    const p = await pairOf({
      timers: "profile: fast\n  failback: { mode: auto, rise: 3, minStable: 30s }",
    });
    await p.startBoth();
    const term = await p.settled();
    // Up and down every 600 ms for about 8 s on the active.
    for (let i = 0; i < 14; i++) {
      p.failApp("a", i % 2 === 0);
      await sleep(600);
    }
    p.failApp("a", false);
    await sleep(1000);
    const [a, b] = [await p.status("a"), await p.status("b")];
    expect(b.node.mode, p.dump()).toBe("ACTIVE");
    expect(a.node.mode).not.toBe("ACTIVE");
    // One takeover: b's term is one above the start, and b entered ACTIVE exactly once.
    expect(b.cluster.term).toBe(term + 1);
    const bActive = p.log("b").filter((l) => /→ ACTIVE/.test(String(l.msg)));
    expect(bActive).toHaveLength(1);
  }, 60_000);
});

describe("partitions, witness and freezes on a real pair", () => {
  it("a healed partition with two actives leaves exactly one: the higher term", async () => {
    const p = await pairOf({ proxied: true });
    await p.startBoth();
    const term = await p.settled();
    p.proxies.a?.block(true);
    p.proxies.b?.block(true);
    // No witness: b cannot tell a partition from a dead peer and takes over.
    await waitFor(
      async () => (await p.role("b")).status === 200,
      5000,
      "b ACTIVE in the partition",
    );
    expect((await p.status("b")).cluster.term).toBeGreaterThan(term);
    p.proxies.a?.block(false);
    p.proxies.b?.block(false);
    const healedAt = Date.now();
    await waitFor(
      async () => (await p.role("a")).status === 503 && (await p.role("b")).status === 200,
      5000,
      "one active after the heal",
    );
    expect(Date.now() - healedAt).toBeLessThan(3000);
    // And it stays that way.
    for (let i = 0; i < 10; i++) {
      const [ra, rb] = [await p.role("a"), await p.role("b")];
      expect([ra.status, rb.status], p.dump()).toEqual([503, 200]);
      await sleep(100);
    }
  }, 60_000);

  it("with a witness, the isolated standby never takes over and the isolated active steps down", async () => {
    const witness = new TestWitness();
    await witness.listen();
    cleanups.push(() => witness.close());
    const p = await pairOf({ proxied: true, witness });
    await p.startBoth();
    await p.settled();

    // b is cut off from a and from the witness: it is the isolated one.
    witness.unreachableFor.add("b");
    p.proxies.a?.block(true);
    p.proxies.b?.block(true);
    for (let i = 0; i < 20; i++) {
      await sleep(100);
      expect((await p.status("b")).node.mode, p.dump()).not.toBe("ACTIVE");
    }
    expect((await p.role("a")).status).toBe(200);
    witness.unreachableFor.clear();
    p.proxies.a?.block(false);
    p.proxies.b?.block(false);
    await sleep(500);

    // Now a is cut off from everything: it steps down, b (which still sees the witness) takes over.
    witness.unreachableFor.add("a");
    p.proxies.a?.block(true);
    p.proxies.b?.block(true);
    await waitFor(async () => (await p.role("a")).status === 503, 5000, "a stepping down");
    await waitFor(async () => (await p.role("b")).status === 200, 5000, "b taking over");
  }, 60_000);

  it("a short freeze of the active changes nothing; a long one fails over and the woken node never serves", async () => {
    // 200 ms × 5: detection after about 1 s; half of it (500 ms) is the freeze limit.
    const p = await pairOf({
      timers: "heartbeat: { interval: 200ms, timeout: 150ms, fall: 5, rise: 2 }",
    });
    const { a } = await p.startBoth();
    const term = await p.settled();
    const pid = a.child.pid ?? 0;

    process.kill(pid, "SIGSTOP");
    await sleep(150);
    process.kill(pid, "SIGCONT");
    await sleep(1500);
    expect((await p.status("b")).node.mode).toBe("STANDBY");
    expect((await p.status("a")).cluster.term).toBe(term);
    expect((await p.role("a")).status).toBe(200);

    // A role request that waited while a was stopped is answered for the world after the stall.
    process.kill(pid, "SIGSTOP");
    await waitFor(
      async () => (await p.role("b")).status === 200,
      6000,
      "b ACTIVE while a is frozen",
    );
    const waiting = p.role("a");
    await sleep(100);
    process.kill(pid, "SIGCONT");
    const first = await waiting;
    expect(first.status, `${first.text}\n${p.dump()}`).toBe(503);
    // From the moment it wakes, a must never answer ACTIVE again.
    const until = Date.now() + 2000;
    while (Date.now() < until) {
      const r = await p.role("a");
      expect(r.status, `${r.text}\n${p.dump()}`).toBe(503);
    }
    const woken = await p.status("a");
    expect(["STANDBY", "PEER_FENCED"]).toContain(woken.node.mode);
    expect(woken.cluster.term).toBe((await p.status("b")).cluster.term);
  }, 60_000);
});

describe("active-active on a real pair", () => {
  it("calls reported at the secondary make it take over, fence the primary and notify clients", async () => {
    const p = await pairOf({ clusterMode: "active-active" });
    await p.startBoth();
    await p.settled();
    const onB = events(p.ports.b);
    await waitFor(() => onB.seen.some((e) => e.event === "hello"), 5000, "event stream");
    // What a dialplan's CURL() on b's own server does, once per call that arrives there. A
    // report that finds b unable to take over just then (e.g. holding back after a stall of
    // a loaded machine) is logged, and the next call's report tries again.
    const report = async () =>
      (await (await fetch(`http://127.0.0.1:${p.ports.b}/v1/activity`)).json()) as {
        mode: string;
      };
    await waitFor(async () => (await report()).mode === "ACTIVE", 5000, "b ACTIVE").catch(
      (err: Error) => {
        throw new Error(`${err.message}\n${p.dump()}`);
      },
    );
    await waitFor(
      async () => (await p.status("a")).node.mode === "PEER_FENCED",
      3000,
      "a fenced by b",
    );
    await waitFor(() => onB.seen.some((e) => e.event === "switchover"), 3000, "switchover notice");
    expect(
      p.log("b").some((l) => /calls arrive here while peer "a" is ACTIVE/.test(String(l.msg))),
    ).toBe(true);
  }, 60_000);
});
