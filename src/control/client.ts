/**
 * The operator's side of the control API: signed requests to one node's agent.
 */
import type { ClientsDocument } from "../api/client-wire.js";
import type { StatusDocument } from "../api/status-types.js";
import type { CommandOutcome } from "../cluster/cluster-node.js";
import type { FailoverLogEntry } from "../cluster/failover-log.js";
import type { CommandName } from "../engine/types.js";
import { AgentResponseError, CommandRefusedError, PeerAuthError } from "../errors.js";
import { signRequest } from "../peer/signing.js";
import { type AgentTls, requestAgent } from "./agent-request.js";
import { type CheckResult, CONTROL_PATHS } from "./routes.js";

/** The name operator requests are signed with (the body says who asked). */
export const OPERATOR_SIGNER = "operator";

/**
 * A command's answer from the node that applied it.
 *
 * @example
 * ```ts
 * const r: CommandReply = await client.command("deactivate", "a", "alice@console");
 * console.log(r.messages.join("\n"));
 * ```
 */
export interface CommandReply extends CommandOutcome {
  node: string;
  command: CommandName;
  target: string;
  by: string;
}

/**
 * Talks to one node's agent.
 *
 * @example
 * ```ts
 * const a = new OperatorClient({ name: "a", url: "http://127.0.0.1:7701", secret });
 * await a.command("suspend", "a", "alice@console");
 * ```
 */
export class OperatorClient {
  readonly name: string;
  readonly url: string;
  readonly #secret: string;
  readonly #timeoutMs: number;
  readonly #tls: AgentTls | undefined;

  constructor(options: {
    name: string;
    url: string;
    secret: string;
    timeoutMs?: number;
    /** CA (and client certificate) for an `https` agent. */
    tls?: AgentTls;
  }) {
    this.name = options.name;
    this.url = options.url.replace(/\/+$/, "");
    this.#secret = options.secret;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#tls = options.tls;
  }

  /** `/v1/status` of this node. */
  status(): Promise<StatusDocument> {
    return this.#request<StatusDocument>("GET", "/v1/status");
  }

  /** Sends an operator command to this node; `force` takes a node out even if nobody else serves. */
  command(
    command: CommandName,
    target: string | undefined,
    by: string,
    force = false,
  ): Promise<CommandReply> {
    return this.#signed<CommandReply>(CONTROL_PATHS.command, {
      command,
      target,
      by,
      ...(force ? { force: true } : {}),
    });
  }

  /** Runs this node's `queues-paused` check hooks. */
  checkQueuesPaused(by: string): Promise<CheckResult & { node: string }> {
    return this.#signed(CONTROL_PATHS.check, { check: "queues-paused", by });
  }

  /** Tells this node's event-stream clients to reconnect to `to`. */
  notifyReconnect(to: string, reason: string, by: string): Promise<unknown> {
    return this.#signed(CONTROL_PATHS.notify, { event: "reconnect", to, reason, by });
  }

  /** The clients connected to this node's event stream (`GET /v1/clients`). */
  clients(): Promise<ClientsDocument> {
    return this.#request<ClientsDocument>("GET", "/v1/clients");
  }

  /** The latest failover-log entries of this node. */
  async log(limit: number): Promise<FailoverLogEntry[]> {
    const r = await this.#request<{ entries: FailoverLogEntry[] }>(
      "GET",
      `${CONTROL_PATHS.log}?limit=${limit}`,
    );
    return r.entries;
  }

  #signed<T>(path: string, value: object): Promise<T> {
    const body = Buffer.from(JSON.stringify(value));
    const headers = signRequest({
      secret: this.#secret,
      node: OPERATOR_SIGNER,
      target: this.name,
      method: "POST",
      path,
      body,
    });
    return this.#request<T>("POST", path, body, {
      ...headers,
      "content-type": "application/json",
    });
  }

  async #request<T>(
    method: "GET" | "POST",
    path: string,
    body?: Buffer,
    headers?: Record<string, string>,
  ): Promise<T> {
    const where = `"${this.name}" (${this.url})`;
    const response = await requestAgent({
      url: `${this.url}${path}`,
      method,
      ...(headers ? { headers } : {}),
      ...(body ? { body } : {}),
      timeoutMs: this.#timeoutMs,
      ...(this.#tls ? { tls: this.#tls } : {}),
      where: `the agent of ${where}`,
    });
    const { text } = response;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new AgentResponseError(
        `The agent of ${where} answered HTTP ${response.status} to ${path} with a body that is not JSON`,
      );
    }
    if (response.status >= 200 && response.status < 300) return parsed as T;
    const error = (parsed as { error?: unknown }).error;
    const message = `${where}: ${typeof error === "string" ? error : `HTTP ${response.status}`}`;
    if (response.status === 401) {
      throw new PeerAuthError(
        `${message} (the request was signed with cluster.secret from your --config: is it the same file the agents use?)`,
      );
    }
    if (response.status === 409) throw new CommandRefusedError(message);
    if (response.status === 404) {
      throw new AgentResponseError(`${message}: the agent has no ${path} (not part of a pair?)`);
    }
    throw new AgentResponseError(message);
  }
}
