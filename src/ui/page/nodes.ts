/** One node's card: mode, serving, term, health, probes, fences, quorum, SIP, clients. */
import { h, when } from "./dom.js";
import type { Clients, FenceVerdict, Flags, Status } from "./types.js";

function row(label: string, value: Node | string, cls?: string): HTMLElement {
  return h("div", { class: `kv${cls ? ` ${cls}` : ""}` }, h("dt", {}, label), h("dd", {}, value));
}

/**
 * The verdict and explanation of each flag, as the operator needs them. The flags' `since` is
 * the engine's monotonic clock, not a wall time, so it is not shown.
 */
function fences(f: Flags, name: string): HTMLElement {
  const item = (label: string, on: boolean, text: string) =>
    h(
      "li",
      { class: on ? "flag on" : "flag off", "data-flag": label },
      h("strong", {}, `${label}: ${on ? "SET" : "clear"}`),
      " ",
      h("span", {}, text),
    );
  return h(
    "ul",
    { class: "flags" },
    item(
      "self-fenced",
      !!f.selfFenced,
      f.selfFenced
        ? `${name} refuses calls: ${f.selfFenced.reason}. Cleared by clear-fence or recover.`
        : `${name} has not fenced itself.`,
    ),
    item(
      "peer-fenced",
      !!f.peerFenced,
      f.peerFenced
        ? `"${f.peerFenced.by}" told ${name} to stand down in term ${f.peerFenced.term}. Cleared by clear-fence or recover.`
        : `no peer fence on ${name}.`,
    ),
    item(
      "suspended",
      !!f.suspended,
      f.suspended
        ? `takeover and fencing suspended by ${f.suspended.by}: ${name} will not take over. Resume re-arms it.`
        : "takeover and fencing armed.",
    ),
    item(
      "fencing peer",
      !!f.fencingPeer,
      f.fencingPeer
        ? `${name} keeps "${f.fencingPeer.peer}" out since term ${f.fencingPeer.term}.`
        : "no fence asserted on the peer.",
    ),
  );
}

function probes(s: Status): HTMLElement {
  return h(
    "table",
    { class: "probes" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", {}, "probe"),
        h("th", {}, "state"),
        h("th", {}, "last message"),
        h("th", {}, "since"),
      ),
    ),
    h(
      "tbody",
      {},
      ...s.probes.map((p) =>
        h(
          "tr",
          { class: `probe ${p.state}`, "data-probe": p.name },
          h("td", {}, `${p.name}${p.severity === "warning" ? " (warning)" : ""}`),
          h("td", { class: "state" }, p.state.toUpperCase()),
          h("td", {}, p.last?.message ?? "—"),
          h("td", {}, when(p.since)),
        ),
      ),
    ),
  );
}

function clients(c: Clients | null): HTMLElement {
  if (!c) return h("p", { class: "muted" }, "clients unknown");
  return h(
    "div",
    { class: "clients" },
    h(
      "p",
      {},
      `${c.streams} event stream(s) open, ${c.clients.filter((x) => x.name).length} identified`,
    ),
    c.clients.length === 0
      ? null
      : h(
          "ul",
          {},
          ...c.clients
            .filter((x) => x.name)
            .map((x) =>
              h(
                "li",
                {},
                `${x.name}${x.version ? ` ${x.version}` : ""} from ${x.remote}, follows ${x.follows ?? "?"} since ${when(x.since)}`,
              ),
            ),
        ),
  );
}

/**
 * The card of one node; `error` when its agent does not answer.
 *
 * @example
 * ```ts
 * fill("nodes", nodeCard("a", status, clients, null));
 * ```
 */
export function nodeCard(
  name: string,
  s: Status | null,
  c: Clients | null,
  error: string | null,
): HTMLElement {
  if (!s) {
    return h(
      "article",
      { class: "node down", "data-node": name },
      h(
        "h2",
        {},
        name,
        " ",
        h("span", { class: "mode UNREACHABLE", "data-mode": "UNREACHABLE" }, "UNREACHABLE"),
      ),
      h("p", { class: "error" }, error ?? "no answer"),
    );
  }
  const n = s.node;
  const q = s.cluster?.quorum;
  return h(
    "article",
    { class: `node ${n.serving ? "serving" : ""}`, "data-node": name },
    h("h2", {}, name, " ", h("span", { class: `mode ${n.mode}`, "data-mode": n.mode }, n.mode)),
    h(
      "dl",
      {},
      row("serving", n.serving ? "yes: takes calls" : "no", n.serving ? "yes" : "no"),
      row("term", String(s.cluster?.term ?? "—")),
      row("health", n.healthy ? "healthy" : "unhealthy", n.healthy ? "yes" : "no"),
      row("why", n.reason),
      row("since", when(n.since)),
      row("version", n.version),
    ),
    h("h3", {}, "Probes"),
    probes(s),
    s.cluster ? h("h3", {}, "Fences") : null,
    s.cluster ? fences(s.cluster.flags, name) : null,
    q ? h("h3", {}, "Quorum") : null,
    q
      ? h(
          "dl",
          { class: "quorum" },
          row(
            "leader key",
            q.holder === null ? "free" : `held by "${q.holder}" (revision ${q.revision})`,
          ),
          row("this node", q.held ? "holds the key: may serve" : "does not hold the key"),
          row("problem", q.error ?? "none", q.error ? "no" : undefined),
        )
      : null,
    s.sip ? h("h3", {}, "SIP responder") : null,
    s.sip
      ? h(
          "dl",
          { class: "sip" },
          ...Object.entries(s.sip.counters).map(([k, v]) => row(k, String(v))),
        )
      : null,
    h("h3", {}, "Clients"),
    clients(c),
  );
}

/**
 * The verdict on both nodes' flags together (`normal`, `known`, `invalid`), as `tandem status`
 * prints it.
 *
 * @example
 * ```ts
 * fill("fences", fenceVerdict({ verdict: "normal", situation: "no flags set" }));
 * ```
 */
export function fenceVerdict(v: FenceVerdict): HTMLElement {
  return h(
    "p",
    { class: `verdict ${v.verdict}`, "data-verdict": v.verdict },
    h("strong", {}, `Fence flags: ${v.verdict === "invalid" ? "INVALID" : v.verdict}`),
    `: ${v.situation}`,
    v.likelyCause ? ` (likely cause: ${v.likelyCause})` : "",
  );
}
