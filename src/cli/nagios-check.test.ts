import { describe, expect, it } from "vitest";
import type { StatusDocument } from "../api/status-types.js";
import type { Flags } from "../engine/types.js";
import { evaluatePair, nagiosLine } from "./nagios-check.js";

const noFlags: Flags = { selfFenced: null, peerFenced: null, suspended: null, fencingPeer: null };

interface Shape {
  serving?: boolean;
  mode?: StatusDocument["node"]["mode"];
  peer?: {
    reachable?: boolean;
    serving?: boolean;
    mode?: "ACTIVE" | "STANDBY";
    configDiffers?: boolean;
  };
  flags?: Partial<Flags>;
  clusterMode?: "hot-standby" | "active-active";
  criticalDown?: string[];
}

/** Node a's status document in the situation described. */
function statusOf(s: Shape): StatusDocument {
  const peer = s.peer ?? {};
  return {
    node: {
      name: "a",
      mode: s.mode ?? (s.serving ? "ACTIVE" : "STANDBY"),
      serving: s.serving ?? false,
      reason: "",
      healthy: (s.criticalDown ?? []).length === 0,
      since: "2026-11-28T10:00:00.000Z",
      version: "0.1.0",
      pid: 1,
      startedAt: "2026-11-28T10:00:00.000Z",
      debugPolls: false,
      criticalDown: s.criticalDown ?? [],
      warningDown: [],
    },
    cluster: {
      clusterMode: s.clusterMode ?? "hot-standby",
      rank: 1,
      term: 4,
      flags: { ...noFlags, ...s.flags },
      lastTransition: null,
      peers: [
        {
          name: "b",
          rank: 2,
          reachable: peer.reachable ?? true,
          misses: peer.reachable === false ? 3 : 0,
          lastError: peer.reachable === false ? "connection refused" : null,
          mode: peer.mode ?? (peer.serving ? "ACTIVE" : "STANDBY"),
          term: 4,
          healthy: true,
          serving: peer.serving ?? false,
          flags: noFlags,
          configDiffers: peer.configDiffers ?? false,
          clockSkewMs: null,
        },
      ],
    },
    sip: null,
    probes: [],
    time: "2026-11-28T10:05:00.000Z",
  };
}

describe("tandem check's verdict", () => {
  it("is OK with one node serving, with status line and perfdata", () => {
    const v = evaluatePair(statusOf({ serving: true }));
    expect(v.state).toBe("OK");
    expect(nagiosLine(v)).toBe(
      "TANDEM OK - a ACTIVE serving, b STANDBY (term 4) | serving_nodes=1;;;0;2 serving=1;;;0;1 peer_reachable=1;;;0;1 peer_misses=0 term=4c critical_down=0;;;0",
    );
  });

  it("is CRITICAL when no node serves or both do in hot-standby, OK for both in active-active", () => {
    expect(evaluatePair(statusOf({})).state).toBe("CRITICAL");
    expect(evaluatePair(statusOf({ peer: { reachable: false } })).problems[0]).toBe(
      'no node serves as far as a sees (peer "b" unreachable)',
    );
    const both = evaluatePair(statusOf({ serving: true, peer: { serving: true } }));
    expect(both.state).toBe("CRITICAL");
    expect(both.problems).toEqual(["both nodes serve: a and b"]);
    expect(
      evaluatePair(
        statusOf({ serving: true, peer: { serving: true }, clusterMode: "active-active" }),
      ).state,
    ).toBe("OK");
  });

  it("is WARNING when the peer is unreachable, a fence waits, failover is suspended or configs differ", () => {
    const lost = evaluatePair(statusOf({ serving: true, peer: { reachable: false } }));
    expect(lost.state).toBe("WARNING");
    expect(nagiosLine(lost)).toMatch(
      /^TANDEM WARNING - peer "b" unreachable \(connection refused\); a ACTIVE serving, b unreachable \(term 4\) \| .*peer_reachable=0;;;0;1 peer_misses=3/,
    );
    const fenced = evaluatePair(
      statusOf({
        mode: "PEER_FENCED",
        peer: { serving: true },
        flags: { peerFenced: { by: "b", term: 4, since: 1 } },
      }),
    );
    expect(fenced.state).toBe("WARNING");
    expect(fenced.problems).toEqual(['a fenced by "b": waits for recovery']);
    expect(
      evaluatePair(statusOf({ serving: true, flags: { suspended: { by: "alice", since: 1 } } }))
        .problems,
    ).toEqual(["failover suspended on a by alice"]);
    expect(
      evaluatePair(statusOf({ serving: true, peer: { configDiffers: true } })).problems,
    ).toEqual(['peer "b" has another cluster section: takeovers refused']);
  });
});
