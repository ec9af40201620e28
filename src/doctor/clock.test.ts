import { describe, expect, it } from "vitest";
import { clockCheck, estimateSkew } from "./clock.js";

describe("clock skew", () => {
  it("estimates against the midpoint of the exchange", () => {
    expect(estimateSkew(1000, 1010, 1400)).toEqual({ skewMs: 395, errorMs: 5 });
  });

  it("is OK up to 1 s, WARN up to 10 s, FAIL beyond", () => {
    expect(clockCheck("b", { skewMs: -800, errorMs: 2 })).toMatchObject({
      status: "ok",
      message: "b's clock is 800 ms behind this node's (±2 ms)",
    });
    expect(clockCheck("b", { skewMs: 2500, errorMs: 2 }).status).toBe("warn");
    expect(clockCheck("b", { skewMs: -12_000, errorMs: 2 })).toMatchObject({
      status: "fail",
      fix: expect.stringContaining("NTP"),
    });
  });
});
