/**
 * The console's page: reads /v1/status, /v1/clients and /ui/api/pair of the agent that served
 * it, follows /v1/events to refresh the moment something changes, and refreshes every 2 s for
 * the probes (which have no event).
 */
import { actionButtons, recoverPanel } from "./actions.js";
import { type ApiError, getJson, postJson, setCsrf } from "./api.js";
import { fill, h, when } from "./dom.js";
import { logTable } from "./log.js";
import { fenceVerdict, nodeCard } from "./nodes.js";
import { showQueues } from "./queues.js";
import type { Clients, FenceVerdict, LogEntry, Peer, SessionInfo, Status } from "./types.js";

const REFRESH_MS = 2000;
let session: SessionInfo | null = null;
let inFlight = false;
let again = false;

async function loadSession(): Promise<void> {
  session = await getJson<SessionInfo>("/ui/api/session");
  setCsrf(session.csrf);
  renderAccount();
}

function renderAccount(): void {
  if (!session) return;
  document.getElementById("node-name")?.replaceChildren(session.node);
  if (session.operator) {
    const out = h("button", { type: "button", id: "logout" }, "Log out");
    out.addEventListener("click", async () => {
      await postJson("/ui/api/logout", {}).catch(() => undefined);
      await loadSession();
      void refresh();
    });
    fill("account", h("span", { id: "operator" }, `operator ${session.operator}`), " ", out);
  } else {
    const name = h("input", {
      id: "login-name",
      name: "name",
      autocomplete: "username",
      required: true,
      "aria-label": "operator name",
      placeholder: "operator",
    });
    const pass = h("input", {
      id: "login-password",
      name: "password",
      type: "password",
      autocomplete: "current-password",
      required: true,
      "aria-label": "password",
      placeholder: "password",
    });
    const form = h(
      "form",
      { id: "login" },
      name,
      pass,
      h("button", { type: "submit" }, "Log in"),
      h("span", { id: "login-error", role: "alert" }),
    );
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      try {
        const r = await postJson<{ operator: string; csrf: string }>("/ui/api/login", {
          name: (name as HTMLInputElement).value,
          password: (pass as HTMLInputElement).value,
        });
        setCsrf(r.csrf);
        await loadSession();
        route();
        void refresh();
      } catch (err) {
        const e2 = err as ApiError;
        fill("login-error", e2.status === 429 ? e2.message : `login refused: ${e2.message}`);
      }
    });
    fill("account", form);
  }
  document.getElementById("content")?.toggleAttribute("hidden", locked());
  document.getElementById("locked")?.toggleAttribute("hidden", !locked());
}

interface PairDoc {
  peers: Peer[];
  log: LogEntry[];
  fences: FenceVerdict | null;
}

/** The other node as last read: shown beside a fresh reading of this node meanwhile. */
let lastPair: PairDoc = { peers: [], log: [], fences: null };

async function refresh(): Promise<void> {
  if (inFlight) {
    again = true;
    return;
  }
  inFlight = true;
  try {
    if (!session || locked()) return;
    // Reading the other node can take its agent's timeout (a partition): this node's own
    // status is drawn as soon as it arrives, not held back by it.
    const pair = session.pair ? getJson<PairDoc>("/ui/api/pair").catch(() => null) : null;
    const [own, clients] = await Promise.all([
      getJson<Status>("/v1/status"),
      getJson<Clients>("/v1/clients").catch(() => null),
    ]);
    draw(own, clients, lastPair);
    const fresh = await pair;
    if (fresh) {
      lastPair = fresh;
      draw(own, clients, lastPair);
    }
    fill("updated", `updated ${when(new Date().toISOString())}`);
  } catch (err) {
    fill(
      "updated",
      h("span", { class: "error" }, `cannot read the agent: ${(err as Error).message}`),
    );
  } finally {
    inFlight = false;
    if (again) {
      again = false;
      void refresh();
    }
  }
}

function draw(own: Status, clients: Clients | null, pair: PairDoc): void {
  if (!session) return;
  const cards = [
    { name: own.node.name, status: own as Status | null, clients, error: null as string | null },
    ...pair.peers.map((p) => ({
      name: p.name,
      status: p.status,
      clients: p.clients,
      error: p.error,
    })),
  ].sort((x, y) => (x.name < y.name ? -1 : 1));
  fill("nodes", ...cards.map((c) => nodeCard(c.name, c.status, c.clients, c.error)));
  fill("log", logTable(pair.log));
  fill("fences", pair.fences ? fenceVerdict(pair.fences) : null);
  const canAct = session.pair && session.operator !== null;
  document.getElementById("operate")?.toggleAttribute("hidden", !canAct);
  if (!canAct) return;
  // Redrawing replaces the buttons: the one that had the focus gets it back.
  const action = document.activeElement?.getAttribute("data-action");
  const node = document.activeElement?.getAttribute("data-node");
  fill(
    "action-buttons",
    actionButtons(cards, () => void refresh()),
  );
  if (action) {
    const selector = `#action-buttons button[data-action="${action}"]${node ? `[data-node="${node}"]` : ""}`;
    (document.querySelector(selector) as HTMLElement | null)?.focus();
  }
}

function follow(): void {
  const events = new EventSource("/v1/events");
  for (const type of ["hello", "role", "serving", "switchover", "reconnect"]) {
    events.addEventListener(type, () => {
      fill("stream", "live");
      void refresh();
    });
  }
  events.addEventListener("error", () => fill("stream", "event stream lost: reconnecting…"));
}

function locked(): boolean {
  return session?.public === "none" && !session.operator;
}

function route(): void {
  const queues = location.hash === "#queues";
  document.getElementById("pair-view")?.toggleAttribute("hidden", queues);
  document.getElementById("queues-view")?.toggleAttribute("hidden", !queues);
  document.querySelectorAll("nav a").forEach((a) => {
    a.toggleAttribute("aria-current", a.getAttribute("href") === (queues ? "#queues" : "#pair"));
  });
  if (queues && !locked())
    void showQueues((document.getElementById("queues-day") as HTMLInputElement).value);
}

async function main(): Promise<void> {
  await loadSession();
  document.getElementById("queues-form")?.addEventListener("submit", (e) => {
    e.preventDefault();
    route();
  });
  document
    .getElementById("recover-load")
    ?.addEventListener("click", () => void recoverPanel(() => void refresh()));
  window.addEventListener("hashchange", route);
  route();
  follow();
  await refresh();
  setInterval(() => void refresh(), REFRESH_MS);
}

void main();
