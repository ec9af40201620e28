import { describe, expect, it } from "vitest";
import { NonceCache } from "./nonce-cache.js";

const t0 = 1_700_000_000_000;

describe("nonce cache", () => {
  it("remembers a nonce for exactly the window after its timestamp", () => {
    const cache = new NonceCache({ windowMs: 30_000 });
    expect(cache.remember("n1", t0, t0)).toBe("fresh");
    expect(cache.remember("n1", t0, t0 + 30_000)).toBe("replayed");
    // One ms later a request stamped t0 is outside the window anyway, so forgetting is safe.
    expect(cache.remember("n2", t0 + 30_001, t0 + 30_001)).toBe("fresh");
    expect(cache.size).toBe(1);
  });

  it("when full of unexpired nonces it refuses new ones rather than forgetting old ones", () => {
    const cache = new NonceCache({ windowMs: 30_000, capacity: 100 });
    for (let i = 0; i < 100; i++) expect(cache.remember(`n${i}`, t0 + i, t0 + i)).toBe("fresh");
    expect(cache.remember("extra", t0 + 200, t0 + 200)).toBe("full");
    expect(cache.size).toBe(100);
    // The oldest entry was not evicted: replaying it is still caught.
    expect(cache.remember("n0", t0, t0 + 200)).toBe("replayed");
    // Once the oldest expire, room is made again.
    expect(cache.remember("extra", t0 + 30_010, t0 + 30_010)).toBe("fresh");
    expect(cache.size).toBe(100 - 10 + 1);
  });

  it("never holds more than its capacity, however requests are stamped", () => {
    const cache = new NonceCache({ windowMs: 1000, capacity: 50 });
    let now = t0;
    for (let i = 0; i < 5000; i++) {
      now += 3;
      // Stamps jump around within the window, as with two peers whose clocks differ.
      const stamp = now + ((i * 7919) % 1800) - 900;
      cache.remember(`n${i}`, stamp, now);
      expect(cache.size).toBeLessThanOrEqual(50);
    }
  });

  it("sweeps skewed entries that are not at the front when it fills up", () => {
    const cache = new NonceCache({ windowMs: 1000, capacity: 3 });
    cache.remember("late", t0 + 900, t0); // expires last, sits at the front
    cache.remember("e1", t0 - 900, t0);
    cache.remember("e2", t0 - 900, t0);
    expect(cache.remember("new", t0 + 200, t0 + 200)).toBe("fresh");
    expect(cache.size).toBe(2);
  });
});
