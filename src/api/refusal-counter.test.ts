import { afterEach, describe, expect, it, vi } from "vitest";
import { refusalCounter } from "./refusal-counter.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("refusalCounter", () => {
  it("reports the first refusal at once, then sums a burst into one report per interval", () => {
    vi.useFakeTimers();
    const reports: number[] = [];
    const refused = refusalCounter((n) => reports.push(n), 10_000);
    refused();
    expect(reports).toEqual([1]);
    for (let i = 0; i < 2500; i++) refused();
    expect(reports).toEqual([1]);
    vi.advanceTimersByTime(9999);
    expect(reports).toEqual([1]);
    vi.advanceTimersByTime(1);
    expect(reports).toEqual([1, 2500]);
    vi.advanceTimersByTime(60_000);
    expect(reports).toEqual([1, 2500]);
    refused();
    expect(reports).toEqual([1, 2500, 1]);
  });
});
