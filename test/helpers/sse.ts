/**
 * A server-sent-events client for tests: opens a stream and collects its frames as they come.
 */
import { get, type IncomingMessage } from "node:http";

/** One frame of the stream (comment-only blocks such as keep-alives are not frames). */
export interface SseFrame {
  id?: string;
  event: string;
  data: Record<string, unknown>;
}

/** An open stream: the frames read so far, the response, and a way to close it. */
export interface EventStream {
  frames: SseFrame[];
  /** Everything received, comments included. */
  raw: () => string;
  response: Promise<IncomingMessage>;
  close: () => void;
}

/** Opens `url` (e.g. `http://127.0.0.1:PORT/v1/events`) and starts collecting frames. */
export function openEventStream(url: string, headers: Record<string, string> = {}): EventStream {
  const frames: SseFrame[] = [];
  let raw = "";
  let buf = "";
  const req = get(url, { headers });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.on("error", reject);
    req.on("response", (res) => {
      res.setEncoding("utf8");
      res.on("error", () => {});
      res.on("data", (chunk: string) => {
        raw += chunk;
        buf += chunk;
        for (let end = buf.indexOf("\n\n"); end >= 0; end = buf.indexOf("\n\n")) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          const id = /^id: (.*)$/m.exec(block)?.[1];
          if (event && data) {
            frames.push({
              ...(id === undefined ? {} : { id }),
              event,
              data: JSON.parse(data) as Record<string, unknown>,
            });
          }
        }
      });
      resolve(res);
    });
  });
  response.catch(() => {});
  return { frames, raw: () => raw, response, close: () => req.destroy() };
}
