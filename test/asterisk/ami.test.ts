/**
 * The AMI client against a real Asterisk 20: login, actions, list replies, events, a rejected
 * login, and a reconnect after Asterisk restarts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AmiClient } from "../../src/asterisk/index.js";
import { type AsteriskInstance, startAsterisk } from "../helpers/asterisk.js";

describe("AmiClient on a real Asterisk", () => {
  let ast: AsteriskInstance;
  const clients: AmiClient[] = [];
  const client = (extra: Partial<ConstructorParameters<typeof AmiClient>[0]> = {}) => {
    const ami = new AmiClient({
      port: ast.amiPort,
      username: ast.amiUser,
      secret: ast.amiSecret,
      ...extra,
    });
    clients.push(ami);
    ami.start();
    return ami;
  };

  beforeAll(async () => {
    ast = await startAsterisk({
      configs: {
        "queues.conf": "[support]\nstrategy = ringall\nmember => Local/100@default,0,Alice\n",
        "extensions.conf": "[default]\nexten => 100,1,Answer()\n",
      },
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await ast?.stop();
  });

  it("logs in and answers Ping and Setvar/Getvar", async () => {
    const ami = client();
    await ami.ready(5000);
    expect(ami.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await ami.action({ Action: "Ping" })).get("Ping")).toBe("Pong");
    expect((await ami.action({ Action: "Getvar", Variable: "VERSION()" })).get("Value")).toMatch(
      /^20\./,
    );
    await ami.action({ Action: "Setvar", Variable: "TANDEM_TEST", Value: "on" });
    expect((await ami.action({ Action: "Getvar", Variable: "TANDEM_TEST" })).get("Value")).toBe(
      "on",
    );
    expect(await ast.cli("dialplan show globals")).toContain("TANDEM_TEST=on");
  });

  it("collects a list reply: QueueStatus names the member", async () => {
    const ami = client();
    await ami.ready(5000);
    const { events } = await ami.actionList({ Action: "QueueStatus", Queue: "support" });
    const member = events.find((e) => e.event === "QueueMember");
    expect(member?.get("Name")).toBe("Alice");
    expect(member?.get("Paused")).toBe("0");
  });

  it("streams events: a UserEvent and a device state change", async () => {
    const ami = client();
    await ami.ready(5000);
    const seen: Array<Record<string, string>> = [];
    ami.on("event", (e) => seen.push(e.toObject()));
    await ami.action({ Action: "UserEvent", UserEvent: "TandemHello" });
    await ami.action({
      Action: "Setvar",
      Variable: "DEVICE_STATE(Custom:tandemtest)",
      Value: "INUSE",
    });
    await expect
      .poll(() => seen.map((e) => e.UserEvent ?? `${e.Event}:${e.Device}:${e.State}`))
      .toEqual(
        expect.arrayContaining(["TandemHello", "DeviceStateChange:Custom:tandemtest:INUSE"]),
      );
  });

  it("rejects a wrong secret with an auth error", async () => {
    const ami = client({ secret: "not-the-secret" });
    const reasons: string[] = [];
    ami.on("disconnected", (e) => reasons.push((e as { code?: string }).code ?? ""));
    await expect(ami.ready(3000)).rejects.toThrow(/rejected the login of "harness"/);
    expect(reasons).toContain("TANDEM_ERR_AMI_AUTH");
  });

  it("reconnects after Asterisk restarts and works again", async () => {
    const ami = client({ reconnectMinMs: 100, reconnectMaxMs: 500 });
    await ami.ready(5000);
    const down = new Promise((resolve) => ami.once("disconnected", resolve));
    await ast.cli("core restart now").catch(() => "");
    await down;
    await expect.poll(() => ami.connections, { timeout: 30_000, interval: 100 }).toBe(2);
    expect((await ami.action({ Action: "Ping" })).get("Ping")).toBe("Pong");
  });
});
