/**
 * Certificates made at test time with the system `openssl`: a CA, and leaf certificates it
 * signs for loopback (`IP:127.0.0.1`, `DNS:localhost`) usable as server and client
 * certificates, as docs/tls.md tells an operator to make them.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Paths of a certificate and its key, and the PEM text of the certificate. */
export interface CertFiles {
  crt: string;
  key: string;
  pem: string;
  keyPem: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

function files(dir: string, name: string): CertFiles {
  const crt = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  return { crt, key, pem: readFileSync(crt, "utf8"), keyPem: readFileSync(key, "utf8") };
}

/** `openssl req` arguments for a new P-256 key `name.key` with subject CN=`name`. */
function newKeyRequest(name: string): string[] {
  return [
    "req",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    `${name}.key`,
    "-subj",
    `/CN=${name}`,
  ];
}

/** A self-signed CA called `name` in `dir` (`name.crt`, `name.key`). */
export function makeCa(dir: string, name: string): CertFiles {
  openssl(
    [
      ...newKeyRequest(name),
      "-x509",
      "-out",
      `${name}.crt`,
      "-days",
      "2",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ],
    dir,
  );
  return files(dir, name);
}

/** A certificate for `name` on loopback, signed by `ca`, for both server and client use. */
export function makeCert(dir: string, ca: CertFiles, name: string): CertFiles {
  writeFileSync(
    join(dir, `${name}.ext`),
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n",
  );
  openssl([...newKeyRequest(name), "-out", `${name}.csr`], dir);
  openssl(
    [
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      ca.crt,
      "-CAkey",
      ca.key,
      "-CAcreateserial",
      "-out",
      `${name}.crt`,
      "-days",
      "2",
      "-extfile",
      `${name}.ext`,
    ],
    dir,
  );
  return files(dir, name);
}
