/**
 * Probe targets: a host name that does not resolve makes a probe fail for a reason that has
 * nothing to do with the resource it watches.
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { ProbeConfig } from "../config/schema.js";
import { check, type DoctorCheck } from "./types.js";

/**
 * The host a probe connects to, or null for kinds that look at this machine (disk, load, …).
 *
 * @example
 * ```ts
 * probeHost({ kind: "http", url: "http://pbx.lan:8088/" , …}); // "pbx.lan"
 * probeHost({ kind: "sip", uri: "sip:10.0.0.5:5060", … });      // "10.0.0.5"
 * ```
 */
export function probeHost(probe: ProbeConfig): string | null {
  switch (probe.kind) {
    case "http":
      return new URL(probe.url).hostname.replace(/^\[|\]$/g, "");
    case "sql":
      // The URL may hold a password: only its host part is taken, and never shown.
      return (
        /^[a-z]+:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/?]+)/i
          .exec(probe.url)?.[1]
          ?.replace(/^\[|\]$/g, "") ?? null
      );
    case "tcp":
      return probe.host;
    case "sip":
      return (
        /^sip:(?:[^@;?\s]+@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)/
          .exec(probe.uri)?.[1]
          ?.replace(/^\[|\]$/g, "") ?? null
      );
    default:
      return null;
  }
}

/** Resolves one name, bounded: a dead resolver must not hang the doctor. */
async function resolves(host: string, timeoutMs: number): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    return await Promise.race([lookup(host).then(() => null), timeout]).catch(
      (err: NodeJS.ErrnoException) => err.code ?? err.message,
    );
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Checks that every probe's host name resolves on this node (IP addresses need nothing).
 *
 * @example
 * ```ts
 * await probeTargetsCheck("a", config.probes); // { status: "fail", message: 'probe "db": host "db.lan" does not resolve (ENOTFOUND)', … }
 * ```
 */
export async function probeTargetsCheck(
  node: string,
  probes: Record<string, ProbeConfig>,
  timeoutMs = 2000,
): Promise<DoctorCheck> {
  const id = `${node}/probe-targets`;
  const hosts = Object.entries(probes).flatMap(([name, probe]) => {
    const host = probeHost(probe);
    return host && isIP(host) === 0 ? [{ name, host }] : [];
  });
  const failures = (
    await Promise.all(
      hosts.map(async ({ name, host }) => {
        const error = await resolves(host, timeoutMs);
        return error ? `probe "${name}": host "${host}" does not resolve (${error})` : null;
      }),
    )
  ).filter((f): f is string => f !== null);
  if (failures.length > 0) {
    return check(
      id,
      "fail",
      failures.join("; "),
      "fix the host name in the probe, or add it to DNS or /etc/hosts on this node",
    );
  }
  return check(
    id,
    "ok",
    hosts.length === 0
      ? "no probe names a host to resolve"
      : `${hosts.length} probe host name${hosts.length === 1 ? "" : "s"} resolve`,
  );
}
