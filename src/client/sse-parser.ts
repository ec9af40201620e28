/**
 * A server-sent-events parser that takes text in chunks cut anywhere (the WHATWG event-stream
 * rules: `\n`, `\r\n` or `\r` line ends, `:` comments, `data` lines joined by `\n`).
 */

/** One dispatched event. */
export interface SseMessage {
  event: string;
  data: string;
  id: string | null;
}

/**
 * Feeds text, calls `onMessage` for every complete event.
 *
 * @example
 * ```ts
 * const parser = new SseParser((m) => console.log(m.event, m.data));
 * parser.push("event: role\ndata: {}\n");
 * parser.push("\n"); // logs: role {}
 * ```
 */
export class SseParser {
  readonly #onMessage: (message: SseMessage) => void;
  #buffer = "";
  #event = "";
  #data: string[] = [];
  #id: string | null = null;
  /** A chunk ended with `\r`: a `\n` starting the next one belongs to the same line end. */
  #pendingCr = false;

  constructor(onMessage: (message: SseMessage) => void) {
    this.#onMessage = onMessage;
  }

  /** Adds a chunk of the stream. */
  push(chunk: string): void {
    let text = chunk;
    if (this.#pendingCr && text.startsWith("\n")) text = text.slice(1);
    this.#pendingCr = false;
    this.#buffer += text;
    for (;;) {
      const end = this.#buffer.search(/\r\n|\r|\n/);
      if (end < 0) return;
      const line = this.#buffer.slice(0, end);
      let skip = 1;
      if (this.#buffer[end] === "\r") {
        if (end + 1 === this.#buffer.length) this.#pendingCr = true;
        else if (this.#buffer[end + 1] === "\n") skip = 2;
      }
      this.#buffer = this.#buffer.slice(end + skip);
      this.#line(line);
    }
  }

  #line(line: string): void {
    if (line === "") {
      if (this.#data.length > 0) {
        this.#onMessage({
          event: this.#event || "message",
          data: this.#data.join("\n"),
          id: this.#id,
        });
      }
      this.#event = "";
      this.#data = [];
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.#event = value;
    else if (field === "data") this.#data.push(value);
    else if (field === "id" && !value.includes("\0")) this.#id = value;
  }
}
