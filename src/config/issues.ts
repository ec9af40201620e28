/**
 * Turns zod issues into located, readable problems: one per issue (one per unknown key),
 * each saying where, what was expected and what was found.
 */
import { isCollection } from "yaml";
import type { z } from "zod";
import { didYouMean } from "./did-you-mean.js";
import { allowedKeys, describeSchema, discriminator, schemaAt } from "./expected.js";
import type { Templates } from "./interpolate.js";
import type { JsonSchema } from "./json-schema.js";
import { type ConfigProblem, formatPath } from "./problem.js";
import { isSecretPath, kindOf, showValue } from "./values.js";
import type { YamlSource } from "./yaml-source.js";

/**
 * Pass `{ error: () => NO_MESSAGE }` to `safeParse`: issues whose schema gave no message of its
 * own then carry this marker, and get a message written here instead of zod's default.
 */
export const NO_MESSAGE = "\u0000tandem:no-message";

/** What {@link issueProblems} needs to know besides the issues. */
export interface IssueContext {
  /** The parsed YAML, to locate paths. */
  source: YamlSource;
  /** Values that came from `${...}`: shown by their reference, never by value. */
  templates: Templates;
  /** The data that was validated (the YAML as plain values). */
  data: unknown;
  /** The configuration JSON Schema, to say what was expected. */
  schema: JsonSchema;
}

type Issue = z.core.$ZodIssue;

/**
 * One located problem per issue (unknown keys: one per key), in file order, without duplicates.
 *
 * @example
 * ```ts
 * const result = configSchema.safeParse(data, { error: () => NO_MESSAGE });
 * if (!result.success) issueProblems(result.error.issues, { source, templates, data, schema });
 * // [{ file: "tandem.yaml", line: 7, column: 11, path: "probes.db.port",
 * //    message: 'expected an integer from 1 to 65535, got "abc"' }]
 * ```
 */
export function issueProblems(issues: readonly Issue[], ctx: IssueContext): ConfigProblem[] {
  const seen = new Set<string>();
  const out: ConfigProblem[] = [];
  for (const issue of issues) {
    for (const problem of explain(issue, [], ctx)) {
      const id = `${problem.line}:${problem.column}:${problem.path}:${problem.message}`;
      if (!seen.has(id)) out.push(problem);
      seen.add(id);
    }
  }
  return out;
}

function explain(issue: Issue, prefix: readonly PropertyKey[], ctx: IssueContext): ConfigProblem[] {
  const path = [...prefix, ...issue.path];
  const value = valueAt(ctx.data, path);
  const own = issue.message === NO_MESSAGE ? undefined : issue.message;
  const expected = () => describeSchema(schemaAt(ctx.schema, path, ctx.data));

  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = allowedKeys(schemaAt(ctx.schema, path, ctx.data));
      return issue.keys.map((key) => {
        const hint = suggestion(key, allowed);
        const list = allowed.length > 0 ? ` (expected one of: ${allowed.join(", ")})` : "";
        return atKey(ctx, [...path, key], path, `unknown key ${JSON.stringify(key)}${list}${hint}`);
      });
    }
    case "invalid_union": {
      if (issue.discriminator !== undefined) return [unknownDiscriminator(ctx, path, value)];
      // A branch whose only complaint is "wrong type" was not what the user meant; if exactly
      // one branch got further, its issues are the useful ones.
      const closer = issue.errors.filter(
        (b) => !b.every((i) => i.code === "invalid_type" && i.path.length === 0),
      );
      const [only] = closer;
      if (closer.length === 1 && only) return only.flatMap((inner) => explain(inner, path, ctx));
      return [atValue(ctx, path, `expected ${expected()}, got ${got(ctx, path, value)}`)];
    }
    case "invalid_key": {
      const name = String(path[path.length - 1]);
      const inner = issue.issues[0];
      const why = inner && inner.message !== NO_MESSAGE ? `: ${inner.message}` : "";
      return [atKey(ctx, path, path.slice(0, -1), `invalid name ${JSON.stringify(name)}${why}`)];
    }
    case "invalid_type": {
      if (value === undefined && missing(ctx, path)) {
        const key = String(path[path.length - 1]);
        return [
          atKey(
            ctx,
            path.slice(0, -1),
            path.slice(0, -1),
            `missing required key ${JSON.stringify(key)}`,
          ),
        ];
      }
      return [
        atValue(ctx, path, `${own ?? `expected ${expected()}`}, got ${got(ctx, path, value)}`),
      ];
    }
    case "invalid_value": {
      const options = issue.values.map((v) =>
        typeof v === "string" ? JSON.stringify(v) : String(v),
      );
      const hint =
        typeof value === "string" && !isSecretPath(path)
          ? suggestion(
              value,
              issue.values.filter((v): v is string => typeof v === "string"),
            )
          : "";
      const message =
        own ?? `expected ${options.length === 1 ? options[0] : `one of ${options.join(", ")}`}`;
      return [atValue(ctx, path, `${message}, got ${got(ctx, path, value)}${hint}`)];
    }
    default: {
      // too_small, too_big, invalid_format, not_multiple_of, custom, invalid_element: the
      // schema's own message when it has one, else what the schema accepts.
      const message = own ?? `expected ${expected()}`;
      // "got a mapping" adds nothing to a rule about a whole mapping (e.g. "exactly one of ...").
      const mapping = typeof value === "object" && value !== null && !Array.isArray(value);
      return [atValue(ctx, path, mapping ? message : `${message}, got ${got(ctx, path, value)}`)];
    }
  }
}

