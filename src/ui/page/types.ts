/** The parts of the agent's JSON documents the page reads (see src/api/status-types.ts). */

export interface Probe {
  name: string;
  kind: string;
  severity: "critical" | "warning";
  state: "pending" | "up" | "down";
  since: string | null;
  last: { at: string; status: string; message: string } | null;
}

export interface Flags {
  selfFenced: { since: number; reason: string } | null;
  peerFenced: { by: string; term: number; since: number } | null;
  suspended: { by: string; since: number } | null;
  fencingPeer: { peer: string; term: number; since: number } | null;
}

export interface Status {
  node: {
    name: string;
    mode: string;
    serving: boolean;
    reason: string;
    healthy: boolean;
    since: string;
    version: string;
  };
  cluster: {
    term: number;
    flags: Flags;
    quorum?: {
      holder: string | null;
      revision: number;
      held: boolean;
      error: string | null;
    } | null;
    peers: Array<{ name: string; reachable: boolean; lastError: string | null }>;
  } | null;
  sip: {
    listeners: Array<{ transport: string; address: string; port: number }>;
    counters: Record<string, number>;
  } | null;
  probes: Probe[];
  time: string;
}

export interface Clients {
  streams: number;
  clients: Array<{
    name: string | null;
    version: string | null;
    follows: string | null;
    remote: string;
    since: string;
  }>;
}

export interface LogEntry {
  time: string;
  node: string;
  level: string;
  event: string;
  message: string;
}

export interface Peer {
  name: string;
  url: string;
  status: Status | null;
  clients: Clients | null;
  error: string | null;
}

export interface SessionInfo {
  node: string;
  operator: string | null;
  csrf: string | null;
  public: "status" | "none";
  pair: boolean;
  queues: boolean;
}

export interface ActionAnswer {
  node: string;
  command: string;
  target: string;
  by: string;
  outcome: "changed" | "unchanged" | "refused";
  messages: string[];
  mode: string;
  serving: boolean;
  term: number;
}

export interface FenceVerdict {
  verdict: "normal" | "known" | "invalid";
  situation: string;
  likelyCause?: string;
}
