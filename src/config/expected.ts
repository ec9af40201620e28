/**
 * What a place in the configuration expects, read from the JSON Schema: the keys a mapping
 * allows, and a phrase for people such as "an integer from 1 to 65535".
 *
 * The JSON Schema is the form of the schema that is stable and plain data; reading it here
 * keeps error messages, the reference and editors in agreement.
 */
import { DURATION_PATTERN } from "./duration.js";
import type { JsonSchema } from "./json-schema.js";

/**
 * The JSON Schema node that describes the value at `path`, or `undefined` if the schema has no
 * such place. `data` is the configuration as parsed; it picks the right probe kind.
 *
 * @example
 * ```ts
 * schemaAt(configJsonSchema(), ["probes", "db", "port"], { probes: { db: { kind: "tcp" } } });
 * // { type: "integer", minimum: 1, maximum: 65535, ... }
 * ```
 */
export function schemaAt(
  root: JsonSchema,
  path: readonly PropertyKey[],
  data: unknown,
): JsonSchema | undefined {
  let node: JsonSchema | undefined = root;
  let value = data;
  for (const segment of path) {
    if (!node) return undefined;
    node = childSchema(node, segment, value);
    value =
      isRecord(value) || Array.isArray(value)
        ? (value as Record<PropertyKey, unknown>)[segment]
        : undefined;
  }
  return node ? select(node, value) : undefined;
}

/** The keys a mapping node allows, in schema order (empty for free-form mappings). */
export function allowedKeys(node: JsonSchema | undefined): string[] {
  return isRecord(node?.properties) ? Object.keys(node.properties) : [];
}

/** For a `oneOf` of objects told apart by a `const` property (the probe `kind`): that property and its values. */
export function discriminator(
  node: JsonSchema | undefined,
): { key: string; values: unknown[] } | undefined {
  const options = Array.isArray(node?.oneOf) ? (node.oneOf as JsonSchema[]) : [];
  for (const key of allowedKeys(options[0])) {
    const values = options.map((o) => (o.properties as Record<string, JsonSchema>)[key]?.const);
    if (values.every((v) => v !== undefined)) return { key, values };
  }
  return undefined;
}

/**
 * A phrase for what `node` accepts, e.g. `an integer from 1 to 65535`, `one of "GET", "HEAD"`,
 * `a duration (milliseconds, or a string such as "500ms", "2s", "1m")`.
 */
export function describeSchema(node: JsonSchema | undefined): string {
  if (!node) return "a valid value";
  if (isDuration(node)) return 'a duration (milliseconds, or a string such as "500ms", "2s", "1m")';
  if ("const" in node) return quote(node.const);
  if (Array.isArray(node.enum)) return `one of ${node.enum.map(quote).join(", ")}`;
  const alternatives = (node.anyOf ?? node.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(alternatives)) {
    const tag = discriminator(node);
    if (tag) return `a mapping with "${tag.key}" set to one of ${tag.values.map(quote).join(", ")}`;
    return alternatives.map(describeSchema).join(" or ");
  }
  switch (node.type) {
    case "integer":
      return `an integer${range(node)}`;
    case "number":
      return `a number${range(node)}`;
    case "boolean":
      return "true or false";
    case "string":
      if (node.format === "uri") return "a URL";
      return node.minLength === 1 ? "a non-empty string" : "a string";
    case "array": {
      const item = isRecord(node.items) ? `, each ${describeSchema(node.items)}` : "";
      return `${node.minItems === 1 ? "a non-empty list" : "a list"}${item}`;
    }
    case "object":
      return "a mapping";
    default:
      return "a valid value";
  }
}

/** True for the `anyOf: [integer, duration string]` of a duration field. */
export function isDuration(node: JsonSchema): boolean {
  const options = node.anyOf;
  return Array.isArray(options) && options.some((o: JsonSchema) => o.pattern === DURATION_PATTERN);
}

function range(node: JsonSchema): string {
  const min = node.minimum as number | undefined;
  const max = node.maximum as number | undefined;
  const above = node.exclusiveMinimum as number | undefined;
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (above !== undefined) return ` above ${above}`;
  if (min !== undefined) return ` of at least ${min}`;
  if (max !== undefined) return ` of at most ${max}`;
  return "";
}

function childSchema(
  node: JsonSchema,
  segment: PropertyKey,
  value: unknown,
): JsonSchema | undefined {
  const chosen = select(node, value);
  if (isRecord(chosen.properties) && Object.hasOwn(chosen.properties, segment)) {
    return (chosen.properties as Record<PropertyKey, JsonSchema>)[segment];
  }
  if (isRecord(chosen.additionalProperties) && typeof segment === "string")
    return chosen.additionalProperties;
  if (isRecord(chosen.items) && typeof segment === "number") return chosen.items;
  for (const option of (chosen.anyOf ?? []) as JsonSchema[]) {
    const child = childSchema(option, segment, value);
    if (child) return child;
  }
  return undefined;
}

/**
 * The alternative that `value` selects: by its discriminator for a `oneOf` of probes, by its
 * type for an `anyOf` (a list given to `string or list` is judged as a list). Else the node.
 */
function select(node: JsonSchema, value: unknown): JsonSchema {
  const tag = discriminator(node);
  if (tag) {
    const index = isRecord(value) ? tag.values.indexOf(value[tag.key]) : -1;
    return index < 0 ? node : ((node.oneOf as JsonSchema[])[index] as JsonSchema);
  }
  // Durations are one idea written two ways; their description covers both.
  if (!Array.isArray(node.anyOf) || isDuration(node)) return node;
  const matching = (node.anyOf as JsonSchema[]).filter((option) => typeMatches(option.type, value));
  return matching.length === 1 ? (matching[0] as JsonSchema) : node;
}

function typeMatches(type: unknown, value: unknown): boolean {
  if (Array.isArray(value)) return type === "array";
  if (value === null) return type === "null";
  if (typeof value === "object") return type === "object";
  if (typeof value === "number")
    return type === "number" || (type === "integer" && Number.isInteger(value));
  return type === typeof value;
}

function quote(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
