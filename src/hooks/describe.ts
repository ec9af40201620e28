/**
 * A hook's name in the log: short, and without secrets a URL may carry.
 */

/**
 * The command (at most 120 characters), or the method and URL without credentials or query
 * string, either of which may hold a token.
 *
 * @example
 * ```ts
 * describeHook({ url: "https://u:p@ops.example/hook?token=x", method: "POST" }); // "POST https://ops.example/hook"
 * describeHook({ command: ["/etc/tandem/vip", "up"] }); // "/etc/tandem/vip up"
 * ```
 */
export function describeHook(
  hook: { command: string | string[] } | { url: string; method: string },
): string {
  if ("url" in hook) {
    const url = URL.canParse(hook.url) ? new URL(hook.url) : null;
    return `${hook.method} ${url ? `${url.origin}${url.pathname}` : "(invalid URL)"}`;
  }
  const text = typeof hook.command === "string" ? hook.command : hook.command.join(" ");
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}
