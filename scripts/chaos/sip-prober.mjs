// SIP OPTIONS over one long-lived UDP socket: the sampler sends two a sample, 100 a second,
// and a socket per request would cost more than the agents it measures on a busy machine.
import { createSocket } from "node:dgram";

/** Opens the socket; `options(port, timeoutMs)` resolves with the status code or null. */
export async function openSipProber() {
  const socket = createSocket("udp4");
  const waiting = new Map();
  let seq = 0;
  socket.on("message", (msg) => {
    const text = msg.toString("utf8");
    const callId = /\r\nCall-ID:\s*(\S+)/i.exec(text)?.[1];
    const done = callId && waiting.get(callId);
    if (done) done(Number(/^SIP\/2\.0 (\d{3})/.exec(text)?.[1] ?? 0));
  });
  await new Promise((r) => socket.bind(0, "127.0.0.1", r));
  const local = socket.address().port;
  return {
    options(port, timeoutMs) {
      seq++;
      const id = `chaos${process.pid}x${seq}`;
      return new Promise((resolve) => {
        const timer = setTimeout(() => finish(null), timeoutMs);
        const finish = (code) => {
          clearTimeout(timer);
          waiting.delete(id);
          resolve(code);
        };
        waiting.set(id, finish);
        const text = [
          `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
          `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK${id};rport`,
          "Max-Forwards: 70",
          `From: <sip:chaos@127.0.0.1>;tag=${id}`,
          `To: <sip:127.0.0.1:${port}>`,
          `Call-ID: ${id}`,
          "CSeq: 1 OPTIONS",
          "Content-Length: 0",
          "",
          "",
        ].join("\r\n");
        socket.send(text, port, "127.0.0.1");
      });
    },
    close: () => socket.close(),
  };
}
