import { describe, expect, it } from "vitest";
import { backoffDelay, SPREAD_RETRY_MS, spreadRetryDelay } from "./backoff.js";

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

describe("spreadRetryDelay", () => {
  it("spreads from the shortest first delay up to the spread window", () => {
    expect(spreadRetryDelay({}, () => 0)).toBe(125);
    expect(spreadRetryDelay({}, () => 1)).toBe(SPREAD_RETRY_MS);
    expect(spreadRetryDelay({ initialMs: 1000, jitter: 0 }, () => 0.5)).toBe(2000);
  });

  it("never goes past maxMs", () => {
    expect(spreadRetryDelay({ initialMs: 100, maxMs: 500 }, () => 1)).toBe(500);
    expect(spreadRetryDelay({ initialMs: 100, maxMs: 500 }, () => 0)).toBe(50);
    expect(spreadRetryDelay({ initialMs: 800, maxMs: 500, jitter: 0 }, () => 0.3)).toBe(500);
  });

  it("keeps the first retry after a long initial delay", () => {
    expect(spreadRetryDelay({ initialMs: 5000, jitter: 0 }, () => 1)).toBe(5000);
  });
});
