import { describe, expect, it } from "vitest";
import { matchActivity } from "./activity.js";
import { AmiMessage } from "./ami-message.js";

const event = (fields: Record<string, string>) => new AmiMessage(Object.entries(fields));
const watch = { contexts: ["from-trunk"], queues: ["reception"] };

describe("matchActivity", () => {
  it("names a new channel in a watched context", () => {
    expect(
      matchActivity(
        event({ Event: "Newchannel", Channel: "PJSIP/trunk-00000001", Context: "from-trunk" }),
        watch,
      ),
    ).toBe('Newchannel PJSIP/trunk-00000001 in context "from-trunk"');
  });

  it("names a caller joining a watched queue", () => {
    expect(
      matchActivity(
        event({ Event: "QueueCallerJoin", Channel: "PJSIP/trunk-00000002", Queue: "reception" }),
        watch,
      ),
    ).toBe('QueueCallerJoin PJSIP/trunk-00000002 to queue "reception"');
  });

  it("ignores other contexts, other queues and other events", () => {
    const others: Array<Record<string, string>> = [
      { Event: "Newchannel", Channel: "Local/100@internal-0001;1", Context: "internal" },
      { Event: "QueueCallerJoin", Channel: "PJSIP/x-1", Queue: "sales" },
      { Event: "Newstate", Channel: "PJSIP/trunk-1", Context: "from-trunk" },
      { Event: "Newchannel", Channel: "PJSIP/trunk-1" },
    ];
    for (const fields of others) {
      expect(matchActivity(event(fields), watch)).toBeNull();
    }
  });
});
