/**
 * Real pairs with a quorum on a real etcd: the holder killed (fast takeover), stopped longer
 * than its lease, partitioned from its peer; one etcd member of three lost, then the quorum.
 * Both nodes' role URLs are sampled every 20 ms: never both 200.
 */
import { describe, expect, it } from "vitest";
import { useCleanups } from "./helpers/cleanups.js";
import { startEtcd, type TestEtcd } from "./helpers/etcd.js";
import { type Pair, type PairOptions, quorumYaml, sampleRoles, startPair } from "./helpers/pair.js";
import { waitFor } from "./helpers/processes.js";

const cleanups = useCleanups();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function etcdOf(size: number): Promise<TestEtcd> {
  const etcd = await startEtcd(size);
  cleanups.push(() => etcd.close());
  return etcd;
}

async function quorumPair(etcd: TestEtcd, options: PairOptions = {}): Promise<Pair> {
  const p = await startPair({ ...options, quorum: quorumYaml(etcd.endpoints) });
  cleanups.push(() => p.close());
  await p.startBoth();
  // Agents start slowly on a loaded machine: wait for both APIs before the usual settling.
  for (const n of ["a", "b"] as const) {
    await waitFor(async () => (await p.status(n).catch(() => null)) !== null, 30_000, `${n} API`);
  }
  try {
    await p.settled();
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${p.dump()}`);
  }
  return p;
}

describe("a pair with a quorum on etcd", () => {
  it("a killed holder is replaced at once: its port refuses, so b does not wait for the lease", async () => {
    const etcd = await etcdOf(1);
    const p = await quorumPair(etcd);
    const sampler = sampleRoles(p);
    const killedAt = performance.now();
    await p.kill("a");
    await waitFor(async () => (await p.role("b")).status === 200, 5000, "b serving");
    const took = performance.now() - killedAt;
    const { doubles } = await sampler.stop();
    expect(doubles).toBe(0);
    // The lease is 2 s (renewed every 500 ms): b serving sooner, having replaced a's key
    // because a's port refused, proves the fast path; bench/failover.mjs --quorum times it.
    expect(took, p.dump()).toBeLessThan(1500);
    expect(p.log("b").some((l) => /refuses connections/.test(String(l.msg)))).toBe(true);
  }, 60_000);

  it("a holder stopped longer than its lease stops serving before b starts; never both 200", async () => {
    const etcd = await etcdOf(1);
    const p = await quorumPair(etcd);
    const sampler = sampleRoles(p);
    p.running.a?.child.kill("SIGSTOP");
    await waitFor(async () => (await p.role("b")).status === 200, 8000, "b serving");
    await sleep(500);
    p.running.a?.child.kill("SIGCONT");
    await waitFor(async () => (await p.status("a")).node.mode === "STANDBY", 5000, "a STANDBY");
    await sleep(500);
    const { doubles, total } = await sampler.stop();
    expect(doubles, p.dump()).toBe(0);
    expect(total).toBeGreaterThan(50);
    expect((await p.role("b")).status).toBe(200);
    expect((await p.role("a")).status).toBe(503);
    expect(p.log("a").some((l) => /lost the quorum key/.test(String(l.msg)))).toBe(true);
  }, 60_000);

  it("a partition between the nodes leaves one serving: the key holder", async () => {
    const etcd = await etcdOf(1);
    const p = await quorumPair(etcd, { proxied: true });
    const sampler = sampleRoles(p);
    p.proxies.a?.block(true);
    p.proxies.b?.block(true);
    await sleep(4000);
    const { doubles } = await sampler.stop();
    expect(doubles).toBe(0);
    expect((await p.role("a")).status, p.dump()).toBe(200);
    expect((await p.role("b")).status).toBe(503);
    expect((await p.status("b")).node.mode).toBe("STANDBY");
    p.proxies.a?.block(false);
    p.proxies.b?.block(false);
  }, 60_000);

  it("losing one etcd member of three changes nothing; losing the quorum stops the holder before its lease expires", async () => {
    const etcd = await etcdOf(3);
    const p = await quorumPair(etcd);
    const term = (await p.status("a")).cluster.term;
    const sampler = sampleRoles(p);
    await etcd.kill(0);
    await sleep(3000);
    expect((await p.role("a")).status, p.dump()).toBe(200);
    expect((await p.role("b")).status).toBe(503);
    expect((await p.status("a")).cluster.term).toBe(term);
    await etcd.kill(1);
    const lostAt = performance.now();
    await waitFor(async () => (await p.role("a")).status === 503, 5000, "a stops serving");
    const stoppedAfter = performance.now() - lostAt;
    // etcd's leader renews leases by itself (no raft round) until its election timeout (1 s by
    // default) tells it the quorum is gone; the holder stops TTL − margin (1.5 s) after sending
    // the last keep-alive that was confirmed, so at most ~2.5 s after the loss, plus scheduling.
    expect(stoppedAfter).toBeLessThan(3500);
    await sleep(1000);
    const { doubles } = await sampler.stop();
    expect(doubles).toBe(0);
    expect((await p.role("b")).status).toBe(503);
    const why = p.log("a").find((l) => /lost the quorum key/.test(String(l.msg)));
    expect(String(why?.msg), p.dump()).toMatch(/lease deadline passed|lease expired/);
  }, 90_000);
});
