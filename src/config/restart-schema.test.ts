import { describe, expect, it } from "vitest";
import { parseDaily, restartSchema } from "./restart-schema.js";

describe("restartSchema", () => {
  it("fills the defaults and parses durations", () => {
    expect(restartSchema.parse({ command: "systemctl restart asterisk" })).toEqual({
      command: "systemctl restart asterisk",
      attempts: 3,
      within: 600_000,
      grace: 10_000,
      timeout: 30_000,
    });
  });

  it("rejects a schedule that is not a time of day, saying what it expects", () => {
    const result = restartSchema.safeParse({ command: ["x"], schedule: "25:00" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: ["schedule"],
      message: 'expected a local time of day "HH:MM", e.g. "03:30"',
    });
    expect(parseDaily("03:30")).toEqual({ hour: 3, minute: 30 });
  });
});
