/**
 * The configuration reference (`docs/config.md`), written from the JSON Schema so that it
 * cannot say something the schema does not.
 */

import { DURATION_HINT } from "./duration.js";
import { exampleConfig } from "./example.js";
import { isDuration } from "./expected.js";
import { configJsonSchema, type JsonSchema } from "./json-schema.js";

const INTRO = `# Configuration reference

<!-- Generated from src/config/schema.ts by \`npm run gen\`. Do not edit by hand. -->

Tandem reads one YAML file. Every key is optional unless its default says **required**; a key
that is not listed here is an error, so a typo never goes unnoticed. Check a file with
\`tandem config check FILE\`. Editors that understand JSON Schema can validate and complete the
file with \`schema/tandem.schema.json\` (\`tandem config schema\` prints it).

**Durations** are milliseconds (\`1500\`) or a string with a unit: \`500ms\`, \`1.5s\`, \`2m\`, \`1h\`.

**References** in string values are replaced before the file is checked:

| Write | Becomes |
| --- | --- |
| \`\${NAME}\` | the environment variable \`NAME\`; an error if it is not set |
| \`\${NAME:-default}\` | the variable, or \`default\` when it is unset or empty |
| \`\${file:/path}\` | the content of the file, without one final newline; an error if it cannot be read |
| \`$\${\` | a literal \`\${\` |

A value that is only a reference is still a string: \`port: \${PORT}\` is not a number.
Resolved values never appear in error messages.
`;

/**
 * The Markdown configuration reference: an introduction, a section per top-level key, the
 * common probe fields and a subsection per probe kind (each with a key/type/default/description
 * table), and a full example. The same text on every call.
 *
 * @example
 * ```ts
 * writeFileSync("docs/config.md", configReference());
 * ```
 */
export function configReference(): string {
  const root = configJsonSchema();
  const out = [INTRO];
  for (const [key, node] of Object.entries(properties(root))) {
    out.push(`## \`${key}\`\n\n${description(node)}\n`);
    if (isObject(node.additionalProperties) && Array.isArray(node.additionalProperties.oneOf)) {
      out.push(...probeSections(node, node.additionalProperties.oneOf as JsonSchema[]));
    } else {
      out.push(table(node));
    }
  }
  out.push(`## Full example\n\n\`\`\`yaml\n${exampleConfig}\`\`\`\n`);
  return out.join("\n");
}

/** The `probes` map: common fields once, then one subsection per kind with its own fields. */
function probeSections(map: JsonSchema, kinds: JsonSchema[]): string[] {
  const first = kinds[0] ?? {};
  // Fields that every kind has with the same meaning, except the discriminator itself.
  const common = Object.keys(properties(first)).filter(
    (key) =>
      key !== "kind" &&
      kinds.every(
        (k) => JSON.stringify(properties(k)[key]) === JSON.stringify(properties(first)[key]),
      ),
  );
  const names =
    isObject(map.propertyNames) && typeof map.propertyNames.pattern === "string"
      ? map.propertyNames.pattern
      : "";
  const out = [
    `Each key is a probe name${names ? ` (matching \`${names}\`)` : ""}; each value a probe, whose \`kind\` says what it checks.\n`,
    `### Common probe fields\n\nEvery kind accepts these.\n`,
    table(first, common),
  ];
  // A common field that is itself a mapping (e.g. `restart`) gets its own table.
  for (const key of common) {
    const node = properties(first)[key] ?? {};
    if (Object.keys(properties(node)).length === 0) continue;
    out.push(`#### Probe field \`${key}\`\n\n${description(node)}\n`, table(node));
  }
  for (const kind of kinds) {
    const name = String(properties(kind).kind?.const);
    const own = Object.keys(properties(kind)).filter(
      (key) => key !== "kind" && !common.includes(key),
    );
    out.push(`### \`kind: ${name}\`\n\n${description(kind)}\n`);
    out.push(own.length > 0 ? table(kind, own) : "No fields besides the common ones.\n");
  }
  return out;
}

function table(object: JsonSchema, keys = Object.keys(properties(object))): string {
  const required = Array.isArray(object.required) ? (object.required as string[]) : [];
  const rows = keys.map((key) => {
    const node = properties(object)[key] ?? {};
    const def =
      "default" in node
        ? `\`${inline(node.default)}\``
        : required.includes(key)
          ? "**required**"
          : "—";
    return `| \`${key}\` | ${typeName(node)} | ${def} | ${cell(description(node))} |`;
  });
  return ["| Key | Type | Default | Description |", "| --- | --- | --- | --- |", ...rows, ""].join(
    "\n",
  );
}

/** A short type for the table: `integer 1–65535`, `duration`, `list of string`, `` `GET`, `HEAD` ``. */
function typeName(node: JsonSchema): string {
  if (isDuration(node)) return "duration";
  if ("const" in node) return `\`${inline(node.const)}\``;
  if (Array.isArray(node.enum)) return node.enum.map((v) => `\`${inline(v)}\``).join(", ");
  if (Array.isArray(node.anyOf)) return (node.anyOf as JsonSchema[]).map(typeName).join(" or ");
  switch (node.type) {
    case "integer":
    case "number":
      return `${node.type}${bounds(node)}`;
    case "string":
      return node.format === "uri" ? "URL" : "string";
    case "array":
      return `list of ${isObject(node.items) ? typeName(node.items) : "values"}`;
    case "object":
      return isObject(node.additionalProperties)
        ? `map of ${typeName(node.additionalProperties)}`
        : "mapping";
    default:
      return String(node.type ?? "any");
  }
}

function bounds(node: JsonSchema): string {
  const { minimum: min, maximum: max, exclusiveMinimum: above } = node;
  if (min !== undefined && max !== undefined) return ` ${min}–${max}`;
  if (above !== undefined) return ` > ${above}`;
  if (min !== undefined) return ` ≥ ${min}`;
  if (max !== undefined) return ` ≤ ${max}`;
  return "";
}

/** The description without the duration hint, which the introduction explains once. */
function description(node: JsonSchema): string {
  const text = typeof node.description === "string" ? node.description : "";
  return text.endsWith(` ${DURATION_HINT}`) ? text.slice(0, -DURATION_HINT.length - 1) : text;
}

function properties(node: JsonSchema): Record<string, JsonSchema> {
  return isObject(node.properties) ? (node.properties as Record<string, JsonSchema>) : {};
}

function inline(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
