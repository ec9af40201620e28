import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { clusterSchema } from "../config/schema.js";
import { PUBLISHED_SECRETS, secretCheck } from "./secret.js";

const ROOT = join(import.meta.dirname, "../..");

function cluster(secret: string, host: string) {
  return clusterSchema.parse({
    secret,
    nodes: [
      { name: "a", rank: 1, api: `http://${host}:7701` },
      { name: "b", rank: 2, api: "http://127.0.0.1:7702" },
    ],
  });
}

function filesIn(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesIn(p) : /\.(md|ya?ml)$/.test(n) ? [p] : [];
  });
}

describe("secretCheck", () => {
  it("FAILs the demo secret on a real address, WARNs it on loopback", () => {
    expect(secretCheck("a", cluster("demo-pair-secret-change-me", "10.0.0.11"))).toMatchObject({
      id: "a/secret",
      status: "fail",
      message: expect.stringContaining("published demo secret on a non-loopback address"),
      fix: expect.stringContaining("openssl rand -hex 32"),
    });
    expect(secretCheck("a", cluster("demo-pair-secret-change-me", "127.0.0.1")).status).toBe(
      "warn",
    );
  });

  it("WARNs a short or repetitive secret, never showing it", () => {
    const weak = secretCheck("a", cluster("aaaaaaaaaaaaaaaaaaaaaaaaaaaa", "10.0.0.11"));
    expect(weak.status).toBe("warn");
    expect(weak.message).not.toContain("aaaa");
    expect(secretCheck("a", cluster("9f86d081884c7d659a2feaa0c55ad015", "10.0.0.11")).status).toBe(
      "ok",
    );
  });

  it("knows every literal cluster secret the docs and examples show", () => {
    const shown = new Set<string>();
    for (const file of [...filesIn(join(ROOT, "docs")), ...filesIn(join(ROOT, "examples"))]) {
      for (const m of readFileSync(file, "utf8").matchAll(
        /^\s*secret:\s*("?)([^\s"#$]+)\1\s*(#.*)?$/gm,
      )) {
        if (m[2] !== "<redacted>") shown.add(m[2] as string);
      }
    }
    expect(shown.size).toBeGreaterThan(0);
    for (const s of shown) expect(PUBLISHED_SECRETS, s).toContain(s);
  });
});
