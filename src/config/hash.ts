/**
 * A fingerprint of configuration data that ignores how the file was written (key order,
 * quoting, comments, `2s` vs `2000`), used to tell whether two nodes run the same settings.
 */
import { createHash } from "node:crypto";

/**
 * JSON with object keys sorted at every level, no whitespace, and `undefined` members left out.
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] }); // '{"a":[{"c":3,"d":2}],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key];
    return sorted;
  });
}

/**
 * The SHA-256 (hex) of the canonical JSON of `value`.
 *
 * @example
 * ```ts
 * configHash(loaded.config.probes) === configHash(peer.config.probes); // same probes
 * ```
 */
export function configHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}
