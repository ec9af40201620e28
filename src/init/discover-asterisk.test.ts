import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { discoverAsterisk } from "./discover-asterisk.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fake /etc/asterisk with the given files. */
function etc(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "tandem-asterisk-etc-"));
  dirs.push(dir);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("discoverAsterisk", () => {
  it("finds the pid file, pjsip UDP/TCP transports, AMI and a PostgreSQL realtime database", () => {
    const dir = etc({
      "asterisk.conf": "[directories](!)\nastrundir => /srv/run\nastspooldir => /srv/spool\n",
      "pjsip.conf": [
        "[udp]\ntype=transport\nprotocol=udp\nbind=0.0.0.0:5080",
        "[tcp6]\ntype=transport\nprotocol=tcp\nbind=[::]",
        "[tls]\ntype=transport\nprotocol=tls\nbind=0.0.0.0:5061",
        "[lan]\ntype=transport\nbind=10.0.0.11:5062",
        "[6001]\ntype=endpoint",
      ].join("\n"),
      "manager.conf": "[general]\nenabled = yes\nport = 5039\nbindaddr = 127.0.0.1\n",
      "res_config_pgsql.conf": "[general]\ndbhost=localhost\ndbname=ast\ndbuser=ast\ndbpass=x\n",
    });
    const found = discoverAsterisk(dir);
    expect(found.pidFile).toEqual({
      path: "/srv/run/asterisk.pid",
      from: "astrundir in asterisk.conf",
    });
    expect(found.spoolDir?.path).toBe("/srv/spool");
    expect(found.sip).toEqual([
      { protocol: "udp", host: "127.0.0.1", port: 5080, from: "pjsip.conf [udp]" },
      { protocol: "tcp", host: "[::1]", port: 5060, from: "pjsip.conf [tcp6]" },
      { protocol: "udp", host: "10.0.0.11", port: 5062, from: "pjsip.conf [lan]" },
    ]);
    expect(found.ami).toEqual({ host: "127.0.0.1", port: 5039, from: "manager.conf [general]" });
    expect(found.database).toEqual({
      driver: "postgres",
      host: "127.0.0.1",
      port: 5432,
      user: "ast",
      name: "ast",
      from: "res_config_pgsql.conf [general]",
    });
    // The password is never part of what is found.
    expect(JSON.stringify(found)).not.toContain("dbpass");
  });

  it("falls back to chan_sip, Asterisk's default directories and a MySQL realtime section", () => {
    const dir = etc({
      "sip.conf": "[general]\nbindport=5070\ntcpenable=yes\n",
      "manager.conf": "[general]\nenabled = no\n",
      "res_config_mysql.conf":
        "[asteriskdb]\ndbhost = db.example.net\ndbname = asterisk\ndbuser = ast\ndbport = abc\n",
    });
    const found = discoverAsterisk(dir);
    expect(found.pidFile?.path).toBe("/var/run/asterisk/asterisk.pid");
    expect(found.spoolDir?.path).toBe("/var/spool/asterisk");
    expect(found.sip.map((t) => `${t.protocol} ${t.host}:${t.port}`)).toEqual([
      "udp 127.0.0.1:5070",
      "tcp 127.0.0.1:5070",
    ]);
    expect(found.ami).toBeUndefined();
    expect(found.database).toMatchObject({ driver: "mysql", host: "db.example.net", port: 3306 });
  });

  it("finds nothing in a directory without Asterisk's files", () => {
    const found = discoverAsterisk(join(etc({}), "missing"));
    expect(found).toMatchObject({ files: [], sip: [] });
    expect(found.pidFile).toBeUndefined();
    expect(found.spoolDir).toBeUndefined();
  });
});
