/** Requests to this node's agent (same origin: the page never talks to the other node). */

let csrf: string | null = null;

/**
 * Sets the CSRF token sent with every POST (from the login answer or /ui/api/session).
 *
 * @example
 * ```ts
 * setCsrf(session.csrf);
 * ```
 */
export function setCsrf(token: string | null): void {
  csrf = token;
}

/**
 * An error answer, with the agent's message.
 *
 * @example
 * ```ts
 * if (err instanceof ApiError && err.status === 429) show(err.message);
 * ```
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

async function parse<T>(r: Response): Promise<T> {
  const body = (await r.json().catch(() => null)) as { error?: string } | null;
  if (!r.ok) throw new ApiError(r.status, body?.error ?? `HTTP ${r.status}`, body);
  return body as T;
}

/**
 * GET a JSON document.
 *
 * @example
 * ```ts
 * const status = await getJson<Status>("/v1/status");
 * ```
 */
export async function getJson<T>(path: string): Promise<T> {
  return parse<T>(await fetch(path, { credentials: "same-origin", cache: "no-store" }));
}

/**
 * POST a JSON body with the CSRF token.
 *
 * @example
 * ```ts
 * await postJson("/ui/api/action", { action: "suspend", node: "b" });
 * ```
 */
export async function postJson<T>(path: string, body: object): Promise<T> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (csrf) headers["x-csrf-token"] = csrf;
  return parse<T>(
    await fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers,
      body: JSON.stringify(body),
    }),
  );
}
