/**
 * Operator commands. Each is idempotent and leaves exactly one log entry naming who asked:
 * the transition it causes, or a note saying why nothing changed.
 */
import { type Draft, enter, log } from "./draft.js";
import { activePeer, liveView, peersOf, successor } from "./facts.js";
import { selfFence, stepDown, takeOver } from "./takeover.js";
import type { CommandName } from "./types.js";

/**
 * Applies an operator command addressed to this node.
 *
 * @example
 * ```ts
 * onCommand(d, "switchover", "a", "alice"); // a takes the active role, planned, no fencing
 * ```
 */
export function onCommand(
  d: Draft,
  command: CommandName,
  target: string | undefined,
  by: string,
  force = false,
): void {
  const self = d.s.options.self.name;
  const cause = { command, target: target ?? self, by };
  const note = (message: string, level: "info" | "warn" = "info") =>
    log(d, level, "command", `${command} by ${by}: ${message}`, cause);
  if (command === "switchover") {
    switchover(d, target ?? self, by, cause, note);
    return;
  }
  if (target !== undefined && target !== self) {
    note(`addressed to "${target}", not to this node "${self}"; nothing done`, "warn");
    return;
  }
  const handlers: Record<Exclude<CommandName, "switchover">, () => void> = {
    activate: () => activate(d, by, cause, note),
    deactivate: () => deactivate(d, by, cause, note, force),
    failover: () => failover(d, by, cause, note, force),
    suspend: () => suspend(d, by, note),
    resume: () => resume(d, note),
    "clear-fence": () => clearFence(d, by, cause, note),
  };
  handlers[command]();
}

type Note = (message: string, level?: "info" | "warn") => void;

function healthProblem(d: Draft): string | null {
  const h = d.s.health;
  if (!h) return "local health not known yet";
  return h.healthy ? null : `critical probes down: ${h.criticalDown.join(", ") || "pending"}`;
}

/** Makes this node ACTIVE whatever its flags: the operator's way out of a fence. */
function activate(d: Draft, by: string, cause: object, note: Note): void {
  const s = d.s;
  if (s.mode === "ACTIVE") {
    if (s.flags.suspended) s.flags.suspended = null;
    note("already ACTIVE");
    return;
  }
  const problem = healthProblem(d);
  if (problem) {
    note(`refused: ${problem}`, "warn");
    return;
  }
  s.flags.suspended = null;
  takeOver(d, {
    reason: `activated by ${by}`,
    event: "command",
    cause,
    fence: null,
    switchover: activePeer(s) !== undefined,
  });
}

/**
 * Why taking this ACTIVE node out would leave nobody serving, or `null` when a peer can take
 * over (or the operator forced it).
 */
function nobodyLeft(d: Draft, force: boolean): string | null {
  if (force) return null;
  const next = successor(d.s);
  if (next.peer) return null;
  return `refused: no other node can take over (${next.why}), so nobody would serve; add --force to do it anyway`;
}

/** On the active: force a failover. On a standby: suspend takeover and fencing. */
function deactivate(d: Draft, by: string, cause: object, note: Note, force: boolean): void {
  const s = d.s;
  if (s.mode === "ACTIVE") {
    const refusal = nobodyLeft(d, force);
    if (refusal) {
      note(refusal, "warn");
      return;
    }
    selfFence(d, { reason: `deactivated by ${by}`, event: "command", cause });
  } else if (s.mode === "STANDBY" || s.mode === "STARTING") {
    suspend(d, by, note);
  } else {
    note(`already ${s.mode}`);
  }
}

