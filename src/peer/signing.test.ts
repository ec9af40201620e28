import { describe, expect, it } from "vitest";
import { ConfigInvalidError, PeerAuthError, PeerClockError } from "../errors.js";
import { NonceCache } from "./nonce-cache.js";
import {
  clockRejectionOf,
  rejectionOf,
  type SignedRequest,
  signReply,
  signRequest,
  verifyReply,
  verifyRequest,
} from "./signing.js";

const secret = "0123456789abcdef-shared";
const now = 1_700_000_000_000;
const path = "/v1/peer/heartbeat";
const body = Buffer.from('{"name":"a","term":3}');

function signed(overrides: Partial<Parameters<typeof signRequest>[0]> = {}): SignedRequest {
  const headers = signRequest({
    secret,
    node: "a",
    target: "b",
    method: "POST",
    path,
    body,
    nowMs: now,
    ...overrides,
  });
  return { method: "POST", path, headers: { ...headers }, body };
}

function verify(
  request: SignedRequest,
  nonces = new NonceCache(),
  options: { secret?: string; nowMs?: number; self?: string; offsetMs?: number } = {},
) {
  return verifyRequest(request, {
    secret: options.secret ?? secret,
    self: options.self ?? "b",
    nonces,
    label: "heartbeat",
    remote: "127.0.0.1",
    nowMs: options.nowMs ?? now,
    clockOffsetMs: (node) => (node === "a" ? (options.offsetMs ?? 0) : 0),
  });
}

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect([PeerAuthError, PeerClockError].some((cls) => err instanceof cls)).toBe(true);
    return (err as Error).message;
  }
  throw new Error("expected a rejection");
}

