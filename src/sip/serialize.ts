/**
 * Writing a SIP message as bytes.
 */
import type { SipMessage } from "./message.js";

/**
 * The bytes of `message`: start line, one line per header field, `Content-Length` computed
 * from the body, an empty line and the body. Header values must not contain CR or LF.
 *
 * @example
 * ```ts
 * serializeSipMessage({ kind: "response", version: "SIP/2.0", status: 200, reason: "OK",
 *   headers: [{ name: "Call-ID", value: "abc" }], body: Buffer.alloc(0) }).toString();
 * // "SIP/2.0 200 OK\r\nCall-ID: abc\r\nContent-Length: 0\r\n\r\n"
 * ```
 */
export function serializeSipMessage(message: SipMessage): Buffer {
  const start =
    message.kind === "request"
      ? `${message.method} ${message.uri} ${message.version}`
      : `${message.version} ${message.status} ${message.reason}`;
  const lines = [start];
  for (const { name, value } of message.headers) {
    if (name.toLowerCase() !== "content-length") lines.push(`${name}: ${value}`);
  }
  lines.push(`Content-Length: ${message.body.length}`, "", "");
  return Buffer.concat([Buffer.from(lines.join("\r\n"), "utf8"), message.body]);
}
