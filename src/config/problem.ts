/**
 * One thing wrong (or worth a warning) in a configuration file, located in its source.
 *
 * Every configuration message has the same shape, `FILE:LINE:COL: PATH: MESSAGE`, so editors
 * and terminals can jump to it, and `details` of the thrown error carries the same fields.
 */

/** A located configuration problem; `line` and `column` count from 1. */
export interface ConfigProblem {
  /** The file (or the source name given to `parseConfigText`). */
  file: string;
  line: number;
  column: number;
  /** The dotted config path, e.g. `probes.db.port`; empty for the whole document. */
  path: string;
  /** What is wrong, without the location and path. */
  message: string;
}

/**
 * Renders a config path for people: `probes.db.port`, `probes["db primary"].port`,
 * `probes.web.expectStatus[1]`.
 *
 * @example
 * ```ts
 * formatPath(["probes", "db.main", "port"]); // 'probes["db.main"].port'
 * ```
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(String(segment)))
      out += out ? `.${String(segment)}` : String(segment);
    // Probe names may contain dots, which would make a dotted path ambiguous.
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** One problem as a line: `FILE:LINE:COL: PATH: MESSAGE` (no `PATH: ` for the whole document). */
export function formatProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ""}${p.message}`;
}

/** Problems in file order. */
export function sortProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort((a, b) => a.line - b.line || a.column - b.column);
}

/**
 * The error to throw for `problems`: its message is every problem, one a line, in file order,
 * and `details` holds the same problems as data.
 *
 * @example
 * ```ts
 * throw problemsError(ConfigInvalidError, problems);
 * ```
 */
export function problemsError<E extends Error>(
  ErrorClass: new (message: string, options?: { details?: unknown }) => E,
  problems: readonly ConfigProblem[],
): E {
  const sorted = sortProblems(problems);
  return new ErrorClass(sorted.map(formatProblem).join("\n"), { details: sorted });
}
