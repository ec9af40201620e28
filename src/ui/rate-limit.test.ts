import { describe, expect, it } from "vitest";
import { LoginLimiter } from "./rate-limit.js";

describe("LoginLimiter", () => {
  it("lets an address fail `limit` times a minute, then says how long to wait", () => {
    const limiter = new LoginLimiter(3);
    const t = 1_000_000;
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfter("10.0.0.5", t + i * 1000)).toBe(0);
      limiter.fail("10.0.0.5", t + i * 1000);
    }
    expect(limiter.retryAfter("10.0.0.5", t + 3000)).toBe(57);
    expect(limiter.retryAfter("10.0.0.6", t + 3000)).toBe(0);
    // The oldest failure leaves the window: one more attempt is allowed.
    expect(limiter.retryAfter("10.0.0.5", t + 60_001)).toBe(0);
  });

  it("forgets an address's failures when it logs in", () => {
    const limiter = new LoginLimiter(1);
    limiter.fail("10.0.0.5", 0);
    expect(limiter.retryAfter("10.0.0.5", 1)).toBe(60);
    limiter.succeed("10.0.0.5");
    expect(limiter.retryAfter("10.0.0.5", 1)).toBe(0);
  });
});
