import { describe, expect, it } from "vitest";
import { operatorsSchema } from "../config/ui-schema.js";
import { hashPassword, verifyPassword } from "./password.js";

describe("console passwords", () => {
  it("verifies the right password and refuses a wrong one; each hash has its own salt", async () => {
    const h1 = await hashPassword("correct horse");
    const h2 = await hashPassword("correct horse");
    expect(h1).toMatch(/^scrypt\$N=32768,r=8,p=1\$/);
    expect(h1).not.toBe(h2);
    expect(await verifyPassword("correct horse", h1)).toBe(true);
    expect(await verifyPassword("correct horsf", h1)).toBe(false);
    expect(operatorsSchema.parse({ alice: h1 })).toEqual({ alice: h1 });
  });

  it("refuses strings that are not its hashes", async () => {
    expect(await verifyPassword("x", "plain-text")).toBe(false);
    expect(await verifyPassword("x", "scrypt$N=1000,r=8,p=1$AAAA$AAAA")).toBe(false);
    expect(() => operatorsSchema.parse({ alice: "hunter2" })).toThrow(/tandem operator add/);
  });
});
