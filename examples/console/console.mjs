#!/usr/bin/env node
// An attendant-console stand-in: follows the pair with tandem-ha/client and prints which
// server it uses and why it switched. Queues are shown closed while every server is lost.
//
//   npm run build
//   node examples/console/console.mjs [--policy follow|sticky] [URL ...]
//
// Default URLs are the demo pair's (npm start): http://127.0.0.1:7701 http://127.0.0.1:7702.
// Stop with Ctrl-C.
import { connect, storageCache } from "tandem-ha/client";

const args = process.argv.slice(2);
const at = args.indexOf("--policy");
const policy = at >= 0 ? args.splice(at, 2)[1] : "follow";
const servers = args.length > 0 ? args : ["http://127.0.0.1:7701", "http://127.0.0.1:7702"];

// A Web-Storage-shaped store in memory; a browser console passes localStorage instead.
const memory = new Map();
const cache = storageCache({
  getItem: (k) => memory.get(k) ?? null,
  setItem: (k, v) => memory.set(k, v),
});

const stop = new AbortController();
process.once("SIGINT", () => stop.abort());

const console_ = connect({
  servers,
  policy,
  identity: { name: `example-console-${process.pid}`, version: "1.0.0" },
  cache,
  signal: stop.signal,
});

const say = (line) => process.stdout.write(`${new Date().toISOString().slice(11, 23)} ${line}\n`);
say(`console (${policy}) watching ${servers.join(", ")}`);
console_.on("active", (url, why) => say(`using ${url}: ${why}`));
console_.on("switch", (from, to, why) => say(`SWITCH ${from} -> ${to}: ${why}`));
console_.on("lost", (why) => say(`QUEUES CLOSED: ${why}`));
console_.on("restored", (url) => say(`queues open again on ${url}`));
