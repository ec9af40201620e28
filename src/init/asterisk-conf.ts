/**
 * A reader for Asterisk's `.conf` files (asterisk.conf, pjsip.conf, manager.conf, …): enough
 * of the format to find directories, ports and database settings, never a full interpreter.
 */

/** One `[section]` of an Asterisk config file, its settings in file order. */
export interface ConfSection {
  /** The name between the brackets, e.g. `transport-udp`. */
  name: string;
  /** Every `key = value` / `key => value`, keys lower-cased, values trimmed. */
  entries: Array<{ key: string; value: string }>;
}

const SECTION_RE = /^\[([^\]]+)\]\s*(\(([^)]*)\))?/;

/**
 * Parses the text of an Asterisk config file into its sections. `;` starts a comment (`\;` is
 * a literal semicolon), `;-- … --;` block comments and `#include` lines are skipped, and a
 * template marker such as `[directories](!)` is ignored.
 *
 * @example
 * ```ts
 * parseAsteriskConf("[general]\nport = 5038 ; AMI\n");
 * // [{ name: "general", entries: [{ key: "port", value: "5038" }] }]
 * ```
 */
export function parseAsteriskConf(text: string): ConfSection[] {
  const sections: ConfSection[] = [];
  let current: ConfSection | undefined;
  let inBlockComment = false;
  for (const raw of text.split(/\r?\n/)) {
    let line = raw;
    if (inBlockComment) {
      const end = line.indexOf("--;");
      if (end < 0) continue;
      line = line.slice(end + 3);
      inBlockComment = false;
    }
    const blockStart = line.indexOf(";--");
    if (blockStart >= 0) {
      inBlockComment = !line.slice(blockStart + 3).includes("--;");
      line = line.slice(0, blockStart);
    }
    line = stripComment(line).trim();
    if (line === "" || line.startsWith("#")) continue;
    const section = SECTION_RE.exec(line);
    if (section) {
      current = { name: (section[1] ?? "").trim(), entries: [] };
      sections.push(current);
      continue;
    }
    const match = /^([^=]+?)\s*=>?\s*(.*)$/.exec(line);
    if (!match || !current) continue;
    current.entries.push({ key: (match[1] ?? "").toLowerCase(), value: (match[2] ?? "").trim() });
  }
  return sections;
}

function stripComment(line: string): string {
  for (let i = 0; i < line.length; i++) {
    if (line[i] === ";" && line[i - 1] !== "\\") return line.slice(0, i);
  }
  return line;
}

/**
 * The last value of `key` in a section (a later line overrides an earlier one, as in Asterisk).
 *
 * @example
 * ```ts
 * confValue({ name: "general", entries: [{ key: "port", value: "5038" }] }, "port"); // "5038"
 * ```
 */
export function confValue(section: ConfSection | undefined, key: string): string | undefined {
  if (!section) return undefined;
  const k = key.toLowerCase();
  let value: string | undefined;
  for (const e of section.entries) if (e.key === k) value = e.value;
  return value;
}