describe("request signatures", () => {
  it("a signed request verifies and names its node and nonce", () => {
    const request = signed();
    expect(request.headers["x-tandem-nonce"]).toMatch(/^[0-9a-f]{32}$/);
    expect(request.headers["x-tandem-signature"]).toMatch(/^[0-9a-f]{64}$/);
    expect(request.headers["x-tandem-timestamp"]).toBe(String(now));
    expect(verify(request)).toEqual({ node: "a", nonce: request.headers["x-tandem-nonce"] });
  });

  it.each([
    ["body", (r: SignedRequest) => ({ ...r, body: Buffer.from('{"name":"a","term":4}') })],
    ["path", (r: SignedRequest) => ({ ...r, path: "/v1/peer/fence" })],
    ["method", (r: SignedRequest) => ({ ...r, method: "PUT" })],
    [
      "timestamp",
      (r: SignedRequest) => ({
        ...r,
        headers: { ...r.headers, "x-tandem-timestamp": String(now + 1) },
      }),
    ],
    [
      "nonce",
      (r: SignedRequest) => ({
        ...r,
        headers: { ...r.headers, "x-tandem-nonce": "0".repeat(32) },
      }),
    ],
    ["node", (r: SignedRequest) => ({ ...r, headers: { ...r.headers, "x-tandem-node": "c" } })],
    ["target", (r: SignedRequest) => ({ ...r, headers: { ...r.headers, "x-tandem-target": "c" } })],
  ])("a tampered %s is rejected", (_part, tamper) => {
    const message = reasonOf(() => verify(tamper(signed())));
    expect(message).toMatch(
      /^heartbeat from "[ac]" rejected: signature does not match \(check cluster\.secret on both nodes\)$/,
    );
  });

  it("a request signed for another node is refused by this one, and uses no nonce slot", () => {
    const nonces = new NonceCache();
    const request = signed({ target: "c" });
    const message = reasonOf(() => verify(request, nonces, { self: "b" }));
    expect(message).toBe(
      'heartbeat from "a" rejected: addressed to node "c", not to this node "b" (a request to "c" played back here, or a cluster.nodes api URL that leads to the wrong node)',
    );
    expect(nonces.size).toBe(0);
    // The node it was signed for accepts it.
    expect(verify(request, new NonceCache(), { self: "c" }).node).toBe("a");
  });

  it("a request without a target (an older Tandem's signature) is named as such", () => {
    const { "x-tandem-target": _target, ...older } = signed().headers;
    expect(reasonOf(() => verify({ method: "POST", path, headers: older, body }))).toBe(
      "heartbeat from 127.0.0.1 rejected: request names no target node (no x-tandem-target header): the sender runs a Tandem older than this node; upgrade every node of the cluster",
    );
  });

  it("a request signed with another secret is rejected without hinting at the secret", () => {
    const request = signed({ secret: "another-secret-of-enough-length" });
    try {
      verify(request);
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toBe(
        'heartbeat from "a" rejected: signature does not match (check cluster.secret on both nodes)',
      );
      expect((err as { code: string }).code).toBe("TANDEM_ERR_PEER_AUTH");
      expect(rejectionOf(err)).toEqual({
        reason: "signature does not match (check cluster.secret on both nodes)",
        status: 401,
      });
    }
  });

  it("the same signed request twice: the second is a replay", () => {
    const nonces = new NonceCache();
    const request = signed();
    verify(request, nonces);
    expect(reasonOf(() => verify(request, nonces))).toBe(
      'heartbeat from "a" rejected: replayed nonce',
    );
  });

  it("skew up to the window authenticates; beyond it is reported in seconds", () => {
    expect(verify(signed({ nowMs: now - 20_000 })).node).toBe("a");
    expect(verify(signed({ nowMs: now + 20_000 })).node).toBe("a");
    expect(verify(signed({ nowMs: now + 30_000 })).node).toBe("a");
    expect(reasonOf(() => verify(signed({ nowMs: now - 42_000 })))).toBe(
      `heartbeat from "a" rejected: timestamp 42 s behind this node's clock (window 30 s)`,
    );
    expect(reasonOf(() => verify(signed({ nowMs: now + 30_400 })))).toBe(
      `heartbeat from "a" rejected: timestamp 30.4 s ahead of this node's clock (window 30 s)`,
    );
  });

  it("a request refused only for its clock is a PeerClockError naming signer, nonce and skew", () => {
    const request = signed({ nowMs: now + 600_000, nonce: "ab".repeat(16) });
    let caught: unknown;
    try {
      verify(request);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PeerClockError);
    expect((caught as { code: string }).code).toBe("TANDEM_ERR_PEER_CLOCK");
    expect(clockRejectionOf(caught)).toEqual({
      reason: "timestamp 600 s ahead of this node's clock (window 30 s)",
      status: 401,
      node: "a",
      nonce: "ab".repeat(16),
      skewMs: 600_000,
    });
    // Not signed for this node, or not signed at all: an ordinary refusal, never a clock one.
    const forged = {
      ...request,
      headers: { ...request.headers, "x-tandem-signature": "0".repeat(64) },
    };
    expect(clockRejectionOf(catchError(() => verify(forged)))).toBeNull();
    expect(
      clockRejectionOf(catchError(() => verify(request, new NonceCache(), { self: "c" }))),
    ).toBeNull();
  });

  it("the offset learned from the peer's replies centres the window on the peer's clock", () => {
    const nonces = new NonceCache();
    const ahead = signed({ nowMs: now + 600_000 });
    expect(verify(ahead, nonces, { offsetMs: 600_000 }).node).toBe("a");
    // A replay is still a replay, whatever the offset.
    expect(reasonOf(() => verify(ahead, nonces, { offsetMs: 600_000 }))).toBe(
      'heartbeat from "a" rejected: replayed nonce',
    );
    // A request stamped on the old clock after the offset was learned is outside the window.
    expect(reasonOf(() => verify(signed({ nowMs: now }), nonces, { offsetMs: 600_000 }))).toBe(
      `heartbeat from "a" rejected: timestamp 600 s behind this node's clock after the known offset of 600 s (window 30 s)`,
    );
  });

  it("a request outside the window does not use up a nonce slot", () => {
    const nonces = new NonceCache();
    reasonOf(() => verify(signed({ nowMs: now - 60_000 }), nonces));
    reasonOf(() => verify(signed({ secret: "another-secret-of-enough-length" }), nonces));
    expect(nonces.size).toBe(0);
  });

  it("missing headers mean unsigned; malformed headers are named", () => {
    const { headers } = signed();
    // A missing target alone has its own reason (next test).
    for (const name of Object.keys(headers).filter((h) => h !== "x-tandem-target")) {
      const partial = { ...headers };
      delete partial[name];
      expect(reasonOf(() => verify({ method: "POST", path, headers: partial, body }))).toBe(
        "heartbeat from 127.0.0.1 rejected: unsigned request",
      );
    }
    const bad = { ...headers, "x-tandem-timestamp": "12s" };
    expect(reasonOf(() => verify({ method: "POST", path, headers: bad, body }))).toBe(
      "heartbeat from 127.0.0.1 rejected: malformed x-tandem-timestamp header (expected ms since the epoch)",
    );
    const doubled = { ...headers, "x-tandem-nonce": [String(headers["x-tandem-nonce"]), "ab"] };
    expect(reasonOf(() => verify({ method: "POST", path, headers: doubled, body }))).toMatch(
      /malformed x-tandem-nonce header/,
    );
  });

  it("refuses secrets shorter than 16 bytes", () => {
    expect(() =>
      signRequest({ secret: "short", node: "a", target: "b", method: "POST", path, body }),
    ).toThrow(ConfigInvalidError);
    expect(() =>
      signRequest({ secret: "short", node: "a", target: "b", method: "POST", path, body }),
    ).toThrow("cluster.secret: expected a shared secret of at least 16 bytes, got 5");
    // Sixteen bytes in eight characters: the limit is on key bytes, not characters.
    expect(() =>
      signRequest({ secret: "éééééééé", node: "a", target: "b", method: "POST", path, body }),
    ).not.toThrow();
  });
});

