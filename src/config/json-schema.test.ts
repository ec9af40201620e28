import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { DURATION_PATTERN } from "./duration.js";
import { EXAMPLE_ENV, exampleConfig } from "./example.js";
import { CONFIG_SCHEMA_ID, configJsonSchema, type JsonSchema } from "./json-schema.js";

const KINDS = [
  "http",
  "tcp",
  "sql",
  "file",
  "disk",
  "load",
  "memory",
  "process",
  "command",
  "sip",
  "asterisk",
];
const schema = configJsonSchema();
const probes = (schema.properties as Record<string, JsonSchema>).probes ?? {};
const probeOptions = (probes.additionalProperties as JsonSchema).oneOf as JsonSchema[];

/**
 * Checks `value` against the JSON Schema keywords our schema uses; returns the paths that fail.
 * Small on purpose: no JSON Schema validator is a dependency of the project.
 */
function violations(node: JsonSchema, value: unknown, path = "$"): string[] {
  const out: string[] = [];
  const fail = (why: string) => out.push(`${path}: ${why}`);
  if (
    Array.isArray(node.anyOf) &&
    !node.anyOf.some((o: JsonSchema) => violations(o, value).length === 0)
  )
    fail("anyOf");
  if (
    Array.isArray(node.oneOf) &&
    node.oneOf.filter((o: JsonSchema) => violations(o, value).length === 0).length !== 1
  ) {
    fail("oneOf");
  }
  if ("const" in node && node.const !== value) fail(`const ${String(node.const)}`);
  if (Array.isArray(node.enum) && !node.enum.includes(value)) fail("enum");
  const type = node.type;
  const actual = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
  if (type === "integer" && !Number.isInteger(value)) return [...out, `${path}: not an integer`];
  if (type !== undefined && type !== "integer" && type !== actual)
    return [...out, `${path}: not ${String(type)}`];
  if (typeof value === "number") {
    if (typeof node.minimum === "number" && value < node.minimum) fail("minimum");
    if (typeof node.maximum === "number" && value > node.maximum) fail("maximum");
    if (typeof node.exclusiveMinimum === "number" && value <= node.exclusiveMinimum)
      fail("exclusiveMinimum");
  }
  if (typeof value === "string") {
    if (typeof node.pattern === "string" && !new RegExp(node.pattern).test(value)) fail("pattern");
    if (typeof node.minLength === "number" && value.length < node.minLength) fail("minLength");
    if (node.format === "uri" && !URL.canParse(value)) fail("format");
  }
  if (Array.isArray(value)) {
    if (typeof node.minItems === "number" && value.length < node.minItems) fail("minItems");
    const items = node.items as JsonSchema | undefined;
    if (items)
      for (const [i, v] of value.entries()) out.push(...violations(items, v, `${path}[${i}]`));
  }
  if (actual === "object") {
    const obj = value as Record<string, unknown>;
    const props = (node.properties ?? {}) as Record<string, JsonSchema>;
    for (const key of (node.required ?? []) as string[]) if (!(key in obj)) fail(`missing ${key}`);
    for (const [key, v] of Object.entries(obj)) {
      if (node.propertyNames)
        out.push(...violations(node.propertyNames as JsonSchema, key, `${path}.${key} (name)`));
      const sub = props[key] ?? node.additionalProperties;
      if (sub === false) fail(`additional property ${key}`);
      else if (typeof sub === "object" && sub !== null)
        out.push(...violations(sub as JsonSchema, v, `${path}.${key}`));
    }
  }
  return out;
}

const fromYaml = (text: string) => parseDocument(text).toJS();

describe("configJsonSchema", () => {
  it("is draft 2020-12 with our $id and a title", () => {
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.$id).toBe(CONFIG_SCHEMA_ID);
    expect(schema.title).toBe("Tandem configuration");
    expect(schema.additionalProperties).toBe(false);
  });

  it("lists every probe kind, each a closed object", () => {
    expect(
      probeOptions.map((o) => (o.properties as Record<string, JsonSchema>).kind?.const),
    ).toEqual(KINDS);
    for (const option of probeOptions) {
      expect(option.type).toBe("object");
      expect(option.additionalProperties).toBe(false);
      expect(option.required).toContain("kind");
    }
  });

  it("writes durations as an integer or a duration string, with a description", () => {
    const http = probeOptions[0] as JsonSchema;
    const interval = (http.properties as Record<string, JsonSchema>).interval;
    expect(interval?.anyOf).toEqual([
      { type: "integer", minimum: 0 },
      { type: "string", pattern: DURATION_PATTERN },
    ]);
    expect(interval?.description).toMatch(
      /^Time between checks\. .*Milliseconds, or a string such as/,
    );
  });

  it("describes every property", () => {
    const missing: string[] = [];
    const walk = (node: JsonSchema, path: string) => {
      for (const [key, sub] of Object.entries(
        (node.properties ?? {}) as Record<string, JsonSchema>,
      )) {
        if (key !== "kind" && typeof sub.description !== "string") missing.push(`${path}.${key}`);
        walk(sub, `${path}.${key}`);
      }
      for (const option of (node.oneOf ?? []) as JsonSchema[])
        walk(option, `${path}(${String(option.title)})`);
      if (typeof node.additionalProperties === "object")
        walk(node.additionalProperties as JsonSchema, `${path}.*`);
    };
    walk(schema, "$");
    expect(missing).toEqual([]);
  });

  it("is the same on every call, and callers cannot change it", () => {
    const first = configJsonSchema();
    (first as { title: string }).title = "changed";
    expect(JSON.stringify(configJsonSchema())).toBe(JSON.stringify(schema));
  });

  it("accepts the documented example and the shipped Asterisk example", async () => {
    const asterisk = await readFile(
      fileURLToPath(new URL("../../examples/asterisk/tandem.yaml", import.meta.url)),
      "utf8",
    );
    for (const text of [exampleConfig, asterisk]) {
      // References are checked by the loader; here only the structure matters.
      let substituted = text;
      for (const name of EXAMPLE_ENV) substituted = substituted.replaceAll(`\${${name}}`, "secret");
      expect(violations(schema, fromYaml(substituted))).toEqual([]);
    }
  });

  it("rejects what the loader rejects: unknown keys, unknown kinds, wrong types", () => {
    const bad = fromYaml(`
probes:
  a: { kind: tcp, port: 1, intervall: 1s }
  b: { kind: nope }
  c: { kind: tcp, port: "80" }
  d: { kind: tcp, port: 1, interval: 5x }
  e: { kind: file, stamp: "" }
nodes: {}
`);
    expect(violations(schema, bad)).toEqual([
      "$.probes.a: oneOf",
      "$.probes.b: oneOf",
      "$.probes.c: oneOf",
      "$.probes.d: oneOf",
      "$.probes.e: oneOf",
      "$: additional property nodes",
    ]);
  });
});
