/**
 * Real etcd for tests: one member or a cluster of several, each a child process on free
 * loopback ports with its data in a temporary directory. Members can be killed, stopped
 * (SIGSTOP) and continued, to test what losing a member or the quorum does.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { freePort, tempDir } from "./processes.js";

/** One running etcd member. */
export interface EtcdMember {
  name: string;
  clientUrl: string;
  child: ChildProcess;
  exited: Promise<void>;
}

/** A running etcd cluster. */
export interface TestEtcd {
  /** Every member's client URL, for `cluster.quorum.endpoints`. */
  endpoints: string[];
  members: EtcdMember[];
  /** Kills member `i` (SIGKILL) and waits for it to exit. */
  kill(i: number): Promise<void>;
  /** Sends SIGSTOP (true) or SIGCONT (false) to member `i`. */
  pause(i: number, paused: boolean): void;
  /** Kills every member and removes the data directories. */
  close(): Promise<void>;
}

/**
 * Starts `size` etcd members and waits until the cluster answers a write.
 *
 * @example
 * ```ts
 * const etcd = await startEtcd(3);
 * // cluster.quorum.endpoints: etcd.endpoints
 * await etcd.close();
 * ```
 */
export async function startEtcd(size = 1): Promise<TestEtcd> {
  const { dir, remove } = tempDir("tandem-etcd-");
  const specs: Array<{ name: string; client: number; peer: number }> = [];
  for (let i = 0; i < size; i++) {
    specs.push({ name: `m${i}`, client: await freePort(), peer: await freePort() });
  }
  const initialCluster = specs.map((s) => `${s.name}=http://127.0.0.1:${s.peer}`).join(",");
  const members: EtcdMember[] = specs.map((s) => {
    const clientUrl = `http://127.0.0.1:${s.client}`;
    const child = spawn(
      "etcd",
      [
        "--name",
        s.name,
        "--data-dir",
        join(dir, s.name),
        "--listen-client-urls",
        clientUrl,
        "--advertise-client-urls",
        clientUrl,
        "--listen-peer-urls",
        `http://127.0.0.1:${s.peer}`,
        "--initial-advertise-peer-urls",
        `http://127.0.0.1:${s.peer}`,
        "--initial-cluster",
        initialCluster,
        "--initial-cluster-state",
        "new",
        "--log-level",
        "error",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    return { name: s.name, clientUrl, child, exited };
  });
  const etcd: TestEtcd = {
    endpoints: members.map((m) => m.clientUrl),
    members,
    async kill(i) {
      const m = members[i];
      if (!m) return;
      m.child.kill("SIGKILL");
      await m.exited;
    },
    pause(i, paused) {
      members[i]?.child.kill(paused ? "SIGSTOP" : "SIGCONT");
    },
    async close() {
      for (const m of members) {
        m.child.kill("SIGCONT");
        m.child.kill("SIGKILL");
      }
      await Promise.all(members.map((m) => m.exited));
      remove();
    },
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const res = await fetch(`${etcd.endpoints[0]}/v3/kv/put`, {
        method: "POST",
        body: JSON.stringify({ key: Buffer.from("/ready").toString("base64"), value: "" }),
        signal: AbortSignal.timeout(1000),
      });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await etcd.close();
      throw new Error(`etcd (${size} member(s)) did not accept a write within 20 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return etcd;
}
