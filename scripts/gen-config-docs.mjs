// Writes the committed copies of the generated configuration files from the compiled schema:
// schema/tandem.schema.json and docs/config.md. Run through `npm run gen` (which builds first);
// src/config/generated.test.ts fails when the copies are out of date.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { configJsonSchema, configReference } from "../dist/config/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));

const outputs = [
  ["schema/tandem.schema.json", `${JSON.stringify(configJsonSchema(), null, 2)}\n`],
  ["docs/config.md", configReference()],
];

for (const [file, text] of outputs) {
  const path = `${root}${file}`;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
  process.stdout.write(`wrote ${relative(process.cwd(), path)}\n`);
}
