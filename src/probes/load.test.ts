import { describe, expect, it } from "vitest";
import { createLoadChecker } from "./load.js";

const ctx = { probeName: "load", hostname: "test", timeoutMs: 1000 };
const check = (maxPerCore: number, window: 1 | 5 | 15 = 1) =>
  createLoadChecker({ kind: "load", maxPerCore, window }, ctx).check(new AbortController().signal);

describe("load probe", () => {
  it("passes below the threshold", async () => {
    const result = await check(1000, 15);
    expect(result.status).toBe("ok");
    expect(result.message).toMatch(
      /^load \d+\.\d\d per CPU \(\d+\.\d\d on \d+ CPUs, 15 min; max 1000\)$/,
    );
  });

  it("fails above a tiny threshold", async () => {
    // Any load at all exceeds it; this very test run (and the build before it) is load.
    const result = await check(Number.MIN_VALUE);
    expect(result.status).toBe("fail");
    expect(result.message).toMatch(/, 1 min; max 5e-324\)$/);
  });
});
