/**
 * Comparing the cluster sections of both nodes: they must be identical, and when they are not
 * the operator needs to see where, without the secret being shown.
 */
import { createHash } from "node:crypto";
import type { ClusterConfig } from "../config/schema.js";
import { check, type DoctorCheck } from "./types.js";

/** The cluster section as it may cross the network: the secret replaced by a short hash. */
export type RedactedCluster = Omit<ClusterConfig, "secret"> & { secret: string };

/**
 * The cluster section with `secret` replaced by `sha256:` and 12 hex digits of its hash, so
 * two sections can be compared without either secret leaving its node.
 *
 * @example
 * ```ts
 * redactCluster(cluster).secret; // "sha256:5f1c0e2d9a3b"
 * ```
 */
export function redactCluster(cluster: ClusterConfig): RedactedCluster {
  const digest = createHash("sha256").update(cluster.secret).digest("hex").slice(0, 12);
  return { ...cluster, secret: `sha256:${digest}` };
}

function flatten(value: unknown, path: string, out: Map<string, string>): void {
  if (value !== null && typeof value === "object") {
    const entries = Array.isArray(value)
      ? value.map((v, i) => [`[${i}]`, v] as const)
      : Object.entries(value).map(([k, v]) => [path ? `.${k}` : k, v] as const);
    for (const [key, v] of entries) flatten(v, `${path}${key}`, out);
    return;
  }
  if (value !== undefined) out.set(path, JSON.stringify(value));
}

/**
 * One line per setting that differs: `PATH: VALUE here, VALUE on PEER` (the secret only as
 * "differs").
 *
 * @example
 * ```ts
 * diffClusters(mine, theirs, "b"); // ['profile: "fast" here, "lan" on b', "secret: differs (not shown)"]
 * ```
 */
export function diffClusters(
  here: RedactedCluster,
  there: RedactedCluster,
  peer: string,
): string[] {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  flatten(here, "", a);
  flatten(there, "", b);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return paths.flatMap((p) => {
    const x = a.get(p);
    const y = b.get(p);
    if (x === y) return [];
    if (p === "secret") return ["secret: differs (not shown)"];
    return [`${p}: ${x ?? "(not set)"} here, ${y ?? "(not set)"} on ${peer}`];
  });
}

/**
 * OK when both sections are the same, FAIL with the diff otherwise.
 *
 * @example
 * ```ts
 * clusterMatchCheck("a", mine, "b", theirs).status; // "ok"
 * ```
 */
export function clusterMatchCheck(
  self: string,
  here: RedactedCluster,
  peer: string,
  there: RedactedCluster,
): DoctorCheck {
  const diff = diffClusters(here, there, peer);
  if (diff.length === 0) {
    return check(
      "pair/cluster-config",
      "ok",
      `cluster sections of ${self} and ${peer} are identical`,
    );
  }
  return check(
    "pair/cluster-config",
    "fail",
    `cluster sections differ (takeovers are refused): ${diff.join("; ")}`,
    `copy the cluster section of one node to the other, identically, and restart the agent`,
  );
}
