import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfigText } from "../config/index.js";
import { redactText, secretsOf } from "./redact.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("secretsOf and redactText", () => {
  it("finds the cluster secret, operators' password hashes, secret-named values, URL passwords, file and env references", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tandem-redact-"));
    dirs.push(dir);
    writeFileSync(join(dir, "ami"), "ami-pass-from-file\n");
    const raw = [
      "probes:",
      '  db: { kind: sql, driver: mysql, url: "mysql://asterisk:url-pass-9@db:3306/x" }',
      `  web: { kind: http, url: "http://crm/", headers: { X-Api-Key: "\${file:${join(dir, "ami")}}" } }`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own reference syntax.
      '  pg: { kind: sql, driver: postgres, url: "postgres://u@h/x", password: "${PGPASS}" }',
      "cluster:",
      "  secret: the-cluster-secret-123",
      "  nodes:",
      '    - { name: a, rank: 1, api: "http://10.0.0.1:7701" }',
      '    - { name: b, rank: 2, api: "http://10.0.0.2:7701" }',
      "node: { name: a }",
      "operators:",
      '  alice: "scrypt$N=32768,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="',
    ].join("\n");
    const env = { PGPASS: "pg-env-pass" };
    const { config } = await parseConfigText(raw, "t.yaml", { env });
    const secrets = await secretsOf(config, raw, env);
    expect(secrets).toEqual(
      expect.arrayContaining([
        "the-cluster-secret-123",
        "url-pass-9",
        "ami-pass-from-file",
        "pg-env-pass",
        "scrypt$N=32768,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
      ]),
    );
    const leaked = `a "the-cluster-secret-123" b ami-pass-from-file c pg-env-pass d https://x:other-pw@h/`;
    expect(redactText(leaked, secrets)).toBe(
      'a "<redacted>" b <redacted> c <redacted> d https://x:<redacted>@h/',
    );
  });

  it("redacts JSON- and URL-encoded forms of a secret", () => {
    const secret = 'we"ird/se cret';
    const text = `${JSON.stringify({ s: secret })} ?q=${encodeURIComponent(secret)}`;
    expect(redactText(text, [secret])).toBe('{"s":"<redacted>"} ?q=<redacted>');
  });
});
