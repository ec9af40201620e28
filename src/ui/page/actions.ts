/** The operator actions and the guided recovery, each confirmed, each answer shown. */
import { type ApiError, getJson, postJson } from "./api.js";
import { confirmAction } from "./confirm.js";
import { fill, h } from "./dom.js";
import type { ActionAnswer, Status } from "./types.js";

interface Reading {
  name: string;
  status: Status | null;
}

/**
 * Shows an answer in the live region under the actions.
 *
 * @example
 * ```ts
 * showAnswer("Suspend b", "changed", ["suspend by alice@web from 10.0.0.5: takeover and fencing suspended"]);
 * ```
 */
export function showAnswer(title: string, outcome: string, lines: string[]): void {
  fill(
    "answer",
    h(
      "p",
      { class: `outcome ${outcome}`, "data-outcome": outcome },
      h("strong", {}, `${title}: ${outcome}`),
    ),
    lines.length ? h("ul", {}, ...lines.map((l) => h("li", {}, l))) : null,
  );
}

async function act(
  label: string,
  what: string,
  body: { action: string; node?: string },
  after: () => void,
) {
  if (!(await confirmAction(label, what))) return;
  try {
    const a = await postJson<ActionAnswer>("/ui/api/action", body);
    showAnswer(`${label} (on ${a.node})`, a.outcome, [
      ...a.messages,
      `now ${a.mode}${a.serving ? " serving" : ""}, term ${a.term}; logged as by ${a.by}`,
    ]);
  } catch (err) {
    showAnswer(label, "error", [(err as Error).message]);
  }
  after();
}

/**
 * The action buttons for the pair as it is now.
 *
 * @example
 * ```ts
 * fill("action-buttons", actionButtons(cards, () => void refresh()));
 * ```
 */
export function actionButtons(nodes: Reading[], after: () => void): HTMLElement {
  const active = nodes.find((n) => n.status?.node.mode === "ACTIVE")?.name;
  const button = (label: string, what: string, body: { action: string; node?: string }) => {
    const b = h(
      "button",
      { type: "button", "data-action": body.action, "data-node": body.node },
      label,
    );
    b.addEventListener("click", () => void act(label, what, body, after));
    return b;
  };
  const rows: HTMLElement[] = [];
  for (const n of nodes) {
    const flags = n.status?.cluster?.flags;
    const group = h(
      "div",
      { class: "action-group" },
      h("span", { class: "group-name" }, `${n.name}:`),
    );
    if (n.name !== active) {
      group.append(
        button(
          `Switch over to ${n.name}`,
          `${active ? `"${active}" hands the ACTIVE role to "${n.name}"` : `"${n.name}" takes the ACTIVE role`} in a new term. Nothing is fenced; "${n.name}" must be healthy and not suspended. Clients on the event stream get a switchover notice.`,
          { action: "switchover", node: n.name },
        ),
      );
    }
    group.append(
      flags?.suspended
        ? button(`Resume ${n.name}`, `Re-arms takeover and fencing on "${n.name}".`, {
            action: "resume",
            node: n.name,
          })
        : button(
            `Suspend ${n.name}`,
            `"${n.name}" will neither take over nor fence its peer until resumed. If it is ACTIVE it keeps serving.`,
            { action: "suspend", node: n.name },
          ),
    );
    group.append(
      button(
        `Clear fence on ${n.name}`,
        `Clears "${n.name}"'s fence flags (self-fenced, fenced by the peer) so it can stand by again. Check the log below for why it was fenced first.`,
        { action: "clear-fence", node: n.name },
      ),
    );
    rows.push(group);
  }
  rows.push(
    h(
      "div",
      { class: "action-group" },
      button(
        "Fail over",
        active
          ? `"${active}" fences itself and steps down; the other node takes over. "${active}" stays out until clear-fence or the recovery.`
          : "No node is ACTIVE: the healthiest standby is told to take over.",
        { action: "failover" },
      ),
    ),
  );
  return h("div", { class: "actions" }, ...rows);
}

interface Plan {
  pair: string;
  recovered: boolean;
  recovering?: string;
  survivor?: string;
  steps: Array<{ step: string; title: string; done: boolean }>;
  reports: Array<{ step: string; status: string; messages: string[] }>;
  error?: string;
}

/**
 * The guided recovery panel: the step list, how far it got, and the next step's button.
 *
 * @example
 * ```ts
 * await recoverPanel(() => void refresh());
 * ```
 */
export async function recoverPanel(after: () => void): Promise<void> {
  let plan: Plan;
  try {
    plan = await getJson<Plan>("/ui/api/recover");
  } catch (err) {
    fill("recover", h("p", { class: "error" }, (err as Error).message));
    return;
  }
  const next = plan.steps.find((s) => !s.done);
  const list = h(
    "ol",
    { class: "steps" },
    ...plan.steps.map((s) => {
      const report = plan.reports.find((r) => r.step === s.step);
      return h(
        "li",
        { class: s.done ? "done" : s === next ? "next" : "todo", "data-step": s.step },
        h("strong", {}, s.step),
        ` — ${s.title}`,
        s.done ? ` ✔ ${report?.status ?? "done"}` : "",
        report?.messages.length ? h("div", { class: "muted" }, report.messages.join("; ")) : null,
      );
    }),
  );
  const head = plan.recovered
    ? h("p", {}, `Nothing to recover: ${plan.pair}`)
    : h(
        "p",
        {},
        plan.recovering
          ? `Recovering "${plan.recovering}" (calls are on "${plan.survivor}"): ${plan.pair}`
          : plan.pair,
      );
  const error = plan.error ? h("p", { class: "error" }, plan.error) : null;
  const run = next
    ? h(
        "button",
        { type: "button", id: "recover-next", "data-step": next.step },
        `Run step ${plan.steps.indexOf(next) + 1}: ${next.step}`,
      )
    : null;
  run?.addEventListener("click", async () => {
    const paused =
      next?.step === "queues-paused"
        ? h(
            "label",
            {},
            h("input", { type: "checkbox", id: "queues-paused" }),
            " I checked: every queue member on the recovering node is paused",
          )
        : null;
    if (
      !next ||
      !(await confirmAction(`Recovery step ${next.step}`, next.title, paused ?? undefined))
    )
      return;
    const checked =
      (document.getElementById("queues-paused") as HTMLInputElement | null)?.checked === true;
    fill("answer", h("p", {}, `running step ${next.step}…`));
    try {
      const r = await postJson<Plan & { report: { status: string; messages: string[] } }>(
        "/ui/api/recover",
        { step: next.step, queuesPaused: checked },
      );
      showAnswer(`Recovery step ${next.step}`, r.report.status, r.report.messages);
    } catch (err) {
      showAnswer(`Recovery step ${next.step}`, "refused", [(err as ApiError).message]);
    }
    await recoverPanel(after);
    after();
  });
  fill("recover", head, error, list, run);
}
