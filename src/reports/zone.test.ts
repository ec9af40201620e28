import { describe, expect, it } from "vitest";
import { isTimeZone, offsetAt, zoneSegments } from "./zone.js";

describe("time-zone offsets", () => {
  it("gives offsets that are not whole hours exactly", () => {
    expect(offsetAt("Asia/Kolkata", 1_679_789_400)).toBe(5 * 3600 + 30 * 60);
    expect(offsetAt("Asia/Kathmandu", 1_679_789_400)).toBe(5 * 3600 + 45 * 60);
    expect(offsetAt("America/St_Johns", 1_679_789_400)).toBe(-(2 * 3600 + 30 * 60));
    expect(offsetAt("UTC", 0)).toBe(0);
  });

  it("finds daylight-saving changes to the second", () => {
    // Europe/Berlin: 2023-03-26 01:00 UTC (+1 → +2) and 2023-10-29 01:00 UTC (+2 → +1).
    expect(zoneSegments("Europe/Berlin", 1_679_788_800, 1_698_543_000)).toEqual([
      { start: 1_679_788_800, offset: 3600 },
      { start: 1_679_792_400, offset: 7200 },
      { start: 1_698_541_200, offset: 3600 },
    ]);
    expect(zoneSegments("Asia/Kolkata", 1_679_788_800, 1_698_543_000)).toEqual([
      { start: 1_679_788_800, offset: 19_800 },
    ]);
  });

  it("knows which zone names exist", () => {
    expect(isTimeZone("Asia/Kathmandu")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
  });
});
