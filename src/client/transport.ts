/**
 * Opens one event stream, over `fetch` (Node ≥ 20, any browser) or the browser's
 * `EventSource`, and reports what arrives. It does not reconnect: {@link ServerStream} does,
 * with its own backoff, so both transports behave the same.
 */
import { SseParser } from "./sse-parser.js";

/** The event types a client listens for. */
export const STREAM_EVENTS = [
  "hello",
  "role",
  "serving",
  "switchover",
  "reconnect",
  "keep-alive",
] as const;

/** What a transport reports. */
export interface TransportHandlers {
  /** Any bytes or event arrived (the stream is not silent). */
  onActivity(): void;
  onEvent(event: string, data: unknown): void;
  /** The stream failed or ended; called at most once. */
  onClose(error: string): void;
}

/** Which transport to use; `auto` takes `EventSource` where the runtime has one. */
export type TransportName = "auto" | "fetch" | "eventsource";

/** Something that can be closed. */
export interface OpenStream {
  close(): void;
}

function parse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return null;
  }
}

/** Opens `url` with `fetch` and reads the body as an event stream. */
export function openFetchStream(url: string, handlers: TransportHandlers): OpenStream {
  const controller = new AbortController();
  let closed = false;
  // A request that already failed or ended needs no abort: aborting it anyway costs each
  // client an abort event and an error in the fetch machinery, and at a failover every client
  // of the dead node does it at the same moment.
  const close = (error: string, abort = true): void => {
    if (closed) return;
    closed = true;
    if (abort) controller.abort();
    handlers.onClose(error);
  };
  const parser = new SseParser((m) => {
    if (!closed) handlers.onEvent(m.event, parse(m.data));
  });
  /** Set when the request itself failed (not, say, a handler): it holds no connection then. */
  let failed = false;
  const fail = (err: unknown): never => {
    failed = true;
    throw err;
  };
  void (async () => {
    try {
      const res = await fetch(url, {
        headers: { accept: "text/event-stream" },
        signal: controller.signal,
      }).catch(fail);
      if (!res.ok || !res.body) {
        close(`HTTP ${res.status}`);
        return;
      }
      handlers.onActivity();
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read().catch(fail);
        if (done) break;
        handlers.onActivity();
        parser.push(decoder.decode(value, { stream: true }));
      }
      close("the stream ended", false);
    } catch (err) {
      close(describeFetchError(err), !failed);
    }
  })();
  return { close: () => close("closed") };
}

/** A short reason for a failed fetch: the socket error code where Node gives one. */
function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message ?? String(err);
}

/** The part of the browser's `EventSource` this module uses. */
interface EventSourceLike {
  addEventListener(type: string, listener: (e: { data?: string }) => void): void;
  close(): void;
  onopen: (() => void) | null;
  onerror: (() => void) | null;
}

/** Opens `url` with the runtime's `EventSource`. */
export function openEventSource(url: string, handlers: TransportHandlers): OpenStream {
  const Source = (globalThis as unknown as { EventSource?: new (url: string) => EventSourceLike })
    .EventSource;
  if (!Source) throw new Error('this runtime has no EventSource; use transport: "fetch"');
  const source = new Source(url);
  let closed = false;
  const close = (error: string): void => {
    if (closed) return;
    closed = true;
    source.close();
    handlers.onClose(error);
  };
  source.onopen = () => handlers.onActivity();
  // EventSource retries on its own; the client's backoff decides instead.
  source.onerror = () => close("the stream failed");
  for (const event of STREAM_EVENTS) {
    source.addEventListener(event, (e) => {
      if (closed) return;
      handlers.onActivity();
      handlers.onEvent(event, parse(e.data ?? ""));
    });
  }
  return { close: () => close("closed") };
}

/** Opens `url` with the chosen transport. */
export function openTransport(
  name: TransportName,
  url: string,
  handlers: TransportHandlers,
): OpenStream {
  const hasEventSource =
    typeof (globalThis as { EventSource?: unknown }).EventSource === "function";
  const useEventSource = name === "eventsource" || (name === "auto" && hasEventSource);
  return useEventSource ? openEventSource(url, handlers) : openFetchStream(url, handlers);
}
