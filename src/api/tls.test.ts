/**
 * The API over TLS with real certificates made by `openssl` at run time: the peer link with
 * and without trusted client certificates, the monitor URLs open to clients without one, and
 * the CLI's requests verifying the agent against a CA.
 */
import { request } from "node:https";
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CertFiles, makeCa, makeCert } from "../../test/helpers/certs.js";
import { tempDir } from "../../test/helpers/processes.js";
import { requestAgent } from "../control/agent-request.js";
import { PeerClient } from "../peer/client.js";
import { viewOf } from "../peer/peer.test-helpers.js";
import { registerPeerRoutes } from "../peer/routes.js";
import { AgentMetrics } from "./metrics.js";
import { createApiServer } from "./server.js";
import type { StatusDocument } from "./status-types.js";

const SECRET = "tls-test-secret-0123456789";
const { dir, remove } = tempDir("tandem-tls-");
let ca: CertFiles;
let rogueCa: CertFiles;
let certA: CertFiles;
let certB: CertFiles;
let rogueB: CertFiles;
let app: FastifyInstance;
let url = "";
const refused: string[] = [];

beforeAll(async () => {
  ca = makeCa(dir, "cluster-ca");
  rogueCa = makeCa(dir, "rogue-ca");
  certA = makeCert(dir, ca, "a");
  certB = makeCert(dir, ca, "b");
  rogueB = makeCert(dir, rogueCa, "rogue-b");
  const getStatus = () => ({ node: { name: "a" } }) as StatusDocument;
  app = createApiServer({
    getStatus,
    metrics: new AgentMetrics(getStatus),
    tls: { cert: certA.pem, key: certA.keyPem, ca: ca.pem, requireClientCert: true },
    onRefused: (reason) => refused.push(reason),
  });
  registerPeerRoutes(app, {
    secret: SECRET,
    selfName: "a",
    knownPeers: ["b"],
    onHeartbeat: () => viewOf("a"),
    onFence: () => {},
    onUnfence: () => {},
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  url = `https://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app.close();
  remove();
});

function peerB(tls: { ca?: string; cert?: string; key?: string }): PeerClient {
  return new PeerClient({
    url,
    selfName: "b",
    peerName: "a",
    secret: SECRET,
    timeoutMs: 5000,
    ...tls,
  });
}

async function heartbeatWith(tls: { ca?: string; cert?: string; key?: string }) {
  const client = peerB(tls);
  try {
    return await client.heartbeat(viewOf("b"));
  } finally {
    client.close();
  }
}

describe("the peer link over TLS with client certificates required", () => {
  it("a peer with a certificate from the cluster CA exchanges heartbeats", async () => {
    const r = await heartbeatWith({ ca: ca.pem, cert: certB.pem, key: certB.keyPem });
    expect(r).toMatchObject({ ok: true, view: { name: "a" } });
  });

  it("a peer whose certificate another CA signed is refused with 403, and the node says why", async () => {
    const r = await heartbeatWith({ ca: ca.pem, cert: rogueB.pem, key: rogueB.keyPem });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(
      /^HTTP 403: POST \/v1\/peer\/heartbeat from 127\.0\.0\.1 refused: client certificate "rogue-b" not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\): it is not signed by the CA in api\.tls\.ca$/,
    );
    expect(refused.at(-1)).toMatch(/client certificate "rogue-b" not trusted/);
  });

  it("a peer without a certificate is refused with 403", async () => {
    const r = await heartbeatWith({ ca: ca.pem });
    expect(!r.ok && r.error).toMatch(/^HTTP 403: .* refused: no client certificate$/);
  });

  it("a peer that does not trust the node's CA refuses the node's certificate", async () => {
    const r = await heartbeatWith({ ca: rogueCa.pem, cert: certB.pem, key: certB.keyPem });
    expect(!r.ok && r.error).toMatch(/^TLS: .*(self-signed|unable to verify|issuer)/i);
  });

  it("the monitor URLs answer clients without a certificate (load balancers)", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}/monitor/live`, { ca: ca.pem }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(200);
  });
});

describe("the CLI's requests to an https agent", () => {
  const ask = (tls?: { ca: string; caSource: string }) =>
    requestAgent({
      url: `${url}/v1/status`,
      method: "GET",
      timeoutMs: 5000,
      where: `the agent at ${url}`,
      ...(tls ? { tls } : {}),
    });

  it("verify the agent against the CA given", async () => {
    const r = await ask({ ca: ca.pem, caSource: "--ca cluster-ca.crt" });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ node: { name: "a" } });
  });

  it("refuse an agent the CA given did not sign, saying which CA and what to do", async () => {
    await expect(ask({ ca: rogueCa.pem, caSource: "--ca rogue-ca.crt" })).rejects.toMatchObject({
      code: "TANDEM_ERR_TLS",
      exitCode: 3,
      message: expect.stringMatching(
        /^Cannot trust the agent at https:\/\/127\.0\.0\.1:\d+: its certificate does not verify against the CA of --ca rogue-ca\.crt \([A-Z_]+: .+\); check that this is the CA that signed the agent's certificate$/,
      ),
    });
  });

  it("without a CA, refuse the cluster's private CA and suggest --ca", async () => {
    await expect(ask()).rejects.toMatchObject({
      code: "TANDEM_ERR_TLS",
      message: expect.stringMatching(/against the system's trusted CAs .*pass --ca FILE/),
    });
  });
});
