// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${NAME}" is the config syntax under test, not a placeholder.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigInvalidError, ConfigSecretError } from "../errors.js";
import { rejection, useTempDir } from "./config.test-helpers.js";
import { parseTemplate } from "./interpolate.js";
import { parseConfigText } from "./load.js";

const tempDir = useTempDir();

/** A config with one sql probe whose fields are given as YAML lines. */
function sql(...fields: string[]): string {
  return [
    "probes:",
    "  db:",
    "    kind: sql",
    "    driver: postgres",
    ...fields.map((f) => `    ${f}`),
    "",
  ].join("\n");
}

describe("parseTemplate", () => {
  it("splits text and references", () => {
    expect(parseTemplate("a ${X} b ${Y:-d} c ${file:/run/s}")).toEqual([
      { kind: "text", text: "a " },
      { kind: "env", name: "X", fallback: undefined, source: "${X}" },
      { kind: "text", text: " b " },
      { kind: "env", name: "Y", fallback: "d", source: "${Y:-d}" },
      { kind: "text", text: " c " },
      { kind: "file", path: "/run/s", source: "${file:/run/s}" },
    ]);
  });

  it("turns $${ into a literal ${ and leaves other dollars alone", () => {
    expect(parseTemplate("$${X} costs $5 and $$")).toEqual([
      { kind: "text", text: "${X} costs $5 and $$" },
    ]);
  });

  it("rejects malformed references", () => {
    for (const bad of ["${}", "${A B}", "${1X}", "${X", "${file:relative/path}", "${X:default}"]) {
      expect(parseTemplate(bad), bad).toHaveProperty("error");
    }
  });
});

describe("interpolation", () => {
  it("replaces ${NAME} with the environment variable", async () => {
    const { config } = await parseConfigText(
      sql("url: postgres://${DB_HOST}:5432/x", "password: ${DB_PW}"),
      "t.yaml",
      {
        env: { DB_HOST: "10.0.0.5", DB_PW: "pw" },
      },
    );
    expect(config.probes.db).toMatchObject({ url: "postgres://10.0.0.5:5432/x", password: "pw" });
  });

  it("reports an unset variable as ConfigSecretError naming it and where it is used", async () => {
    const err = await rejection(
      parseConfigText(sql("url: postgres://h/x", "password: ${DB_PW}"), "t.yaml", { env: {} }),
    );
    expect(err).toBeInstanceOf(ConfigSecretError);
    expect(err.code).toBe("TANDEM_ERR_CONFIG_SECRET");
    expect(err.message).toBe(
      't.yaml:6:15: probes.db.password: environment variable "DB_PW" is not set',
    );
    expect(err.details).toEqual([
      {
        file: "t.yaml",
        line: 6,
        column: 15,
        path: "probes.db.password",
        message: 'environment variable "DB_PW" is not set',
      },
    ]);
  });

  it("uses ${NAME:-default} when the variable is unset or empty, and the variable otherwise", async () => {
    const text = sql(
      "url: ${URL:-postgres://localhost/x}",
      "query: ${Q:-SELECT 2}",
      "expect: ${E:-}",
    );
    const unset = await parseConfigText(text, "t.yaml", { env: { Q: "" } });
    expect(unset.config.probes.db).toMatchObject({
      url: "postgres://localhost/x",
      query: "SELECT 2",
      expect: "",
    });
    const set = await parseConfigText(text, "t.yaml", {
      env: { URL: "mysql://db/y", Q: "SELECT 3", E: "1" },
    });
    expect(set.config.probes.db).toMatchObject({
      url: "mysql://db/y",
      query: "SELECT 3",
      expect: "1",
    });
  });

  it("keeps a number-looking result a string, for the schema to judge", async () => {
    const ok = await parseConfigText(sql("url: postgres://h/x", "expect: ${N}"), "t.yaml", {
      env: { N: "42" },
    });
    expect(ok.config.probes.db).toMatchObject({ expect: "42" });
    const err = await rejection(
      parseConfigText("probes:\n  t: { kind: tcp, port: '${PORT}' }\n", "t.yaml", {
        env: { PORT: "5060" },
      }),
    );
    expect(err).toBeInstanceOf(ConfigInvalidError);
    expect(err.message).toBe(
      't.yaml:2:25: probes.t.port: expected an integer from 1 to 65535, got a string from "${PORT}"',
    );
  });

  it("reads ${file:PATH}, dropping one final newline", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "pw"), "line1\nline2\n\n");
    await writeFile(join(dir, "crlf"), "abc\r\n");
    const text = sql(
      `url: postgres://h/x`,
      `password: \${file:${dir}/pw}`,
      `expect: "[\${file:${dir}/crlf}]"`,
    );
    const { config } = await parseConfigText(text, "t.yaml");
    expect(config.probes.db).toMatchObject({ password: "line1\nline2\n", expect: "[abc]" });
  });

  it("reports a missing or unreadable secret file with its path, the OS reason and the location", async () => {
    const dir = await tempDir();
    await mkdir(join(dir, "a-dir"));
    const text = sql(`url: \${file:${dir}/a-dir}`, `password: \${file:${dir}/missing}`);
    const err = await rejection(parseConfigText(text, "t.yaml"));
    expect(err).toBeInstanceOf(ConfigSecretError);
    expect(err.message.split("\n")).toEqual([
      `t.yaml:5:10: probes.db.url: cannot read secret file "${dir}/a-dir": illegal operation on a directory (EISDIR)`,
      `t.yaml:6:15: probes.db.password: cannot read secret file "${dir}/missing": no such file or directory (ENOENT)`,
    ]);
  });

  it("escapes $${ to a literal ${ without looking anything up", async () => {
    const { config } = await parseConfigText(
      sql("url: postgres://h/x", "query: SELECT '$${NOT_A_VAR}'"),
      "t.yaml",
      {
        env: {},
      },
    );
    expect(config.probes.db).toMatchObject({ query: "SELECT '${NOT_A_VAR}'" });
  });

  it("reports malformed references as ConfigInvalidError at the value", async () => {
    const err = await rejection(parseConfigText(sql("url: ${DB URL}"), "t.yaml"));
    expect(err).toBeInstanceOf(ConfigInvalidError);
    expect(err.message).toBe(
      't.yaml:5:10: probes.db.url: invalid reference "${DB URL}": expected ${NAME}, ${NAME:-default} or ${file:/absolute/path} (write $${ for a literal "${")',
    );
  });

  it("does not echo a malformed reference in a secret value", async () => {
    const err = await rejection(
      parseConfigText(sql("url: postgres://h/x", 'password: "pa${ss"'), "t.yaml"),
    );
    expect(err.message).toBe(
      "t.yaml:6:15: probes.db.password: invalid reference in a secret value (not shown)",
    );
  });

  it("does not touch keys, comments, numbers or booleans", async () => {
    const text = "# ${COMMENT}\nprobes:\n  t: { kind: tcp, port: 1, description: ok } # ${X}\n";
    const { config } = await parseConfigText(text, "t.yaml", { env: {} });
    expect(config.probes.t).toMatchObject({ description: "ok" });
    const err = await rejection(
      parseConfigText("probes:\n  ${NAME}: { kind: memory }\n", "t.yaml", { env: {} }),
    );
    expect(err.message).toContain('invalid name "${NAME}"');
  });
});
