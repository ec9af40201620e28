import { describe, expect, it } from "vitest";
import { createMemoryChecker } from "./memory.js";

const ctx = { probeName: "memory", hostname: "test", timeoutMs: 1000 };
const check = (minAvailablePercent: number) =>
  createMemoryChecker({ kind: "memory", minAvailablePercent }, ctx).check(
    new AbortController().signal,
  );

describe("memory probe", () => {
  it("passes with a threshold of 0%", async () => {
    const result = await check(0);
    expect(result.status).toBe("ok");
    expect(result.message).toMatch(
      /^memory \d+\.\d% available \(\d+\.\d of \d+\.\d GiB; min 0%\)$/,
    );
  });

  it("fails with a threshold of 100%", async () => {
    const result = await check(100);
    expect(result.status).toBe("fail");
    expect(result.message).toMatch(/; min 100%\)$/);
  });
});
