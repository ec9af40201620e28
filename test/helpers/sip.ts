/**
 * A minimal SIP client for tests: one OPTIONS over UDP, the status code of the answer.
 */
import { randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";

/** Sends OPTIONS to 127.0.0.1:`port` over UDP; resolves with the status code, or null on silence. */
export function sipOptions(port: number, timeoutMs = 1000): Promise<number | null> {
  const socket = createSocket("udp4");
  const branch = `z9hG4bK${randomBytes(6).toString("hex")}`;
  return new Promise((resolve) => {
    const done = (code: number | null) => {
      clearTimeout(timer);
      socket.close();
      resolve(code);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    socket.on("message", (msg) => {
      const m = /^SIP\/2\.0 (\d{3}) /.exec(msg.toString("utf8"));
      done(m ? Number(m[1]) : null);
    });
    socket.bind(0, "127.0.0.1", () => {
      const { port: local } = socket.address();
      const text = [
        `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=${branch};rport`,
        "Max-Forwards: 70",
        `From: <sip:test@127.0.0.1>;tag=${randomBytes(4).toString("hex")}`,
        `To: <sip:127.0.0.1:${port}>`,
        `Call-ID: ${randomBytes(8).toString("hex")}@127.0.0.1`,
        "CSeq: 1 OPTIONS",
        "Content-Length: 0",
        "",
        "",
      ].join("\r\n");
      socket.send(text, port, "127.0.0.1");
    });
  });
}
