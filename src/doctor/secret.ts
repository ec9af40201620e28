/**
 * Secret strength: a secret anybody can read in Tandem's own docs or examples signs nothing.
 */
import type { ClusterConfig } from "../config/schema.js";
import { check, type DoctorCheck } from "./types.js";

/**
 * Cluster secrets published in Tandem's docs and examples; `secret.test.ts` fails when a doc
 * shows another one without listing it here.
 */
export const PUBLISHED_SECRETS: readonly string[] = ["demo-pair-secret-change-me"];

/** Below this many characters a secret is short enough to guess offline from one heartbeat. */
const STRONG_LENGTH = 24;

/**
 * Whether every node of the cluster is addressed on loopback (a demo or a test on one machine).
 *
 * @example
 * ```ts
 * onLoopbackOnly(["http://127.0.0.1:7701", "http://[::1]:7702"]); // true
 * ```
 */
export function onLoopbackOnly(urls: readonly string[]): boolean {
  return urls.every((u) => {
    const host = new URL(u).hostname.replace(/^\[|\]$/g, "");
    return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
  });
}

/**
 * Checks `cluster.secret`: a published secret is a FAIL on real addresses and a WARN on
 * loopback; a short or repetitive one a WARN. Never shows the secret.
 *
 * @example
 * ```ts
 * secretCheck("a", cluster).status; // "fail" for the demo secret on 10.0.0.11
 * ```
 */
export function secretCheck(node: string, cluster: ClusterConfig): DoctorCheck {
  const id = `${node}/secret`;
  const secret = cluster.secret;
  const loopback = onLoopbackOnly(cluster.nodes.map((n) => n.api));
  const fix =
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the fix shows the config's own reference syntax.
    "write a random secret to a file both nodes read (openssl rand -hex 32 > /etc/tandem/cluster.secret) and set cluster.secret: ${file:/etc/tandem/cluster.secret}";
  if (PUBLISHED_SECRETS.includes(secret)) {
    return loopback
      ? check(id, "warn", "cluster.secret is the published demo secret (loopback only)", fix)
      : check(
          id,
          "fail",
          "cluster.secret is the published demo secret on a non-loopback address: anyone can fence or switch this pair",
          fix,
        );
  }
  if (secret.length < STRONG_LENGTH || new Set(secret).size < 8) {
    return check(
      id,
      "warn",
      `cluster.secret is weak: ${secret.length} characters, ${new Set(secret).size} distinct (expected at least ${STRONG_LENGTH} and 8)`,
      fix,
    );
  }
  return check(id, "ok", `cluster.secret: ${secret.length} characters, not a published one`);
}
