/**
 * The quorum: with etcd it is what keeps two nodes from serving at once, so every endpoint
 * should answer; without it (and without a witness) a partition gives two serving nodes, and
 * the operator should know that before trusting the pair.
 */
import type { ClusterConfig } from "../config/schema.js";
import { check, type DoctorCheck } from "./types.js";

/**
 * Asks each etcd endpoint for its status once. OK when all answer; WARN when some do not, or
 * when only one endpoint is listed, or when the pair has neither a quorum nor a witness; FAIL
 * when none answers (the node would serve only until its lease runs out).
 *
 * @example
 * ```ts
 * await quorumCheck("a", cluster); // { id: "a/quorum", status: "ok", message: "etcd: 3 of 3 endpoints answer", … }
 * ```
 */
export async function quorumCheck(
  node: string,
  cluster: ClusterConfig,
  timeoutMs = 2000,
): Promise<DoctorCheck> {
  const id = `${node}/quorum`;
  const quorum = cluster.quorum;
  if (!quorum) {
    if (cluster.witness) return check(id, "ok", "no quorum; the witness settles partitions");
    return check(
      id,
      "warn",
      "no quorum and no witness: if the link between the nodes breaks while both run, both serve until it heals",
      "add cluster.quorum (etcd, docs/quorum.md) or cluster.witness (docs/pair.md)",
    );
  }
  const answers = await Promise.all(
    quorum.endpoints.map(async (endpoint) => {
      try {
        const response = await fetch(`${endpoint.replace(/\/+$/, "")}/v3/maintenance/status`, {
          method: "POST",
          body: "{}",
          signal: AbortSignal.timeout(timeoutMs),
        });
        return response.ok ? null : `${endpoint}: HTTP ${response.status}`;
      } catch (err) {
        const e = err as Error & { cause?: { code?: string } };
        return `${endpoint}: ${e.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.message)}`;
      }
    }),
  );
  const failed = answers.filter((a): a is string => a !== null);
  const total = quorum.endpoints.length;
  const ok = total - failed.length;
  if (ok === 0) {
    return check(
      id,
      "fail",
      `etcd: none of ${total} endpoints answers (${failed.join("; ")}); this node cannot hold the lease and will not serve`,
      "start etcd or fix cluster.quorum.endpoints; check the firewall between this node and etcd",
    );
  }
  if (failed.length > 0) {
    return check(
      id,
      "warn",
      `etcd: ${ok} of ${total} endpoints answer (${failed.join("; ")})`,
      "bring the missing etcd members back: losing a majority stops the pair serving",
    );
  }
  if (total === 1) {
    return check(
      id,
      "warn",
      "etcd: the only endpoint answers, but one etcd member is a single point of failure",
      "run three etcd members and list them all in cluster.quorum.endpoints",
    );
  }
  return check(id, "ok", `etcd: ${ok} of ${total} endpoints answer`);
}
