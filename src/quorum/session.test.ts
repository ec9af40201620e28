import { afterEach, describe, expect, it } from "vitest";
import { startEtcd, type TestEtcd } from "../../test/helpers/etcd.js";
import { waitFor } from "../../test/helpers/processes.js";
import type { QuorumObservation } from "../engine/types.js";
import { EtcdClient } from "./etcd-client.js";
import { QuorumSession } from "./session.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A session with its observations recorded. */
function session(etcd: TestEtcd, name: string, key = "/t/leader") {
  const seen: QuorumObservation[] = [];
  let deadlines = 0;
  const s = new QuorumSession({
    etcd: new EtcdClient({ endpoints: etcd.endpoints, requestTimeoutMs: 300 }),
    key,
    name,
    ttlSeconds: 2,
    keepAliveMs: 300,
    marginMs: 500,
    onObservation: (o) => seen.push(o),
    onDeadline: () => {
      deadlines += 1;
    },
  });
  cleanups.push(() => s.stop());
  s.start();
  return {
    s,
    seen,
    last: () => seen.at(-1),
    deadlines: () => deadlines,
  };
}

async function etcdOf(size: number): Promise<TestEtcd> {
  const etcd = await startEtcd(size);
  cleanups.push(() => etcd.close());
  return etcd;
}

describe("quorum session against a real etcd", () => {
  it("one node claims the free key; the other sees it held, then free at once when it resigns", async () => {
    const etcd = await etcdOf(1);
    const a = session(etcd, "a");
    const b = session(etcd, "b");
    await waitFor(async () => a.last()?.error === null, 5000, "a reads the key");
    const before = performance.now();
    a.s.carryOut({ type: "quorum", action: "campaign" });
    await waitFor(async () => a.last()?.held === true, 5000, "a holds the key");
    const held = a.last();
    // The deadline counts from before the grant was sent: TTL 2 s minus the 500 ms margin.
    expect(held?.validUntil).toBeGreaterThan(before + 1000);
    expect(held?.validUntil).toBeLessThanOrEqual(performance.now() + 1500);
    expect(a.s.leaseValid()).toBe(true);
    await waitFor(async () => b.last()?.holder === "a", 2000, "b sees a holding");
    expect(b.last()?.revision).toBe(held?.revision);
    b.s.carryOut({ type: "quorum", action: "campaign" });
    await new Promise((r) => setTimeout(r, 300));
    expect(b.last()?.held).toBe(false);
    // Keep-alives keep the key past its TTL.
    await new Promise((r) => setTimeout(r, 2500));
    expect(a.last()?.held).toBe(true);
    expect(b.last()?.holder).toBe("a");
    const resignedAt = performance.now();
    a.s.carryOut({ type: "quorum", action: "resign" });
    await waitFor(async () => b.last()?.holder === null, 2000, "b sees the key free");
    expect(performance.now() - resignedAt).toBeLessThan(500);
  }, 30_000);

  it("replace takes the key of a gone holder at its revision only; the old holder drops it", async () => {
    const etcd = await etcdOf(1);
    const a = session(etcd, "a");
    const b = session(etcd, "b");
    await waitFor(async () => a.last()?.error === null, 5000, "a reads the key");
    a.s.carryOut({ type: "quorum", action: "campaign" });
    await waitFor(async () => a.last()?.held === true, 5000, "a holds the key");
    const revision = a.last()?.revision ?? 0;
    b.s.carryOut({ type: "quorum", action: "replace", holder: "a", revision: revision - 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(b.last()?.held, "a stale revision changes nothing").toBe(false);
    b.s.carryOut({ type: "quorum", action: "replace", holder: "a", revision });
    await waitFor(async () => b.last()?.held === true, 2000, "b holds the key");
    expect(b.last()?.revision).toBeGreaterThan(revision);
    await waitFor(async () => a.last()?.held === false, 2000, "a drops the key");
    expect(a.last()?.error).toBe('the key now names "b"');
    expect(a.s.leaseValid()).toBe(false);
  }, 30_000);

  it("a holder cut from etcd stops on its own deadline before etcd lets another node in", async () => {
    const etcd = await etcdOf(1);
    const a = session(etcd, "a");
    await waitFor(async () => a.last()?.error === null, 5000, "a reads the key");
    a.s.carryOut({ type: "quorum", action: "campaign" });
    await waitFor(async () => a.last()?.held === true, 5000, "a holds the key");
    etcd.pause(0, true);
    const pausedAt = performance.now();
    await waitFor(async () => !a.s.leaseValid(), 3000, "a's deadline passes");
    const stoppedAfter = performance.now() - pausedAt;
    expect(a.deadlines()).toBeGreaterThanOrEqual(1);
    // The lease (2 s from a keep-alive at most 300 ms before the pause) is still alive in etcd.
    expect(stoppedAfter).toBeLessThan(2000 - 300);
    expect(a.last()?.error).toMatch(/timed out/);
    etcd.pause(0, false);
  }, 30_000);
});
