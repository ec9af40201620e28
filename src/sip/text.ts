/**
 * Quoting received text for log lines and reasons.
 */

/**
 * `text` as a JSON string (control characters escaped), cut after 80 characters, so a reason
 * never carries a huge or terminal-breaking value.
 *
 * @example
 * ```ts
 * quote("OPTIONS\tsip:x"); // "\"OPTIONS\\tsip:x\""
 * ```
 */
export function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
