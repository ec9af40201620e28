/**
 * Short reasons for operating-system errors, e.g. `no such file or directory (ENOENT)`.
 *
 * Node's own messages repeat the syscall and the path (`ENOENT: no such file or directory,
 * open '/x'`); our messages already name the path, so only the reason is kept.
 */

/**
 * The reason part of a Node.js system error.
 *
 * @example
 * ```ts
 * osReason(Object.assign(new Error("EACCES: permission denied, open '/x'"), { code: "EACCES" }));
 * // "permission denied (EACCES)"
 * ```
 */
export function osReason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as NodeJS.ErrnoException).code;
  const match = /^E[A-Z]+: ([^,]+)/.exec(err.message);
  if (match?.[1] && code) return `${match[1]} (${code})`;
  return code ? `${err.message} (${code})` : err.message;
}
