/**
 * The console's security headers. The page runs no inline script or style and loads nothing
 * from another origin, so the policy can forbid both.
 */

/**
 * The Content-Security-Policy of every console response.
 *
 * @example
 * ```ts
 * reply.header("content-security-policy", CONSOLE_CSP);
 * ```
 */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * Headers sent with the page and its files.
 *
 * @example
 * ```ts
 * reply.headers(consoleHeaders());
 * ```
 */
export function consoleHeaders(): Record<string, string> {
  return {
    "content-security-policy": CONSOLE_CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cache-control": "no-cache",
  };
}
