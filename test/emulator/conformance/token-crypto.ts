/**
 * Bearer encoding and PBKDF2_STRETCH hashing re-implemented from spec sections 7 and 8, instead
 * of importing src/file-tokens: the conformance tests are the independent check on the emulator,
 * so they must not share its crypto. Pinned to the spec's vectors in token-crypto.test.ts.
 */
import { createHash, pbkdf2Sync, randomBytes } from 'node:crypto';

const TOKEN_PREFIX = Buffer.from([0, 1, 0, 1]);

/** Spec section 7: prefix ‖ "ns/svc/name" ‖ ":" ‖ secret, standard base64 without padding. */
export function encodeServiceToken(qualifiedName: string, secret: string): string {
  const bytes = Buffer.concat([TOKEN_PREFIX, Buffer.from(`${qualifiedName}:${secret}`, 'utf8')]);
  return bytes.toString('base64').replace(/=+$/, '');
}

export function decodeServiceToken(value: string): { prefix: Buffer; qualifiedName: string; secret: string } {
  const bytes = Buffer.from(value, 'base64');
  const content = bytes.subarray(4).toString('utf8');
  const colon = content.indexOf(':');
  return { prefix: bytes.subarray(0, 4), qualifiedName: content.slice(0, colon), secret: content.slice(colon + 1) };
}

/** Spec section 8: {PBKDF2_STRETCH}10000$b64(salt)$b64(PBKDF2-HMAC-SHA512(hex(SHA-512(secret)), salt, 10000, 32)). */
export function pbkdf2StretchHash(secret: string, salt: Buffer = randomBytes(32)): string {
  const stretched = createHash('sha512').update(secret, 'utf8').digest('hex');
  const key = pbkdf2Sync(Buffer.from(stretched, 'utf8'), salt, 10000, 32, 'sha512');
  return `{PBKDF2_STRETCH}10000$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** A fresh 22-char URL-safe secret, like the ones ES generates. */
export function newSecret(): string {
  return randomBytes(16).toString('base64url');
}
