import { describe, expect, it } from "vitest";
import { parseTime, parseWindow, zonedTime } from "./window.js";

const utc = (...a: [number, number, number, number?, number?, number?]) =>
  Date.UTC(a[0], a[1] - 1, a[2], a[3] ?? 0, a[4] ?? 0, a[5] ?? 0) / 1000;
const hours = (w: { from?: number; to?: number }) => ((w.to ?? 0) - (w.from ?? 0)) / 3600;

describe("report window in the report's time zone", () => {
  it("reads a bare date as that day in --tz: 24 h, 23 h in spring and 25 h in autumn in Paris", () => {
    const plain = parseWindow("2024-06-12", "2024-06-12", "Europe/Paris");
    expect(plain).toEqual({ from: utc(2024, 6, 11, 22), to: utc(2024, 6, 12, 22) });
    const spring = parseWindow("2024-03-31", "2024-03-31", "Europe/Paris");
    expect(spring).toEqual({ from: utc(2024, 3, 30, 23), to: utc(2024, 3, 31, 22) });
    expect(hours(spring)).toBe(23);
    const autumn = parseWindow("2024-10-27", "2024-10-27", "Europe/Paris");
    expect(autumn).toEqual({ from: utc(2024, 10, 26, 22), to: utc(2024, 10, 27, 23) });
    expect(hours(autumn)).toBe(25);
  });

  it("reads the same dates differently in another zone", () => {
    expect(parseWindow("2024-03-31", "2024-03-31", "Asia/Kolkata")).toEqual({
      from: utc(2024, 3, 30, 18, 30),
      to: utc(2024, 3, 31, 18, 30),
    });
    expect(parseWindow("2024-03-31", "2024-04-02", "UTC")).toEqual({
      from: utc(2024, 3, 31),
      to: utc(2024, 4, 3),
    });
  });

  it("starts a day whose midnight the clocks skip at its first second", () => {
    // America/Santiago goes from 23:59:59 (−04) on 7 Sept 2024 to 01:00 (−03).
    const w = parseWindow("2024-09-08", "2024-09-08", "America/Santiago");
    expect(w.from).toBe(utc(2024, 9, 8, 4));
    expect(hours(w)).toBe(23);
  });

  it("reads a repeated local time as its first pass and a skipped one after the gap", () => {
    // Paris, 27 Oct 2024: 02:30 happens at 00:30 UTC (+02) and again at 01:30 UTC (+01).
    expect(zonedTime(utc(2024, 10, 27, 2, 30), "Europe/Paris")).toBe(utc(2024, 10, 27, 0, 30));
    // Paris, 31 Mar 2024: 02:30 never happens; read as 03:30 (+02), 01:30 UTC.
    expect(zonedTime(utc(2024, 3, 31, 2, 30), "Europe/Paris")).toBe(utc(2024, 3, 31, 1, 30));
  });

  it("takes times of day in --tz, and ISO 8601 offsets and Unix seconds as they are", () => {
    expect(parseTime("--from", "2023-11-14 23:13:20", "Europe/Paris")).toBe(1_700_000_000);
    expect(parseTime("--from", "2023-11-14T23:13", "Europe/Paris")).toBe(1_700_000_000 - 20);
    expect(parseTime("--from", "2023-11-14T22:13:20Z", "Asia/Tokyo")).toBe(1_700_000_000);
    expect(parseTime("--from", "2023-11-15T03:43:20+05:30", "UTC")).toBe(1_700_000_000);
    expect(parseTime("--from", "1700000000", "Asia/Tokyo")).toBe(1_700_000_000);
  });

  it("refuses what is not a time, naming the flag, the value and the forms", () => {
    expect(() => parseTime("--from", "2024-02-30", "Europe/Paris")).toThrow(
      '--from "2024-02-30" is not a time: expected YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] (on the clock of --tz, Europe/Paris), ISO 8601 with an offset, or Unix seconds',
    );
    expect(() => parseTime("--to", "2024-06-12 24:00", "UTC")).toThrow(/--to "2024-06-12 24:00"/);
    expect(() => parseTime("--to", "yesterday", "UTC")).toThrow(/--to "yesterday" is not a time/);
    expect(() => parseWindow("2024-06-12", "2024-06-11", "UTC")).toThrow(
      "--to (2024-06-11) must be later than --from (2024-06-12)",
    );
  });
});
