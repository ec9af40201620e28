import { describe, expect, it } from "vitest";
import { confValue, parseAsteriskConf } from "./asterisk-conf.js";

describe("parseAsteriskConf", () => {
  it("reads sections, both assignment forms, comments and template markers", () => {
    const sections = parseAsteriskConf(
      [
        "; a comment line",
        "#include extra.conf",
        "[directories](!)",
        "astrundir => /run/asterisk ; where the pid file goes",
        ";-- a block comment",
        "astspooldir => /nowhere",
        "--;",
        "[general]",
        "Port = 5038",
        "banner = semi\\;colon",
        "port=5039",
      ].join("\n"),
    );
    expect(sections.map((s) => s.name)).toEqual(["directories", "general"]);
    expect(confValue(sections[0], "astrundir")).toBe("/run/asterisk");
    expect(confValue(sections[0], "astspooldir")).toBeUndefined();
    // A later line wins, as in Asterisk; keys are case-insensitive.
    expect(confValue(sections[1], "PORT")).toBe("5039");
    expect(confValue(sections[1], "banner")).toBe("semi\\;colon");
  });

  it("ignores settings before the first section and lines that are not settings", () => {
    const sections = parseAsteriskConf("orphan = 1\n[s]\njust words\nk=v\n");
    expect(sections).toEqual([{ name: "s", entries: [{ key: "k", value: "v" }] }]);
  });
});
