import { describe, expect, it } from "vitest";
import { AgentMetrics } from "./metrics.js";
import type { StatusDocument } from "./status-types.js";

const flags = { selfFenced: null, peerFenced: null, suspended: null, fencingPeer: null };

/** A status document as a pair's standby agent serves it; only what the metrics read matters. */
function standbyStatus(overrides: {
  reachable?: boolean;
  configDiffers?: boolean;
  peerFenced?: boolean;
}): StatusDocument {
  return {
    node: {
      name: "b",
      mode: overrides.peerFenced ? "PEER_FENCED" : "STANDBY",
      serving: false,
      reason: "peer a is ACTIVE",
      healthy: true,
      since: "2026-11-28T10:00:00.000Z",
      version: "0.1.0",
      pid: 1,
      startedAt: "2026-11-28T10:00:00.000Z",
      debugPolls: false,
      criticalDown: [],
      warningDown: [],
    },
    cluster: {
      clusterMode: "hot-standby",
      rank: 2,
      term: 7,
      flags: overrides.peerFenced
        ? { ...flags, peerFenced: { by: "a", term: 7, since: 1 } }
        : flags,
      lastTransition: null,
      peers: [
        {
          name: "a",
          rank: 1,
          reachable: overrides.reachable ?? true,
          misses: 0,
          lastError: null,
          mode: "ACTIVE",
          term: 7,
          healthy: true,
          serving: true,
          flags,
          configDiffers: overrides.configDiffers ?? false,
          clockSkewMs: null,
        },
      ],
    },
    sip: null,
    probes: [],
    time: "2026-11-28T10:05:00.000Z",
  };
}

describe("AgentMetrics for a pair", () => {
  it("exposes the pair's state from one status snapshot per scrape", async () => {
    let status = standbyStatus({});
    const metrics = new AgentMetrics(() => status);
    const text = await metrics.text();
    expect(text).toContain("tandem_node_serving 0");
    expect(text).toContain("tandem_cluster_term 7");
    expect(text).toContain('tandem_peer_reachable{peer="a"} 1');
    expect(text).toContain('tandem_peer_config_match{peer="a"} 1');
    expect(text).toContain('tandem_fence_flag{flag="peerFenced"} 0');

    status = standbyStatus({ reachable: false, configDiffers: true, peerFenced: true });
    const later = await metrics.text();
    expect(later).toContain('tandem_peer_reachable{peer="a"} 0');
    expect(later).toContain('tandem_peer_config_match{peer="a"} 0');
    expect(later).toContain('tandem_fence_flag{flag="peerFenced"} 1');
    expect(later).toContain('tandem_fence_flag{flag="selfFenced"} 0');
  });

  it("counts transitions by cause, keeps the last one's time, and records heartbeats", async () => {
    const metrics = new AgentMetrics(() => standbyStatus({}));
    expect(await metrics.text()).toContain("tandem_last_transition_timestamp_seconds 0");
    const base = { node: "b", term: 8, reason: 'peer "a" unreachable 3/3', wasServing: false };
    metrics.onTransition({
      ...base,
      from: "STANDBY",
      to: "ACTIVE",
      serving: true,
      at: "2026-11-28T10:06:00.000Z",
      cause: "takeover",
    });
    metrics.onTransition({
      ...base,
      from: "ACTIVE",
      to: "SELF_FENCED",
      serving: false,
      at: "2026-11-28T10:07:00.500Z",
      cause: "self-fence",
    });
    metrics.observeHeartbeat({ peer: "a", rttMs: 3, skewMs: -1500 });
    metrics.observeHeartbeat({ peer: "a", rttMs: 30, skewMs: 250 });
    const text = await metrics.text();
    expect(text).toContain(
      'tandem_transitions_total{from="STANDBY",to="ACTIVE",cause="takeover"} 1',
    );
    expect(text).toContain(
      'tandem_transitions_total{from="ACTIVE",to="SELF_FENCED",cause="self-fence"} 1',
    );
    expect(text).toContain(
      `tandem_last_transition_timestamp_seconds ${Date.parse("2026-11-28T10:07:00.500Z") / 1000}`,
    );
    expect(text).toContain('tandem_heartbeat_rtt_seconds_count{peer="a"} 2');
    expect(text).toContain('tandem_heartbeat_rtt_seconds_bucket{le="0.005",peer="a"} 1');
    expect(text).toContain('tandem_heartbeat_rtt_seconds_bucket{le="0.05",peer="a"} 2');
    expect(text).toContain('tandem_peer_clock_skew_seconds{peer="a"} 0.25');
  });
});
