// A TCP proxy in front of one agent's API: the address its peer (and the CLI) uses. The chaos
// run switches its mode to make the network misbehave without touching the machine's network:
//   pass   bytes flow both ways
//   drop   a partition: open connections are cut, new ones are accepted and never answered
//   hold   bytes are held in the proxy, connections stay open (a stalled path, not a closed
//          one); back in `pass` the held bytes are delivered late, in order
//   delay  every chunk waits `delayMs` before it is passed on, in order
import { connect, createServer } from "node:net";

/** A fault-injecting TCP proxy to 127.0.0.1:targetPort. */
export class FaultProxy {
  #server;
  #links = new Set();
  #mode = "pass";
  #delayMs = 0;
  port = 0;

  constructor(targetPort) {
    this.#server = createServer((client) => this.#accept(client, targetPort));
  }

  /** Listens on a free loopback port; resolves with it. */
  async listen() {
    await new Promise((r) => this.#server.listen(0, "127.0.0.1", r));
    this.port = this.#server.address().port;
    return this.port;
  }

  /** The current mode: "pass", "drop", "hold" or "delay". */
  get mode() {
    return this.#mode;
  }

  /** Switches the mode; `delayMs` is used by "delay". */
  set(mode, delayMs = 0) {
    this.#mode = mode;
    this.#delayMs = delayMs;
    if (mode === "drop") {
      for (const link of this.#links) link.destroy();
    } else {
      for (const link of this.#links) link.flush();
    }
  }

  /** Stops listening and cuts every connection. */
  async close() {
    for (const link of this.#links) link.destroy();
    await new Promise((r) => this.#server.close(() => r()));
  }

  #accept(client, targetPort) {
    client.on("error", () => {});
    if (this.#mode === "drop") {
      // Black hole: the caller waits for its own timeout, as with lost packets.
      client.resume();
      const link = { destroy: () => client.destroy(), flush: () => {} };
      this.#links.add(link);
      client.on("close", () => this.#links.delete(link));
      return;
    }
    const upstream = connect(targetPort, "127.0.0.1");
    upstream.on("error", () => client.destroy());
    const held = [];
    let lastAt = 0;
    const forward = (to, chunk) => {
      if (this.#mode === "hold") {
        held.push([to, chunk]);
      } else if (this.#mode === "delay" && this.#delayMs > 0) {
        // Keep the order even when the delay shrinks between chunks.
        const at = Math.max(performance.now() + this.#delayMs, lastAt);
        lastAt = at;
        setTimeout(() => to.destroyed || to.write(chunk), at - performance.now());
      } else if (!to.destroyed) {
        to.write(chunk);
      }
    };
    const link = {
      destroy: () => {
        client.destroy();
        upstream.destroy();
      },
      flush: () => {
        if (this.#mode === "hold") return;
        for (const [to, chunk] of held.splice(0)) if (!to.destroyed) to.write(chunk);
      },
    };
    this.#links.add(link);
    client.on("data", (c) => forward(upstream, c));
    upstream.on("data", (c) => forward(client, c));
    const end = () => {
      this.#links.delete(link);
      link.destroy();
    };
    client.on("close", end);
    // Held bytes still owed to either side are lost with the connection, as on a real path.
    upstream.on("close", end);
  }
}
