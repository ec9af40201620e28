/**
 * Keeping secrets out of a support bundle: every secret the configuration holds or resolves is
 * collected first, then every file of the bundle is scrubbed of them, whatever wrote it (a log
 * line, a state file, a status document). Passwords in URLs are masked wherever they appear.
 */
import { readFile } from "node:fs/promises";
import type { Config } from "../config/schema.js";
import { isSecretPath } from "../config/values.js";

/** What replaces a secret. */
export const REDACTED = "<redacted>";

/** Shorter values are not secrets worth the risk of blanking unrelated text. */
const MIN_SECRET_LENGTH = 4;

const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@"'<>]*:)([^@\s/"'<>]+)@/gi;

function* strings(
  value: unknown,
  path: PropertyKey[],
): Generator<{ value: string; path: PropertyKey[] }> {
  if (typeof value === "string") yield { value, path };
  else if (Array.isArray(value))
    for (const [i, v] of value.entries()) yield* strings(v, [...path, i]);
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) yield* strings(v, [...path, k]);
  }
}

/**
 * Every secret value of a configuration: `cluster.secret`, the `operators` password hashes, each value under a key named like a
 * secret (password, token, api-key, authorization…), each password in a URL, and the contents
 * of every `${file:…}` and the value of every `${NAME}` the raw text references.
 *
 * @example
 * ```ts
 * await secretsOf(config, rawYaml); // ["demo-pair-secret-change-me", "s3cr3t", …]
 * ```
 */
export async function secretsOf(
  config: Config,
  rawText: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> {
  const found = new Set<string>();
  if (config.cluster) found.add(config.cluster.secret);
  // A password hash can be attacked offline: a support bundle has no use for it.
  for (const hash of Object.values(config.operators ?? {})) found.add(hash);
  for (const { value, path } of strings(config, [])) {
    if (isSecretPath(path)) found.add(value);
    for (const m of value.matchAll(URL_PASSWORD)) if (m[2]) found.add(m[2]);
  }
  for (const m of rawText.matchAll(/\$\{file:(\/[^}]+)\}/g)) {
    const content = await readFile(m[1] as string, "utf8").catch(() => "");
    found.add(content.replace(/\r?\n$/, ""));
  }
  for (const m of rawText.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}/g)) {
    const value = env[m[1] as string];
    if (value) found.add(value);
  }
  // Longest first, so a secret that contains another is replaced whole.
  return [...found]
    .filter((s) => s.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * `text` with every secret (as written, and as JSON or URL encoding would write it) and every
 * URL password replaced by {@link REDACTED}.
 *
 * @example
 * ```ts
 * redactText('url: "mysql://app:pw1234@db/x", token: s3cr3t', ["s3cr3t"]);
 * // 'url: "mysql://app:<redacted>@db/x", token: <redacted>'
 * ```
 */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    const forms = new Set([
      secret,
      JSON.stringify(secret).slice(1, -1),
      encodeURIComponent(secret),
    ]);
    for (const form of forms) out = out.replace(new RegExp(escapeRegExp(form), "g"), REDACTED);
  }
  return out.replace(URL_PASSWORD, `$1${REDACTED}@`);
}
