/**
 * The committed `schema/tandem.schema.json` and `docs/config.md` must be what the code
 * generates; otherwise editors and readers see a schema that is not the one enforced.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { configJsonSchema } from "./json-schema.js";
import { configReference } from "./reference.js";

const root = new URL("../../", import.meta.url);

async function committed(file: string): Promise<string | undefined> {
  return readFile(fileURLToPath(new URL(file, root)), "utf8").catch(() => undefined);
}

describe("generated files", () => {
  it.each([
    ["schema/tandem.schema.json", () => `${JSON.stringify(configJsonSchema(), null, 2)}\n`],
    ["docs/config.md", () => configReference()],
  ])("%s is up to date", async (file, generate) => {
    const text = await committed(file);
    expect(
      text === generate(),
      `${file} is out of date with src/config/schema.ts: run \`npm run gen\``,
    ).toBe(true);
  });
});
