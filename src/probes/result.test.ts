import { describe, expect, it } from "vitest";
import { describeError, displayUrl, fail, ok, redact, settle } from "./result.js";

describe("settle", () => {
  it("turns a throw and a rejection into fail", async () => {
    const signal = new AbortController().signal;
    expect(
      await settle(signal, () => {
        throw new Error("boom");
      }),
    ).toEqual(fail("boom"));
    expect(await settle(signal, () => Promise.reject(new Error("late boom")))).toEqual(
      fail("late boom"),
    );
  });

  it("prefers the work's own message when it stops on abort", async () => {
    const controller = new AbortController();
    const result = settle(
      controller.signal,
      () =>
        new Promise((resolve) =>
          controller.signal.addEventListener("abort", () => resolve(fail("closed socket 7"))),
        ),
    );
    controller.abort();
    expect(await result).toEqual(fail("closed socket 7"));
  });

  it("answers for work that ignores the abort, within a turn of the event loop", async () => {
    const controller = new AbortController();
    const result = settle(controller.signal, () => new Promise(() => {}));
    const started = performance.now();
    controller.abort(new Error("timed out after 500 ms"));
    expect(await result).toEqual(fail("aborted: timed out after 500 ms"));
    expect(performance.now() - started).toBeLessThan(20);
  });

  it("does not start work when already aborted", async () => {
    let started = false;
    const result = await settle(AbortSignal.abort(), async () => {
      started = true;
      return ok("ran");
    });
    expect(result).toEqual(fail("aborted"));
    expect(started).toBe(false);
  });
});

describe("messages", () => {
  it("joins the inner errors of an empty AggregateError", () => {
    const err = new AggregateError(
      [
        new Error("connect ECONNREFUSED ::1:5432"),
        new Error("connect ECONNREFUSED 127.0.0.1:5432"),
      ],
      "",
    );
    expect(describeError(err)).toBe(
      "connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432",
    );
  });

  it("hides secrets and URL passwords", () => {
    expect(redact("login as bob with hunter2 failed", ["hunter2", undefined, ""])).toBe(
      "login as bob with *** failed",
    );
    expect(displayUrl(new URL("http://bob:hunter2@example.com/x"))).toBe(
      "http://bob:***@example.com/x",
    );
  });
});
