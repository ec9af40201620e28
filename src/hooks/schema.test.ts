import { describe, expect, it } from "vitest";
import { hooksSchema } from "./index.js";

describe("hooksSchema", () => {
  it("fills every event and the default timeout and method", () => {
    const hooks = hooksSchema.parse({
      active: [
        { command: "/etc/tandem/vip-up", timeout: "5s" },
        { url: "https://ops.example/tandem" },
      ],
      "peer-lost": [{ command: ["/usr/bin/logger", "peer lost"], timeout: 2500 }],
    });
    expect(hooks).toEqual({
      active: [
        { command: "/etc/tandem/vip-up", timeout: 5000 },
        { url: "https://ops.example/tandem", method: "POST", timeout: 10_000 },
      ],
      standby: [],
      "self-fenced": [],
      "peer-fenced": [],
      "peer-lost": [{ command: ["/usr/bin/logger", "peer lost"], timeout: 2500 }],
      "peer-found": [],
      "queues-paused": [],
    });
    expect(hooksSchema.parse(undefined).standby).toEqual([]);
  });

  it.each([
    [{ activ: [] }, "", 'Unrecognized key: "activ"'],
    [{ active: [{ command: "x", timeout: "soon" }] }, "active.0.timeout", "expected a duration"],
    [{ active: [{ command: "x", timeout: 0 }] }, "active.0.timeout", "expected a duration above 0"],
    [{ active: [{ url: "ftp://x" }] }, "active.0.url", 'expected a URL starting with "http://"'],
    [{ active: [{ url: "https://x", method: "GET" }] }, "active.0", "Invalid input"],
    [{ active: [{ command: "x", url: "https://x" }] }, "active.0", "Invalid input"],
    [{ active: [{ command: [] }] }, "active.0.command", "expected array to have >=1 items"],
  ])("rejects %j at %j", (input, path, message) => {
    const issues = hooksSchema.safeParse(input).error?.issues ?? [];
    expect(issues.map((i) => [i.path.join("."), i.message])).toContainEqual([
      path,
      expect.stringContaining(message),
    ]);
  });
});
