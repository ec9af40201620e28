/**
 * The event stream's wire format, shared by the agent (`src/api/`) and the client library
 * (`src/client/`). It imports nothing, so the client can ship and run in a browser without any
 * server code.
 */

/** Query parameters a client adds to `GET /v1/events` to identify itself. */
export const IDENTITY_PARAMS = {
  /** A random id that stays the same for one client on every node it streams from. */
  session: "session",
  name: "client",
  version: "version",
  policy: "policy",
  /** Keep-alive interval the client asks for, in ms (the node clamps it to 1–60 s). */
  keepAlive: "keepalive",
} as const;

/** Where a client reports which node it follows (`POST`, JSON body {@link FollowReport}). */
export const FOLLOW_PATH = "/v1/clients/follow";

/** The switching policies a client can use. */
export type PolicyName = "follow" | "sticky" | "ordered";

/**
 * First frame of every stream: this node's state.
 *
 * @example
 * ```ts
 * const h: HelloData = { node: "a", mode: "ACTIVE", serving: true, term: 3, active: "a", keepAliveMs: 15000 };
 * ```
 */
export interface HelloData {
  node: string;
  mode: string;
  serving: boolean;
  term: number | null;
  /** The node this one believes ACTIVE (itself or its peer), or null. */
  active: string | null;
  /** How often this stream sends a keep-alive comment, in ms. */
  keepAliveMs: number;
}

/** `role`: this node's mode changed. */
export interface RoleData {
  node: string;
  from: string;
  to: string;
  term: number | null;
  reason: string;
}

/** `serving`: whether this node takes calls changed (an ACTIVE node may hold before serving). */
export interface ServingData {
  node: string;
  mode: string;
  serving: boolean;
  term: number | null;
  reason: string;
}

/** `switchover`: this node took over in a planned switchover. */
export interface SwitchoverData {
  to: string;
  term: number;
  reason: string;
}

/** `reconnect`: an operator (`tandem recover`) tells clients to use node `to`. */
export interface ReconnectData {
  to: string;
  reason: string;
  by: string;
}

/** The body of `POST /v1/clients/follow`. */
export interface FollowReport {
  session: string;
  /** The node name the client follows now, or null when it follows none. */
  follows: string | null;
}

/**
 * One connected client in `GET /v1/clients`.
 *
 * @example
 * ```ts
 * const c: ConnectedClient = { session: "k3j…", name: "console-12", version: "2.1.0", policy: "follow",
 *   follows: "a", remote: "10.0.0.31", since: "2026-11-28T18:40:00.000Z" };
 * ```
 */
export interface ConnectedClient {
  /** Null for a stream opened without identity parameters. */
  session: string | null;
  name: string | null;
  version: string | null;
  policy: string | null;
  follows: string | null;
  remote: string;
  since: string;
}

/** The body of `GET /v1/clients`. */
export interface ClientsDocument {
  node: string;
  /** Every open event stream, identified or not. */
  streams: number;
  clients: ConnectedClient[];
}
