/**
 * `tandem doctor` across the pair: this node's checks, the peer's checks as its agent runs
 * them, and what only both together can tell — identical cluster sections, clock skew, and
 * each node's ports reachable from the other.
 */
import type { StatusDocument } from "../api/status-types.js";
import type { Config } from "../config/schema.js";
import { OperatorClient } from "../control/client.js";
import { askPeer } from "./ask-peer.js";
import { clockCheck, estimateSkew } from "./clock.js";
import { clusterMatchCheck, redactCluster } from "./cluster-diff.js";
import { nodeChecks } from "./local.js";
import { nodeTargets, type ReachResult, type ReachTarget, reach } from "./reach.js";
import { check, type DoctorCheck } from "./types.js";

/** Options of {@link runDoctor}. */
export interface DoctorOptions {
  /** How long to wait for each agent. @default 8000 */
  timeoutMs?: number;
}

/** The SIP ports a status document says a node answers on, as reach targets at `apiUrl`'s host. */
function sipTargets(apiUrl: string, status: StatusDocument | null): ReachTarget[] {
  const listeners = (status?.sip?.listeners ?? [])
    // A silent listener does not answer while its node is not serving: nothing to learn.
    .filter((l) => l.transport === "tcp" || l.whenNotServing === "reject" || status?.node.serving)
    .map((l) => ({ address: l.address, port: l.port, transports: [l.transport] }));
  return nodeTargets(apiUrl, listeners).filter((t) => t.name !== "API");
}

function reachCheck(from: string, to: string, results: readonly ReachResult[]): DoctorCheck {
  const id = `pair/reach-${from}-to-${to}`;
  const failed = results.filter((r) => r.error !== null);
  const what = (r: ReachResult) => `${r.name} ${r.host}:${r.port}`;
  if (failed.length > 0) {
    return check(
      id,
      "fail",
      `from ${from}, ${to}'s ${failed.map((r) => `${what(r)}: ${r.error}`).join("; ")}`,
      `open these ports from ${from} to ${to} (firewall, bind address), and check that ${to}'s agent listens there`,
    );
  }
  return check(id, "ok", `from ${from}, ${to}'s ${results.map(what).join(", ")} answer`);
}

async function ownStatus(
  client: OperatorClient,
  self: string,
): Promise<{ status: StatusDocument | null; check: DoctorCheck }> {
  try {
    const status = await client.status();
    const n = status.node;
    return {
      status,
      check: check(
        `${self}/agent`,
        "ok",
        `agent answers at ${client.url}: ${n.mode}${n.serving ? " serving" : ""}, term ${status.cluster?.term ?? "-"}`,
      ),
    };
  } catch (err) {
    return {
      status: null,
      check: check(
        `${self}/agent`,
        "fail",
        `agent does not answer at ${client.url}: ${(err as Error).message}`,
        "start it (systemctl start tandem-agent) and check api.listen",
      ),
    };
  }
}

/**
 * Runs every check for the node whose configuration this is and, with a cluster section, for
 * its peer and the pair. Never throws for what it finds: every finding is a check.
 *
 * @example
 * ```ts
 * const checks = await runDoctor(config);
 * doctorExitCode(checks); // 0, 1 or 2
 * ```
 */
export async function runDoctor(
  config: Config & { node: { name: string } },
  options: DoctorOptions = {},
): Promise<DoctorCheck[]> {
  const timeoutMs = options.timeoutMs ?? 8000;
  const self = config.node.name;
  const cluster = config.cluster;
  const local = await nodeChecks(self, config);
  if (!cluster) {
    return [...local, check("pair/cluster", "ok", "no cluster section: a standalone node")];
  }
  const me = cluster.nodes.find((n) => n.name === self);
  const peer = cluster.nodes.find((n) => n.name !== self);
  if (!me || !peer) return local;
  const client = (n: { name: string; api: string }) =>
    new OperatorClient({ name: n.name, url: n.api, secret: cluster.secret, timeoutMs });
  const mine = await ownStatus(client(me), self);
  const myTargets = [...nodeTargets(me.api, []), ...sipTargets(me.api, mine.status ?? null)];
  const [answer, peerStatus] = await Promise.all([
    askPeer(peer.api, peer.name, cluster.secret, myTargets, timeoutMs),
    client(peer)
      .status()
      .catch(() => null),
  ]);
  const checks = [...local, mine.check];
  if (!answer.ok) {
    if (answer.status === 401 && /timestamp/.test(answer.error)) {
      checks.push(
        check(
          "pair/clock",
          "fail",
          `${peer.name} refused the doctor's signed request: ${answer.error}`,
          "run NTP (chrony or systemd-timesyncd) on both nodes",
        ),
      );
    } else if (answer.status === 401) {
      checks.push(
        check(
          "pair/cluster-config",
          "fail",
          `${peer.name} refused the doctor's signed request: ${answer.error}`,
          `give both nodes the same cluster.secret (compare the file it comes from)`,
        ),
      );
    } else {
      checks.push(
        check(
          `${peer.name}/agent`,
          "fail",
          `cannot ask ${peer.name}'s agent at ${peer.api}: ${answer.error}; ${peer.name}'s own checks were not run`,
          `start the agent on ${peer.name}, and open TCP ${new URL(peer.api).port || 80} from ${self} to ${peer.name}`,
        ),
      );
    }
    return checks;
  }
  const { reply } = answer;
  const peerSip = await reach(sipTargets(peer.api, peerStatus), Math.min(timeoutMs, 1500));
  // The doctor request itself reached the peer's API.
  const peerApi: ReachResult[] = nodeTargets(peer.api, []).map((t) => ({ ...t, error: null }));
  checks.push(
    ...reply.checks,
    check(`${peer.name}/agent`, "ok", `agent answers at ${peer.api}`),
    clusterMatchCheck(self, redactCluster(cluster), peer.name, reply.cluster ?? ({} as never)),
    clockCheck(peer.name, estimateSkew(answer.sentAt, answer.receivedAt, reply.time)),
    reachCheck(self, peer.name, [...peerApi, ...peerSip]),
    reachCheck(peer.name, self, reply.reach),
  );
  return checks;
}