/** No probe `kind`, or one that does not exist. */
function unknownDiscriminator(
  ctx: IssueContext,
  path: readonly PropertyKey[],
  value: unknown,
): ConfigProblem {
  const parent = path.slice(0, -1);
  const tag = discriminator(schemaAt(ctx.schema, parent, undefined));
  const key = String(path[path.length - 1]);
  const kinds = (tag?.values ?? []).map(String);
  const list = ` (expected one of: ${kinds.join(", ")})`;
  if (value === undefined)
    return atKey(ctx, parent, parent, `missing required key ${JSON.stringify(key)}${list}`);
  const hint = typeof value === "string" ? suggestion(value, kinds) : "";
  return atValue(ctx, path, `unknown ${key} ${got(ctx, path, value)}${list}${hint}`);
}

/** How the bad value is shown: by its `${...}` reference if it has one, hidden if secret. */
function got(ctx: IssueContext, path: readonly PropertyKey[], value: unknown): string {
  if (isSecretPath(path)) return `${kindOf(value)} (not shown)`;
  const { node, depth } = ctx.source.locate(path);
  const template = depth === path.length && node ? ctx.templates.get(node) : undefined;
  if (template !== undefined) return `a string from ${showValue(template)}`;
  return showValue(value);
}

function suggestion(word: string, candidates: readonly string[]): string {
  const match = didYouMean(word, candidates);
  return match === undefined ? "" : ` — did you mean ${JSON.stringify(match)}?`;
}

/** A problem at the value of `path` (at its key when the value is a mapping or list). */
function atValue(ctx: IssueContext, path: readonly PropertyKey[], message: string): ConfigProblem {
  const { node, key, depth } = ctx.source.locate(path);
  const at = depth === path.length && !isCollection(node) ? node : (key ?? node);
  return ctx.source.problemAtNode(at, key, formatPath(path), message);
}

/** A problem at the key that leads to `keyPath` (for unknown keys and names), shown under `shownPath`. */
function atKey(
  ctx: IssueContext,
  keyPath: readonly PropertyKey[],
  shownPath: readonly PropertyKey[],
  message: string,
): ConfigProblem {
  const { node, key } = ctx.source.locate(keyPath);
  return ctx.source.problemAtNode(key ?? node, node, formatPath(shownPath), message);
}

/** True when the last key of `path` is absent from its (existing) mapping. */
function missing(ctx: IssueContext, path: readonly PropertyKey[]): boolean {
  const parent = valueAt(ctx.data, path.slice(0, -1));
  return (
    typeof parent === "object" &&
    parent !== null &&
    !Object.hasOwn(parent, path[path.length - 1] as PropertyKey)
  );
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const segment of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}
