/**
 * Console passwords: scrypt (node:crypto) with a random salt, the parameters kept in the encoded
 * string so they can be raised later without invalidating existing accounts.
 */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { PASSWORD_HASH_PATTERN } from "../config/ui-schema.js";

/**
 * scrypt cost parameters of new hashes (N = 2^15: 32 MiB of memory per check).
 *
 * @example
 * ```ts
 * SCRYPT_PARAMS.N; // 32768
 * ```
 */
export const SCRYPT_PARAMS = { N: 32_768, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function derive(
  password: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password,
      salt,
      KEY_LENGTH,
      { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

/**
 * Hashes a password for the `operators` section.
 *
 * @example
 * ```ts
 * await hashPassword("correct horse"); // "scrypt$N=32768,r=8,p=1$Jx…==$k2…="
 * ```
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, SCRYPT_PARAMS);
  const { N, r, p } = SCRYPT_PARAMS;
  return `scrypt$N=${N},r=${r},p=${p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

/**
 * Whether `password` matches `encoded` (a string from {@link hashPassword}); false for a string
 * that is not such a hash.
 *
 * @example
 * ```ts
 * await verifyPassword("correct horse", config.operators.alice); // true
 * ```
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  if (!PASSWORD_HASH_PATTERN.test(encoded)) return false;
  const [, params, salt, hash] = encoded.split("$") as [string, string, string, string];
  const [N, r, p] = params.split(",").map((kv) => Number(kv.split("=")[1])) as [
    number,
    number,
    number,
  ];
  const expected = Buffer.from(hash, "base64");
  if (expected.length !== KEY_LENGTH || N < 2 || (N & (N - 1)) !== 0) return false;
  const key = await derive(password, Buffer.from(salt, "base64"), { N, r, p });
  return timingSafeEqual(key, expected);
}
