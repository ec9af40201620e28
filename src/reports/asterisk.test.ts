import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { asteriskQueuesReport, runningAverage } from "./asterisk.js";
import { openScope } from "./scope.js";

const T = 1_700_000_000;
const golden = fileURLToPath(new URL("./fixtures/golden.queue_log", import.meta.url));

it("averages as app_queue does: (3 × old + new) / 4, rounded down", () => {
  expect(runningAverage(15, 40)).toBe(21);
  expect(runningAverage(100, 60)).toBe(90);
  expect(runningAverage(0, 3)).toBe(0);
});

it("counts the golden log as app_queue would (worked out in fixtures/golden.md)", async () => {
  const scope = await openScope(`file:${golden}`, undefined, { from: T, to: T + 2000, sl: 20 });
  try {
    expect(await asteriskQueuesReport(scope)).toEqual([
      {
        // c1 and c4 completed; c2, c3 abandoned and c5 timed out: all three abandons to
        // Asterisk. c1 (15 s) and c2 (3 s) are within 20 s.
        queue: "sales",
        completed: 2,
        abandoned: 3,
        completedInSl: 1,
        abandonedInSl: 1,
        serviceLevel: 50,
        serviceLevel2: 40,
        // Hold: 15 at c1's answer, then (3 × 15 + 40) / 4 = 21 at c4's. Talk: 100, then
        // (3 × 100 + 60) / 4 = 90.
        holdtime: 21,
        talktime: 90,
      },
      {
        // c6 left with a key (not an abandon to Asterisk), c7 left the empty queue (one),
        // c8 is still talking (not completed). Its answer comes after an abandon, so the
        // average is (3 × 0 + 10) / 4 = 2, not 10.
        queue: "support",
        completed: 0,
        abandoned: 1,
        completedInSl: 0,
        abandonedInSl: 1,
        serviceLevel: 0,
        serviceLevel2: 100,
        holdtime: 2,
        talktime: 0,
      },
    ]);
  } finally {
    await scope.close();
  }
});