/** On the active: fence itself so the standby takes over. On the standby: take over now. */
function failover(d: Draft, by: string, cause: object, note: Note, force: boolean): void {
  const s = d.s;
  if (s.mode === "ACTIVE") {
    const refusal = nobodyLeft(d, force);
    if (refusal) {
      note(refusal, "warn");
      return;
    }
    selfFence(d, { reason: `failover forced by ${by}`, event: "command", cause });
    return;
  }
  if (s.mode !== "STANDBY") {
    note(`refused: this node is ${s.mode}; use activate or clear-fence`, "warn");
    return;
  }
  const problem = healthProblem(d);
  if (problem) {
    note(`refused: ${problem}`, "warn");
    return;
  }
  const active = activePeer(s);
  const old = active ?? peersOf(s)[0];
  takeOver(d, {
    reason: `failover forced by ${by}`,
    event: "command",
    cause,
    fence: old?.name ?? null,
    switchover: true,
  });
}

/**
 * Planned handover to `target`: the target takes over in a new term without fencing; the
 * current active steps down and waits for it.
 */
function switchover(d: Draft, target: string, by: string, cause: object, note: Note): void {
  const s = d.s;
  if (target === s.options.self.name) {
    const refusal =
      s.mode === "ACTIVE"
        ? "already ACTIVE"
        : s.mode !== "STANDBY"
          ? `refused: this node is ${s.mode}; clear-fence first`
          : healthProblem(d);
    if (refusal) {
      note(refusal, refusal === "already ACTIVE" ? "info" : "warn");
      return;
    }
    takeOver(d, {
      reason: `switchover by ${by}`,
      event: "command",
      cause,
      fence: null,
      switchover: true,
    });
    return;
  }
  const refusal = handoverRefusal(d, target);
  if (refusal) {
    note(refusal, refusal.endsWith("already ACTIVE") ? "info" : "warn");
    return;
  }
  s.handoverTo = target;
  stepDown(d, {
    level: "info",
    reason: `switchover to "${target}" by ${by}`,
    event: "command",
    cause,
  });
}

/** Why this node cannot hand the active role to `target`, or `null`. */
function handoverRefusal(d: Draft, target: string): string | null {
  const s = d.s;
  const peer = s.peers[target];
  if (!peer) return `refused: unknown node "${target}"`;
  const view = liveView(peer);
  if (view?.mode === "ACTIVE") return `"${target}" is already ACTIVE`;
  if (s.mode !== "ACTIVE") return `refused: neither this node nor "${target}" is ACTIVE`;
  const ready = view?.mode === "STANDBY" && view.healthy && !view.flags.suspended;
  if (ready && !peer.configDiffers) return null;
  const state = view ? `${view.mode}${view.healthy ? "" : ", unhealthy"}` : "unreachable";
  return `refused: "${target}" cannot take over (${state})`;
}

function suspend(d: Draft, by: string, note: Note): void {
  const s = d.s;
  if (s.flags.suspended) {
    note(`already suspended by ${s.flags.suspended.by}`);
    return;
  }
  s.flags.suspended = { by, since: d.now };
  note("takeover and fencing suspended");
}

function resume(d: Draft, note: Note): void {
  const s = d.s;
  if (!s.flags.suspended) {
    note("not suspended");
    return;
  }
  s.flags.suspended = null;
  note("takeover and fencing resumed");
}

/** Clears this node's fences (and the fence it asserts on its peer, telling the peer). */
function clearFence(d: Draft, by: string, cause: object, note: Note): void {
  const s = d.s;
  const f = s.flags;
  if (!f.selfFenced && !f.peerFenced && !f.fencingPeer) {
    note("no fence to clear");
    return;
  }
  if (f.fencingPeer)
    d.out.push({ type: "sendUnfence", peer: f.fencingPeer.peer, term: f.fencingPeer.term });
  const wasFenced = s.mode === "SELF_FENCED" || s.mode === "PEER_FENCED";
  f.selfFenced = null;
  f.peerFenced = null;
  f.fencingPeer = null;
  if (
    !wasFenced ||
    !enter(d, "STANDBY", { reason: `fences cleared by ${by}`, event: "command", cause })
  ) {
    note("fences cleared");
  }
}
