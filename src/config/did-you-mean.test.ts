import { describe, expect, it } from "vitest";
import { didYouMean } from "./did-you-mean.js";

describe("didYouMean", () => {
  const keys = ["kind", "severity", "interval", "timeout", "pidFile", "name"];

  it("finds typos: extra, missing, swapped and wrongly cased letters", () => {
    expect(didYouMean("intervall", keys)).toBe("interval");
    expect(didYouMean("timout", keys)).toBe("timeout");
    expect(didYouMean("sevreity", keys)).toBe("severity");
    expect(didYouMean("pidfile", keys)).toBe("pidFile");
  });

  it("finds a shortened or lengthened word", () => {
    expect(didYouMean("warning", ["warn", "error"])).toBe("warn");
    expect(didYouMean("crit", ["critical", "warning"])).toBe("critical");
  });

  it("stays quiet when nothing is close", () => {
    expect(didYouMean("colour", keys)).toBeUndefined();
    expect(didYouMean("x", keys)).toBeUndefined();
  });
});
