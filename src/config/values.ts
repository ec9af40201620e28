/**
 * How a value from the configuration is shown in a message: quoted, shortened, and never a
 * secret.
 */

const MAX_SHOWN = 60;

/** Keys whose values are never shown, wherever they appear in the path. */
const SECRET_KEY =
  /pass(word|wd|phrase)|secret|token|credential|authorization|api[-_]?key|private[-_]?key/i;

/**
 * True when a value at `path` may be a secret: some key on the path is named like one.
 *
 * @example
 * ```ts
 * isSecretPath(["probes", "db", "password"]);              // true
 * isSecretPath(["probes", "web", "headers", "X-Api-Key"]); // true
 * ```
 */
export function isSecretPath(path: readonly PropertyKey[]): boolean {
  return path.some((segment) => typeof segment === "string" && SECRET_KEY.test(segment));
}

/**
 * A value as shown after "got": `"abc"`, `70000`, `true`, `a list`, `a mapping`,
 * `an empty value`. Long strings are cut, and a password in a URL (`mysql://u:pw@h`) is masked.
 */
export function showValue(value: unknown): string {
  if (typeof value === "string") {
    // Up to the last "@": a password may hold anything, and masking too much is harmless.
    const masked = value.replace(/(\/\/[^/@:]*:).*@/s, "$1***@");
    return JSON.stringify(
      masked.length > MAX_SHOWN ? `${masked.slice(0, MAX_SHOWN - 1)}…` : masked,
    );
  }
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return kindOf(value);
}

/** What sort of value this is, without showing it: `a string`, `a number`, `a list`, ... */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return "an empty value";
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "boolean") return "a boolean";
  return `a ${typeof value}`;
}
