import { describe, expect, it } from "vitest";
import { captureLogger } from "../log/capture.test-helpers.js";
import { type RoleTransition, TransitionBus } from "./transitions.js";

const t: RoleTransition = {
  node: "a",
  from: "STANDBY",
  to: "ACTIVE",
  serving: true,
  wasServing: false,
  term: 2,
  reason: "peer lost",
  at: "2026-11-28T00:00:00.000Z",
};

describe("TransitionBus", () => {
  it("delivers each transition to every consumer in order, past a failing one", async () => {
    const { logger, lines } = captureLogger();
    const bus = new TransitionBus(logger);
    const seen: string[] = [];
    bus.add({ name: "first", onTransition: (x) => void seen.push(`first ${x.to}`) });
    bus.add({
      name: "broken",
      onTransition: () => {
        throw new Error("boom");
      },
    });
    bus.add({ name: "async-broken", onTransition: async () => Promise.reject(new Error("late")) });
    bus.add({ name: "last", onTransition: (x) => void seen.push(`last ${x.to}`) });
    bus.publish(t);
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual(["first ACTIVE", "last ACTIVE"]);
    expect(bus.last).toEqual(t);
    const failures = lines.filter((l) => l.event === "transition_consumer_failed");
    expect(failures.map((l) => l.consumer)).toEqual(["broken", "async-broken"]);
  });
});
