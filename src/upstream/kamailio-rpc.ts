/**
 * Kamailio's JSON-RPC over HTTP (`jsonrpcs` with `xhttp`): the one call the push needs.
 */
import { KamailioRpcError } from "../errors.js";

/** A dispatcher state as `dispatcher.set_state` takes it: `ap` active, `ip` inactive (probing). */
export type DispatcherState = "ap" | "ip";

/** One state change. */
export interface SetState {
  state: DispatcherState;
  setid: number;
  destination: string;
}

/**
 * Sets a dispatcher destination's state with `dispatcher.set_state`. Resolves when Kamailio
 * answered with a `result`; rejects with a {@link KamailioRpcError} saying what went wrong.
 *
 * @example
 * ```ts
 * await setDispatcherState("http://127.0.0.1:5080/RPC", { state: "ap", setid: 1, destination: "sip:10.0.0.12:5070" }, 500);
 * ```
 */
export async function setDispatcherState(
  url: string,
  change: SetState,
  timeoutMs: number,
): Promise<void> {
  const where = `${change.state} for ${change.destination} in set ${change.setid} at ${url}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        method: "dispatcher.set_state",
        params: [change.state, change.setid, change.destination],
        id: 1,
      }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const reason =
      (err as Error).name === "TimeoutError"
        ? `no answer within ${timeoutMs} ms`
        : ((err as { cause?: Error }).cause?.message ?? (err as Error).message);
    throw new KamailioRpcError(`dispatcher.set_state ${where}: ${reason}`, { cause: err });
  }
  const text = await res.text().catch(() => "");
  if (res.status !== 200) {
    throw new KamailioRpcError(
      `dispatcher.set_state ${where}: HTTP ${res.status}${text ? ` (${text.trim().slice(0, 120)})` : ""}`,
    );
  }
  let body: { result?: unknown; error?: { code?: number; message?: string } };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new KamailioRpcError(
      `dispatcher.set_state ${where}: expected a JSON-RPC answer, got ${JSON.stringify(text.slice(0, 80))}`,
    );
  }
  if (body.error) {
    throw new KamailioRpcError(
      `dispatcher.set_state ${where}: Kamailio answered error ${body.error.code ?? "?"} ${body.error.message ?? ""}`.trimEnd(),
    );
  }
}
