// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${NAME}" is the config syntax under test, not a placeholder.
/**
 * Resolved secrets and values of secret keys must never reach an error message, whatever they
 * contain and wherever validation fails.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rejection, useTempDir } from "./config.test-helpers.js";
import { parseConfigText } from "./load.js";

const tempDir = useTempDir();

// Every secret starts with this, so a leak of any prefix of it is caught, and it never
// occurs in a message by chance.
const MARK = "Qz7Secret";

/** YAML documents holding `secret` (as a YAML value) somewhere, each invalid for another reason too. */
const placements: ((
  secret: string,
  file: string,
) => { text: string; env: Record<string, string> })[] = [
  // A literal password next to a wrong port.
  (s) => ({
    text: `probes:\n  db:\n    kind: sql\n    driver: mysql\n    url: mysql://h/x\n    password: ${s}\n    query: 5\n`,
    env: {},
  }),
  // A password that is itself the wrong type is impossible for a string, so: a misspelt password key.
  (s) => ({
    text: `probes:\n  db:\n    kind: sql\n    driver: mysql\n    url: mysql://h/x\n    passwrd: ${s}\n`,
    env: {},
  }),
  // A secret from the environment in a field that rejects it.
  () => ({
    text: "probes:\n  db:\n    kind: sql\n    driver: mysql\n    url: ${DB_URL}\n",
    env: { DB_URL: "" },
  }),
  () => ({ text: "probes:\n  t:\n    kind: tcp\n    port: ${PORT}\n", env: { PORT: "" } }),
  // A secret from a file in a field that rejects it.
  (_, file) => ({ text: `probes:\n  w:\n    kind: http\n    url: \${file:${file}}\n`, env: {} }),
  // An authorization header next to a bad URL.
  (s) => ({
    text: `probes:\n  w:\n    kind: http\n    url: nope\n    headers:\n      Authorization: ${s}\n`,
    env: {},
  }),
  // A password in a URL.
  (s) => ({
    text: `probes:\n  w:\n    kind: http\n    url: ${JSON.stringify(`ftp://u:${s}@h/`)}\n`,
    env: {},
  }),
  // A literal password that happens to hold a malformed reference ("${ " never starts a valid one).
  (s) => ({
    text: `probes:\n  db:\n    kind: tcp\n    port: 1\n    password: ${JSON.stringify(`\${ ${JSON.parse(s)}`)}\n`,
    env: {},
  }),
  // A syntax error after the secret.
  (s) => ({ text: `probes:\n  db:\n    password: ${s}\n    kind: [tcp\n`, env: {} }),
];

describe("secrets in error messages", () => {
  it("never appear, for any secret and any place", async () => {
    const file = join(await tempDir(), "secret");
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 0, maxLength: 80, unit: "grapheme" }),
        fc.nat(placements.length - 1),
        async (tail, which) => {
          const secret = `${MARK}${tail}`;
          await writeFile(file, `${secret}\n`);
          const place = placements[which] as (typeof placements)[number];
          const { text, env } = place(JSON.stringify(secret), file);
          const err = await rejection(
            parseConfigText(text, "t.yaml", {
              env: Object.fromEntries(Object.keys(env).map((k) => [k, secret])),
            }),
          );
          const everything = `${err.message}\n${JSON.stringify(err.details)}\n${String(err.stack)}`;
          expect(everything).not.toContain(MARK);
        },
      ),
      { numRuns: 300 },
    );
  });
});
