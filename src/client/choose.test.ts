import { describe, expect, it } from "vitest";
import { bestServing, choose } from "./choose.js";
import type { ServerView } from "./server-stream.js";

const A = "http://a:7701";
const B = "http://b:7701";

function view(url: string, patch: Partial<ServerView>): ServerView {
  const node = url === A ? "a" : "b";
  return {
    url,
    state: "up",
    node,
    mode: "STANDBY",
    serving: false,
    term: 1,
    error: null,
    ...patch,
  };
}
const serving = (url: string, term = 1) => view(url, { mode: "ACTIVE", serving: true, term });
const down = (url: string) => view(url, { state: "down", error: "ECONNREFUSED" });

describe("choose", () => {
  it("follow: the serving node; back to the primary once it serves again", () => {
    expect(choose("follow", [serving(A), view(B, {})], null)).toMatchObject({ url: A });
    const failed = choose("follow", [down(A), serving(B, 2)], A);
    expect(failed).toEqual({
      url: B,
      reason: '"a" unreachable (ECONNREFUSED); "b" serves in term 2',
    });
    expect(choose("follow", [serving(A, 3), view(B, { term: 3 })], B)).toMatchObject({ url: A });
  });

  it("sticky: stays on a reachable node that stands by after a failback", () => {
    const back = [serving(A, 3), view(B, { term: 3 })];
    expect(choose("sticky", back, B)).toEqual({ url: B, reason: '"b" still in use' });
    expect(choose("sticky", [down(A), serving(B, 2)], A)).toMatchObject({ url: B });
  });

  it("sticky: moves off a fenced node", () => {
    const fenced = view(B, { mode: "SELF_FENCED" });
    expect(choose("sticky", [serving(A, 4), fenced], B)).toEqual({
      url: A,
      reason: '"b" is SELF_FENCED; "a" serves in term 4',
    });
  });

  it("keeps the current server mid-failover, and none once every server is down", () => {
    expect(choose("follow", [down(A), view(B, {})], A)).toMatchObject({ url: A });
    expect(choose("follow", [down(A), down(B)], A)).toEqual({
      url: null,
      reason: 'every server is unreachable ("a": ECONNREFUSED, "b": ECONNREFUSED)',
    });
  });

  it("prefers the newer term when two nodes say they serve", () => {
    expect(bestServing([serving(A, 2), serving(B, 3)])?.url).toBe(B);
    expect(bestServing([serving(A, 3), serving(B, 3)])?.url).toBe(A);
  });
});
