/**
 * `${NAME}`, `${NAME:-default}` and `${file:/path}` references in string values, resolved
 * before validation so that secrets can stay out of the configuration file.
 *
 * Only string values are rewritten, never keys (keys are the structure the schema checks) and
 * never numbers or booleans. A resolved value is always a string, even when it looks like a
 * number: the schema decides what is acceptable. Resolved values never appear in messages.
 */
import { readFile } from "node:fs/promises";
import { isMap, isScalar, isSeq, type Node, type Scalar } from "yaml";
import { ConfigInvalidError, ConfigSecretError } from "../errors.js";
import { osReason } from "./os-reason.js";
import { type ConfigProblem, formatPath, problemsError } from "./problem.js";
import { isSecretPath } from "./values.js";
import { keyText, type YamlSource } from "./yaml-source.js";

/** A piece of a string value: literal text or a reference to resolve. */
export type TemplatePart =
  | { kind: "text"; text: string }
  | { kind: "env"; name: string; fallback: string | undefined; source: string }
  | { kind: "file"; path: string; source: string };

/**
 * Splits a string value into literal text and references, or returns the first malformed
 * reference as `{ error }`.
 *
 * @example
 * ```ts
 * parseTemplate("mysql://${DB_USER:-asterisk}@db");
 * // [{ kind: "text", text: "mysql://" },
 * //  { kind: "env", name: "DB_USER", fallback: "asterisk", source: "${DB_USER:-asterisk}" },
 * //  { kind: "text", text: "@db" }]
 * parseTemplate("cost: $${price}"); // [{ kind: "text", text: "cost: ${price}" }]
 * ```
 */
export function parseTemplate(value: string): TemplatePart[] | { error: string } {
  const parts: TemplatePart[] = [];
  let text = "";
  let i = 0;
  while (i < value.length) {
    if (value.startsWith("$${", i)) {
      text += "${";
      i += 3;
      continue;
    }
    if (!value.startsWith("${", i)) {
      text += value[i];
      i++;
      continue;
    }
    const end = value.indexOf("}", i + 2);
    const source = end < 0 ? value.slice(i) : value.slice(i, end + 1);
    const part = end < 0 ? undefined : parseReference(value.slice(i + 2, end), source);
    if (!part) {
      return {
        error: `invalid reference ${JSON.stringify(source)}: expected \${NAME}, \${NAME:-default} or \${file:/absolute/path} (write $\${ for a literal "\${")`,
      };
    }
    if (text) parts.push({ kind: "text", text });
    text = "";
    parts.push(part);
    i = end + 1;
  }
  if (text || parts.length === 0) parts.push({ kind: "text", text });
  return parts;
}

function parseReference(body: string, source: string): TemplatePart | undefined {
  if (body.startsWith("file:")) {
    const path = body.slice("file:".length);
    // The agent's working directory is not something an operator controls: paths are absolute.
    return path.startsWith("/") ? { kind: "file", path, source } : undefined;
  }
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s.exec(body);
  if (!match) return undefined;
  return { kind: "env", name: match[1] as string, fallback: match[2], source };
}

/** What interpolation changed: the original text of every value that held a reference. */
export type Templates = WeakMap<Node, string>;

/** Options for {@link interpolate}. */
export interface InterpolateOptions {
  /** Where `${NAME}` is looked up. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/**
 * Resolves every reference in the string values of `source.doc`, in place.
 *
 * Returns the original text of each rewritten value, so that messages about it can show
 * `"${DB_PORT}"` rather than the value.
 *
 * @throws ConfigInvalidError for a malformed reference (all of them, located).
 * @throws ConfigSecretError for unset variables and unreadable files (all of them, located;
 * the message names the variable or file, never a value).
 */
export async function interpolate(
  source: YamlSource,
  options: InterpolateOptions = {},
): Promise<Templates> {
  const env = options.env ?? process.env;
  const templates: Templates = new WeakMap();
  const invalid: ConfigProblem[] = [];
  const missing: ConfigProblem[] = [];
  const files = new Map<string, Promise<string>>();
  const pending: Promise<void>[] = [];

  for (const { scalar, path } of stringScalars(source.doc.contents ?? undefined, [])) {
    const original = scalar.value as string;
    if (!original.includes("${")) continue;
    const where = (message: string) =>
      source.problemAtNode(scalar, undefined, formatPath(path), message);
    const parts = parseTemplate(original);
    if ("error" in parts) {
      // The malformed text may be part of a literal password: do not echo it.
      invalid.push(
        where(isSecretPath(path) ? "invalid reference in a secret value (not shown)" : parts.error),
      );
      continue;
    }
    if (parts.some((p) => p.kind !== "text")) templates.set(scalar, original);
    pending.push(
      Promise.all(
        parts.map(async (part) => {
          if (part.kind === "text") return part.text;
          if (part.kind === "env") {
            const value = env[part.name];
            if (part.fallback !== undefined && (value === undefined || value === ""))
              return part.fallback;
            if (value !== undefined) return value;
            missing.push(where(`environment variable "${part.name}" is not set`));
            return "";
          }
          let content = files.get(part.path);
          if (!content) {
            content = readFile(part.path, "utf8");
            files.set(part.path, content);
          }
          try {
            return withoutFinalNewline(await content);
          } catch (err) {
            missing.push(where(`cannot read secret file "${part.path}": ${osReason(err)}`));
            return "";
          }
        }),
      ).then((resolved) => {
        scalar.value = resolved.join("");
      }),
    );
  }
  await Promise.all(pending);
  if (invalid.length > 0) throw problemsError(ConfigInvalidError, invalid);
  if (missing.length > 0) throw problemsError(ConfigSecretError, missing);
  return templates;
}

/** Secret files usually end with the newline an editor or `echo` added; it is not part of the secret. */
function withoutFinalNewline(text: string): string {
  if (text.endsWith("\r\n")) return text.slice(0, -2);
  if (text.endsWith("\n")) return text.slice(0, -1);
  return text;
}

/** Every string value (not key) under `node`, with its config path. */
function* stringScalars(
  node: Node | undefined,
  path: PropertyKey[],
): Generator<{ scalar: Scalar; path: PropertyKey[] }> {
  if (isScalar(node)) {
    if (typeof node.value === "string") yield { scalar: node, path };
  } else if (isMap(node)) {
    for (const pair of node.items) {
      yield* stringScalars((pair.value as Node | null) ?? undefined, [
        ...path,
        keyText(pair.key) ?? "?",
      ]);
    }
  } else if (isSeq(node)) {
    for (const [i, item] of node.items.entries()) yield* stringScalars(item as Node, [...path, i]);
  }
}
