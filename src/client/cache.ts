/**
 * The last known server set, kept between runs so a client that starts while no server
 * answers begins with the server it used last.
 */

/**
 * What is saved after every successful choice.
 *
 * @example
 * ```ts
 * const s: CachedServers = { servers: ["http://10.0.0.11:7701", "http://10.0.0.12:7701"],
 *   current: "http://10.0.0.12:7701", savedAt: "2026-11-28T18:40:00.000Z" };
 * ```
 */
export interface CachedServers {
  servers: string[];
  current: string | null;
  savedAt: string;
}

/** Where the client keeps {@link CachedServers}; both methods may be async. */
export interface ServerCache {
  load(): CachedServers | null | Promise<CachedServers | null>;
  save(value: CachedServers): void | Promise<void>;
}

/** The part of the Web Storage API (`localStorage`) the cache uses. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * A cache in a Web Storage (a browser's `localStorage`, or anything with the same two methods).
 *
 * @example
 * ```ts
 * connect({ servers, policy: "follow", cache: storageCache(localStorage) });
 * ```
 */
export function storageCache(storage: StorageLike, key = "tandem-ha/client"): ServerCache {
  return {
    load() {
      try {
        const value = JSON.parse(storage.getItem(key) ?? "null") as CachedServers | null;
        return value && Array.isArray(value.servers) ? value : null;
      } catch {
        return null;
      }
    },
    save(value) {
      storage.setItem(key, JSON.stringify(value));
    },
  };
}
