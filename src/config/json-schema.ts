/**
 * The JSON Schema of the configuration file, for editors (YAML language server), CI checks and
 * `tandem config schema`. Generated from the zod schema; `schema/tandem.schema.json` is a
 * committed copy that a test keeps in step.
 */
import { z } from "zod";
import { configSchema } from "./schema.js";

/** The `$id` of the configuration JSON Schema. */
export const CONFIG_SCHEMA_ID = "urn:tandem-ha:config";

/** A JSON Schema node, loosely typed: we only read well-known keywords. */
export type JsonSchema = Record<string, unknown>;

let cached: JsonSchema | undefined;

/**
 * The JSON Schema (draft 2020-12) of the configuration file as written — durations as
 * `anyOf: [integer ≥ 0, duration string]`, defaults as they would be written. The output is
 * the same on every call and every machine.
 *
 * @example
 * ```ts
 * writeFileSync("tandem.schema.json", `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
 * ```
 */
export function configJsonSchema(): JsonSchema {
  cached ??= build();
  return structuredClone(cached);
}

function build(): JsonSchema {
  const generated = z.toJSONSchema(configSchema, {
    io: "input",
    override: ({ jsonSchema }) => {
      // zod bounds every integer by the safe range; that says nothing to a person.
      if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
      if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
    },
  }) as JsonSchema;
  const { $schema, title, ...rest } = generated;
  return { $schema, $id: CONFIG_SCHEMA_ID, title, ...rest };
}
