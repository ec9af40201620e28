/**
 * Framing of Asterisk's manager protocol (AMI): a banner line, then messages made of
 * `Key: Value` lines ended by an empty line. Bytes arrive in arbitrary chunks; the parser never
 * throws on them and never buffers more than its limit.
 */
import { StringDecoder } from "node:string_decoder";
import { AmiProtocolError } from "../errors.js";
import { AmiMessage } from "./ami-message.js";

/** Options of {@link AmiParser}. */
export interface AmiParserOptions {
  /** Called with each complete message. */
  onMessage(message: AmiMessage): void;
  /** Called once with the protocol version from the `Asterisk Call Manager/X` banner. */
  onBanner(version: string): void;
  /** Called when the stream is not AMI or a message passes the limit; the parser then stops. */
  onError(error: Error): void;
  /**
   * Largest message (and unterminated line) in bytes.
   * @default 1048576
   */
  maxMessageBytes?: number;
}

const BANNER = /^Asterisk Call Manager\/(\S+)/;

/**
 * Splits an AMI byte stream into messages.
 *
 * @example
 * ```ts
 * const parser = new AmiParser({ onBanner: console.log, onMessage: (m) => console.log(m.get("Response")), onError: console.error });
 * socket.on("data", (chunk) => parser.push(chunk));
 * ```
 */
export class AmiParser {
  readonly #options: AmiParserOptions;
  readonly #limit: number;
  readonly #decoder = new StringDecoder("utf8");
  #pending = "";
  #fields: Array<[string, string]> = [];
  #size = 0;
  #bannerSeen = false;
  #failed = false;

  constructor(options: AmiParserOptions) {
    this.#options = options;
    this.#limit = options.maxMessageBytes ?? 1024 * 1024;
  }

  /** Whether the parser stopped on bad input. */
  get failed(): boolean {
    return this.#failed;
  }

  /** Feeds the next chunk of bytes. */
  push(chunk: Buffer | string): void {
    if (this.#failed) return;
    this.#pending += typeof chunk === "string" ? chunk : this.#decoder.write(chunk);
    let start = 0;
    for (;;) {
      const end = this.#pending.indexOf("\n", start);
      if (end < 0) break;
      const line = this.#pending.slice(
        start,
        end > start && this.#pending[end - 1] === "\r" ? end - 1 : end,
      );
      start = end + 1;
      this.#line(line);
      if (this.#failed) return;
    }
    this.#pending = this.#pending.slice(start);
    if (this.#pending.length + this.#size > this.#limit)
      this.#fail(
        `an AMI message passed ${this.#limit} bytes without ending (${this.#pending.length + this.#size} bytes buffered)`,
      );
  }

  #line(line: string): void {
    if (!this.#bannerSeen) {
      this.#bannerSeen = true;
      const banner = BANNER.exec(line);
      if (!banner) {
        this.#fail(
          `expected the "Asterisk Call Manager/<version>" banner, got "${line.slice(0, 80)}"`,
        );
        return;
      }
      this.#options.onBanner(banner[1] as string);
      return;
    }
    if (line === "") {
      if (this.#fields.length === 0) return;
      const message = new AmiMessage(this.#fields);
      this.#fields = [];
      this.#size = 0;
      this.#options.onMessage(message);
      return;
    }
    this.#size += line.length + 2;
    if (this.#size > this.#limit) {
      this.#fail(`an AMI message passed ${this.#limit} bytes`);
      return;
    }
    const colon = line.indexOf(":");
    // A line without a colon is raw output (old-style `Command` replies): kept under "".
    if (colon < 0) this.#fields.push(["", line]);
    else this.#fields.push([line.slice(0, colon).trim(), line.slice(colon + 1).trimStart()]);
  }

  #fail(message: string): void {
    this.#failed = true;
    this.#pending = "";
    this.#fields = [];
    this.#options.onError(new AmiProtocolError(message));
  }
}
