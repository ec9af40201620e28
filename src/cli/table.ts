/**
 * Plain-text tables for terminal output: columns padded to the widest cell, no borders.
 */

/** Visible length of a string, ignoring ANSI colour codes. */
export function visibleLength(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences start with ESC.
  return text.replace(/\u001b\[[0-9;]*m/g, "").length;
}

/**
 * Formats rows under a header, each column as wide as its widest cell.
 *
 * @example
 * ```ts
 * formatTable(["PROBE", "STATE"], [["db", "up"]]);
 * // "PROBE  STATE\ndb     up"
 * ```
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = header.map((h, i) =>
    Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ""))),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) =>
        i === cells.length - 1 ? cell : cell + " ".repeat((widths[i] ?? 0) - visibleLength(cell)),
      )
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}
