/** The confirmation dialog: says what will happen, answers true only on an explicit yes. */
import { fill, h } from "./dom.js";

/**
 * Shows `what` and resolves with the operator's choice.
 *
 * @example
 * ```ts
 * if (await confirmAction("Suspend b", '"b" will not take over until resumed.')) send();
 * ```
 */
export function confirmAction(title: string, what: string, extra?: HTMLElement): Promise<boolean> {
  const dialog = document.getElementById("confirm") as HTMLDialogElement;
  const yes = h("button", { type: "button", class: "primary", id: "confirm-yes" }, "Yes, do it");
  const no = h("button", { type: "button", id: "confirm-no" }, "Cancel");
  fill(
    "confirm",
    h("h2", {}, title),
    h("p", { id: "confirm-what" }, what),
    extra ?? null,
    h("div", { class: "buttons" }, yes, no),
  );
  return new Promise((resolve) => {
    // The dialog element is reused: its cancel listener goes with this question's answer.
    const onCancel = () => finish(false);
    const finish = (ok: boolean) => {
      dialog.removeEventListener("cancel", onCancel);
      resolve(ok);
    };
    const done = (ok: boolean) => {
      dialog.close();
      finish(ok);
    };
    yes.addEventListener("click", () => done(true));
    no.addEventListener("click", () => done(false));
    dialog.addEventListener("cancel", onCancel);
    dialog.showModal();
    no.focus();
  });
}
