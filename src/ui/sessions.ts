/**
 * Console logins: an opaque random id in an HttpOnly cookie, the operator's name and a CSRF
 * token kept here, in memory. A restart of the agent logs everybody out, which is the safe side.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";

/**
 * The session cookie's name.
 *
 * @example
 * ```ts
 * cookieValue(req.headers.cookie, SESSION_COOKIE);
 * ```
 */
export const SESSION_COOKIE = "tandem_session";

/**
 * One login.
 *
 * @example
 * ```ts
 * const s: Session = { id: "…", operator: "alice", csrf: "…", expires: Date.now() + 8 * 3600_000 };
 * ```
 */
export interface Session {
  id: string;
  operator: string;
  csrf: string;
  expires: number;
}

/**
 * The open sessions, each expiring `ttlMs` after its last use.
 *
 * @example
 * ```ts
 * const sessions = new Sessions(8 * 3600_000);
 * const s = sessions.open("alice");
 * sessions.get(s.id)?.operator; // "alice"
 * ```
 */
export class Sessions {
  readonly #open = new Map<string, Session>();
  readonly #ttlMs: number;

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs;
  }

  /** Starts a session for `operator`. */
  open(operator: string, now = Date.now()): Session {
    this.#sweep(now);
    const session: Session = {
      id: randomBytes(32).toString("base64url"),
      operator,
      csrf: randomBytes(32).toString("base64url"),
      expires: now + this.#ttlMs,
    };
    this.#open.set(session.id, session);
    return session;
  }

  /** The live session with this id (its lifetime extended), or null. */
  get(id: string | undefined, now = Date.now()): Session | null {
    if (!id) return null;
    const s = this.#open.get(id);
    if (!s) return null;
    if (s.expires <= now) {
      this.#open.delete(id);
      return null;
    }
    s.expires = now + this.#ttlMs;
    return s;
  }

  /** Ends a session. */
  close(id: string | undefined): void {
    if (id) this.#open.delete(id);
  }

  /** The session's `Max-Age`, in seconds. */
  get maxAgeSeconds(): number {
    return Math.round(this.#ttlMs / 1000);
  }

  #sweep(now: number): void {
    for (const [id, s] of this.#open) if (s.expires <= now) this.#open.delete(id);
  }
}

/**
 * Compares a CSRF token in constant time.
 *
 * @example
 * ```ts
 * csrfMatches(session, req.headers["x-csrf-token"]); // true for the session's own token
 * ```
 */
export function csrfMatches(session: Session, token: unknown): boolean {
  if (typeof token !== "string") return false;
  const a = Buffer.from(token);
  const b = Buffer.from(session.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Reads one cookie from a `Cookie` header.
 *
 * @example
 * ```ts
 * cookieValue("a=1; tandem_session=xyz", "tandem_session"); // "xyz"
 * ```
 */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
