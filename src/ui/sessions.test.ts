import { describe, expect, it } from "vitest";
import { cookieValue, csrfMatches, Sessions } from "./sessions.js";

describe("Sessions", () => {
  it("opens sessions with their own id and CSRF token, extended on use, gone after the TTL", () => {
    const sessions = new Sessions(1000);
    const s = sessions.open("alice", 0);
    const other = sessions.open("bob", 0);
    expect(s.id).not.toBe(other.id);
    expect(s.csrf).not.toBe(s.id);
    expect(sessions.get(s.id, 900)?.operator).toBe("alice");
    expect(sessions.get(s.id, 1800)?.operator).toBe("alice");
    expect(sessions.get(s.id, 2801)).toBeNull();
    expect(sessions.get("made-up", 0)).toBeNull();
    sessions.close(other.id);
    expect(sessions.get(other.id, 0)).toBeNull();
  });

  it("matches only the session's own CSRF token", () => {
    const s = new Sessions(1000).open("alice");
    expect(csrfMatches(s, s.csrf)).toBe(true);
    expect(csrfMatches(s, `${s.csrf}x`)).toBe(false);
    expect(csrfMatches(s, undefined)).toBe(false);
  });

  it("reads one cookie out of a Cookie header", () => {
    expect(cookieValue("a=1; tandem_session=xyz; b=2", "tandem_session")).toBe("xyz");
    expect(cookieValue("a=1", "tandem_session")).toBeUndefined();
    expect(cookieValue(undefined, "tandem_session")).toBeUndefined();
  });
});
