/**
 * Splitting a header value that holds several comma-separated values (`Via: a, b`), without
 * breaking at commas inside quoted strings or `<…>` URIs.
 */

/**
 * The comma-separated elements of a header value, trimmed, empty elements left out.
 *
 * @example
 * ```ts
 * splitHeaderList('SIP/2.0/UDP a;branch=z9hG4bK1 , SIP/2.0/TCP b'); // ["SIP/2.0/UDP a;branch=z9hG4bK1", "SIP/2.0/TCP b"]
 * splitHeaderList('"Doe, John" <sip:j@x>'); // ['"Doe, John" <sip:j@x>']
 * ```
 */
export function splitHeaderList(value: string): string[] {
  // The usual case, one value per line: nothing to split.
  if (!value.includes(",")) {
    const one = value.trim();
    return one === "" ? [] : [one];
  }
  const out: string[] = [];
  let quoted = false;
  let angle = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted) {
      if (c === "\\") i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === "<") angle = true;
    else if (c === ">") angle = false;
    else if (c === "," && !angle) {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  out.push(value.slice(start));
  return out.map((s) => s.trim()).filter((s) => s !== "");
}
