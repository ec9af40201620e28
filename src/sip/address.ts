/**
 * The `tag` parameter of a From or To value (RFC 3261 §19.3), which tells dialogs apart.
 */

/**
 * The header parameters of a From/To value: what follows the `<…>` URI, or, without angle
 * brackets, the first `;` (parameters of a bare URI belong to the header, RFC 3261 §20.10).
 */
function headerParams(value: string): string {
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted) {
      if (c === "\\") i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === "<") {
      const end = value.indexOf(">", i);
      return end === -1 ? "" : value.slice(end + 1);
    } else if (c === ";") return value.slice(i);
  }
  return "";
}

/**
 * The `tag` of a From or To value, or `undefined` when it has none.
 *
 * @example
 * ```ts
 * addressTag('"Bob" <sip:bob@biloxi.example.com;tag=uri>;tag=a6c85cf'); // "a6c85cf"
 * addressTag("sip:bob@biloxi.example.com"); // undefined
 * ```
 */
export function addressTag(value: string): string | undefined {
  for (const param of headerParams(value).split(";")) {
    const m = /^\s*tag\s*=\s*(\S+?)\s*$/i.exec(param);
    if (m?.[1]) return m[1];
  }
  return undefined;
}

/**
 * `value` with `;tag=TAG` appended, unless it already has a tag.
 *
 * @example
 * ```ts
 * withAddressTag("<sip:pbx@10.0.0.1>", "8f3a2c"); // "<sip:pbx@10.0.0.1>;tag=8f3a2c"
 * ```
 */
export function withAddressTag(value: string, tag: string): string {
  return addressTag(value) === undefined ? `${value};tag=${tag}` : value;
}
