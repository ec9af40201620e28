// The soak's network, in a process of its own: one HTTP proxy in front of each agent's API
// that holds 5 % of requests past any timeout (never answered) and delays the rest by 0–20 ms.
// Separate from the bench's sampler so neither one's pauses look like network loss, and at the
// agents' priority (nice -10, every thread) so stress-ng starves neither.
//
//   node bench/soak-proxy.mjs A_PORT B_PORT
// prints `{"a":PORT,"b":PORT}` once listening; on SIGTERM prints `{"total":N,"dropped":N}`.
import { createServer, request } from "node:http";
import { raisePriority } from "../dist/agent/priority.js";

const quiet = { info: () => {}, warn: (_o, m) => process.stderr.write(`soak proxy: ${m}\n`) };
raisePriority(-10, quiet);

const stats = { total: 0, dropped: 0 };

/** A proxy to 127.0.0.1:targetPort that loses 5 % of requests and delays the rest. */
function faultyProxy(targetPort) {
  return createServer((req, res) => {
    stats.total++;
    if (Math.random() < 0.05) {
      stats.dropped++;
      req.resume();
      return; // never answered: the sender's timeout counts it as a miss
    }
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      setTimeout(() => {
        const out = request(
          {
            host: "127.0.0.1",
            port: targetPort,
            method: req.method,
            path: req.url,
            headers: req.headers,
          },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        out.on("error", () => res.destroy());
        out.end(Buffer.concat(chunks));
      }, Math.random() * 20);
    });
  });
}

const [aPort, bPort] = process.argv.slice(2).map(Number);
const proxies = { a: faultyProxy(aPort), b: faultyProxy(bPort) };
await Promise.all(
  Object.values(proxies).map((p) => new Promise((r) => p.listen(0, "127.0.0.1", r))),
);
process.stdout.write(
  `${JSON.stringify({ a: proxies.a.address().port, b: proxies.b.address().port })}\n`,
);
process.on("SIGTERM", () => {
  process.stdout.write(`${JSON.stringify(stats)}\n`, () => process.exit(0));
});
