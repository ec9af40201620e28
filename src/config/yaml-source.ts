/**
 * A parsed YAML configuration that remembers where every value came from, so that schema
 * issues (which only know a path like `probes.db.port`) can be reported at a line and column.
 */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
} from "yaml";
import { ConfigInvalidError } from "../errors.js";
import { type ConfigProblem, problemsError } from "./problem.js";

/** Where a config path leads in the YAML document. */
export interface Located {
  /** The value node at the end of the existing part of the path (aliases resolved). */
  node: Node | undefined;
  /** The key node of the last mapping entry followed, if the last step was a mapping key. */
  key: Node | undefined;
  /** How many leading path segments exist in the document. */
  depth: number;
}

/** A YAML document with its source name and line index. */
export class YamlSource {
  /** The file name used in messages. */
  readonly file: string;
  /** The parsed document; interpolation rewrites its string scalars in place. */
  readonly doc: Document.Parsed;
  readonly #lines: LineCounter;

  private constructor(file: string, doc: Document.Parsed, lines: LineCounter) {
    this.file = file;
    this.doc = doc;
    this.#lines = lines;
  }

  /**
   * Parses `text` as a single YAML document.
   *
   * @throws ConfigInvalidError on a syntax error, a duplicate key, several documents or an
   * empty file; each problem is reported as `FILE:LINE:COL: reason`.
   */
  static parse(text: string, file: string): YamlSource {
    const lines = new LineCounter();
    // prettyErrors would append an excerpt of the source, which may hold a password.
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const source = new YamlSource(file, doc, lines);
    const problems = doc.errors.map((e) =>
      source.problemAt(e.pos[0], "", syntaxMessage(doc, e.code, e.message, e.pos[0])),
    );
    if (problems.length === 0 && doc.contents === null) {
      problems.push(
        source.problemAt(
          0,
          "",
          'the file is empty; expected a mapping of settings such as "probes:"',
        ),
      );
    }
    if (problems.length > 0) throw problemsError(ConfigInvalidError, problems);
    return source;
  }

  /**
   * The document as plain data (mapping keys become strings).
   *
   * @throws ConfigInvalidError for an alias whose anchor does not exist, or too many aliases
   * (a "billion laughs" document).
   */
  toJS(): unknown {
    const problems: ConfigProblem[] = [];
    visit(this.doc, {
      Alias: (_, alias) => {
        if (alias.resolve(this.doc) === undefined) {
          const name = alias.source;
          problems.push(
            this.problemAt(
              alias.range?.[0] ?? 0,
              "",
              `unknown alias "*${name}" (an anchor "&${name}" must come before it)`,
            ),
          );
        }
      },
    });
    if (problems.length > 0) throw problemsError(ConfigInvalidError, problems);
    try {
      return this.doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      const problem = this.problemAt(0, "", err instanceof Error ? err.message : String(err));
      throw problemsError(ConfigInvalidError, [problem]);
    }
  }

  /** Warnings from the YAML parser (e.g. an unknown tag), located. */
  warnings(): ConfigProblem[] {
    return this.doc.warnings.map((w) => this.problemAt(w.pos[0], "", w.message));
  }

  /** A problem at a character offset of the source. */
  problemAt(offset: number, path: string, message: string): ConfigProblem {
    const { line, col } = this.#lines.linePos(offset);
    return { file: this.file, line, column: col, path, message };
  }

  /** A problem at a node; an empty value (`port:`) has no text of its own, so `fallback` is used. */
  problemAtNode(
    node: Node | undefined,
    fallback: Node | undefined,
    path: string,
    message: string,
  ): ConfigProblem {
    const empty = isScalar(node) && node.value === null && node.range?.[0] === node.range?.[1];
    const at = empty || !node?.range ? (fallback ?? node) : node;
    return this.problemAt(at?.range?.[0] ?? 0, path, message);
  }

  /**
   * Follows `path` through mappings and sequences (and aliases) as far as it exists.
   *
   * @example
   * ```ts
   * source.locate(["probes", "db", "port"]).node; // the scalar node of the port
   * ```
   */
  locate(path: readonly PropertyKey[]): Located {
    let node: Node | undefined = resolve(this.doc, this.doc.contents ?? undefined);
    let key: Node | undefined;
    let depth = 0;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => keyText(p.key) === String(segment));
        if (!pair) break;
        key = isScalar(pair.key) ? pair.key : undefined;
        node = resolve(this.doc, (pair.value as Node | null) ?? undefined);
      } else if (isSeq(node) && typeof segment === "number" && segment < node.items.length) {
        key = undefined;
        node = resolve(this.doc, node.items[segment] as Node | undefined);
      } else {
        break;
      }
      depth++;
    }
    return { node, key, depth };
  }
}

/** The text of a mapping key as the config sees it (`toJS` turns scalar keys into strings). */
export function keyText(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined;
}

function resolve(doc: Document.Parsed, node: Node | undefined): Node | undefined {
  return isAlias(node) ? (node.resolve(doc) ?? node) : node;
}

/** yaml's reason, made more specific where it helps. */
function syntaxMessage(
  doc: Document.Parsed,
  code: string,
  message: string,
  offset: number,
): string {
  if (code === "DUPLICATE_KEY") {
    let name: string | undefined;
    visit(doc, {
      Pair(_, pair) {
        if (isScalar(pair.key) && pair.key.range?.[0] === offset) {
          name = String(pair.key.value);
          return visit.BREAK;
        }
        return undefined;
      },
    });
    return name === undefined ? "duplicate key" : `duplicate key ${JSON.stringify(name)}`;
  }
  if (code === "MULTIPLE_DOCS")
    return 'expected a single YAML document, found a second one (remove the "---" line)';
  return message;
}