describe("reply signatures", () => {
  const requestNonce = "ab".repeat(16);
  const replyBody = Buffer.from('{"name":"b"}');
  const headers = signReply({
    secret,
    node: "b",
    target: "a",
    status: 200,
    path,
    requestNonce,
    body: replyBody,
  });
  const expected = { secret, self: "a", peer: "b", path, requestNonce };

  it("a reply signed for the request verifies", () => {
    expect(() => verifyReply({ status: 200, headers, body: replyBody }, expected)).not.toThrow();
  });

  it.each([
    ["unsigned", { status: 200, headers: {}, body: replyBody }, expected, "not signed"],
    [
      "tampered",
      { status: 200, headers, body: Buffer.from('{"name":"c"}') },
      expected,
      "signature does not match (check cluster.secret on both nodes)",
    ],
    [
      "another status",
      { status: 201, headers, body: replyBody },
      expected,
      "signature does not match (check cluster.secret on both nodes)",
    ],
    [
      "an answer to another request",
      { status: 200, headers, body: replyBody },
      { ...expected, requestNonce: "cd".repeat(16) },
      "answers another request (nonce differs)",
    ],
    [
      "signed by another node",
      { status: 200, headers, body: replyBody },
      { ...expected, peer: "c" },
      'signed by "b", expected "c"',
    ],
    [
      "that answers another node",
      { status: 200, headers, body: replyBody },
      { ...expected, self: "c" },
      'answers node "a", not this node "c"',
    ],
  ])("a reply %s is rejected", (_what, reply, options, reason) => {
    try {
      verifyReply(reply, options);
      expect.unreachable();
    } catch (err) {
      expect(rejectionOf(err)?.reason).toBe(reason);
    }
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected an error");
}
