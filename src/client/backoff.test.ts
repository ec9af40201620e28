import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff.js";

describe("backoffDelay", () => {
  it("doubles from the initial delay up to the cap", () => {
    const none = { initialMs: 100, maxMs: 1000, jitter: 0 };
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffDelay(n, none))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it("draws the jittered share at random, never above the full delay", () => {
    const opts = { initialMs: 1000, jitter: 0.5 };
    expect(backoffDelay(0, opts, () => 0)).toBe(1000);
    expect(backoffDelay(0, opts, () => 0.999)).toBe(500);
    expect(backoffDelay(0, opts, () => 0.5)).toBe(750);
  });
});
