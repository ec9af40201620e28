import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHttpChecker, type HttpProbeConfig } from "./http.js";

const ctx = { probeName: "web", hostname: "test", timeoutMs: 1000 };
const servers: Server[] = [];
const openSockets = new Set<Socket>();
let base = "";

function probe(path: string, extra: Partial<HttpProbeConfig> = {}): HttpProbeConfig {
  return { kind: "http", url: `${base}${path}`, method: "GET", insecure: false, ...extra };
}

async function listen(server: Server): Promise<number> {
  servers.push(server);
  server.on("connection", (socket) => {
    openSockets.add(socket);
    socket.on("close", () => openSockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

beforeEach(async () => {
  const server = createServer((req, res) => {
    if (req.url === "/ok") res.end("status: all OK here");
    else if (req.url === "/down") res.writeHead(503).end("maintenance");
    else if (req.url === "/moved") res.writeHead(302, { location: "/login" }).end();
    else if (req.url === "/hang") return;
    else if (req.url === "/ua")
      res.writeHead(req.headers["user-agent"] === "pbx-monitor" ? 200 : 400).end();
    else res.writeHead(404).end();
  });
  base = `http://127.0.0.1:${await listen(server)}`;
});

afterEach(async () => {
  for (const socket of openSockets) socket.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe("http probe", () => {
  it("passes on 200 with the expected body", async () => {
    const result = await createHttpChecker(probe("/ok", { expectBody: "OK" }), ctx).check(
      new AbortController().signal,
    );
    expect(result.status).toBe("ok");
    expect(result.message).toMatch(new RegExp(`^HTTP 200 from ${base}/ok in \\d+ ms$`));
  });

  it("fails on a status outside 2xx/3xx", async () => {
    const result = await createHttpChecker(probe("/down"), ctx).check(new AbortController().signal);
    expect(result).toEqual({
      status: "fail",
      message: `HTTP 503 from ${base}/down (expected 2xx or 3xx)`,
    });
  });

  it("fails on a status not in expectStatus", async () => {
    const result = await createHttpChecker(probe("/ok", { expectStatus: [204, 202] }), ctx).check(
      new AbortController().signal,
    );
    expect(result).toEqual({
      status: "fail",
      message: `HTTP 200 from ${base}/ok (expected 204 or 202)`,
    });
  });

  it("reports a redirect as ok without following it", async () => {
    const result = await createHttpChecker(probe("/moved"), ctx).check(
      new AbortController().signal,
    );
    expect(result.status).toBe("ok");
    expect(result.message).toMatch(/^HTTP 302 .* \(redirect to \/login not followed\)$/);
  });

  it("fails when the body lacks the expected text", async () => {
    const result = await createHttpChecker(probe("/ok", { expectBody: "ACTIVE" }), ctx).check(
      new AbortController().signal,
    );
    expect(result).toEqual({
      status: "fail",
      message: `body does not contain "ACTIVE" (HTTP 200 from ${base}/ok)`,
    });
  });

  it("sends the configured headers, which override the default user agent", async () => {
    const config = probe("/ua", { method: "HEAD", headers: { "User-Agent": "pbx-monitor" } });
    expect((await createHttpChecker(config, ctx).check(new AbortController().signal)).status).toBe(
      "ok",
    );
  });

  it("fails with ECONNREFUSED on a closed port", async () => {
    const closed = createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const url = `http://127.0.0.1:${port}/health`;
    const result = await createHttpChecker({ ...probe(""), url }, ctx).check(
      new AbortController().signal,
    );
    expect(result).toEqual({
      status: "fail",
      message: `GET ${url}: connect ECONNREFUSED 127.0.0.1:${port}`,
    });
  });

  it("keeps the password of the URL out of messages", async () => {
    const url = base.replace("http://", "http://monitor:s3cret@");
    const result = await createHttpChecker({ ...probe(""), url: `${url}/down` }, ctx).check(
      new AbortController().signal,
    );
    expect(result.status).toBe("fail");
    expect(result.message).toContain("monitor:***@");
    expect(result.message).not.toContain("s3cret");
  });

  it("settles soon after an abort and closes its connection", async () => {
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 100);
    const result = await createHttpChecker(probe("/hang"), ctx).check(controller.signal);
    expect(performance.now() - started).toBeLessThan(400);
    expect(result).toEqual({ status: "fail", message: `GET ${base}/hang: aborted` });
    await expect.poll(() => openSockets.size, { timeout: 1000 }).toBe(0);
  });

  it("checks TLS certificates unless insecure", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tandem-http-"));
    try {
      execFileSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:prime256v1",
          "-nodes",
          "-subj",
          "/CN=localhost",
          "-days",
          "1",
          "-keyout",
          join(dir, "key.pem"),
          "-out",
          join(dir, "cert.pem"),
        ],
        { stdio: "ignore" },
      );
      const server = createHttpsServer(
        { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) },
        (_req, res) => res.end("OK"),
      );
      const url = `https://127.0.0.1:${await listen(server)}/`;
      const strict = await createHttpChecker({ ...probe(""), url }, ctx).check(
        new AbortController().signal,
      );
      expect(strict.status).toBe("fail");
      expect(strict.message).toMatch(/self[- ]signed certificate/);
      const insecure = await createHttpChecker({ ...probe(""), url, insecure: true }, ctx).check(
        new AbortController().signal,
      );
      expect(insecure.status).toBe("ok");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
