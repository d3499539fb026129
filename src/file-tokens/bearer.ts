/**
 * Service-account bearer tokens as Elasticsearch encodes them (spec section 7,
 * `ServiceAccountToken.java`): 00 01 00 01 ‖ "<ns>/<svc>/<name>" ‖ ":" ‖ secret, standard Base64
 * without padding. Pure apart from `newSecret`, whose randomness source can be injected.
 */
import { randomBytes } from 'node:crypto';
import { isValidTokenName } from '../es/token-name.js';

export interface ServiceTokenId {
  namespace: string;
  service: string;
  tokenName: string;
}

export interface DecodedBearer extends ServiceTokenId {
  secret: string;
}

// MAGIC_BYTE 0, TOKEN_TYPE 1, RESERVED 0, FORMAT_VERSION 1
const PREFIX = Buffer.from([0, 1, 0, 1]);

// Java's Base64.getDecoder() is strict about the alphabet; a bearer using '-'/'_' (URL-safe) or
// whitespace is not a service token there, whereas Buffer.from(..., 'base64') would accept it.
const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

export function encodeBearer(id: ServiceTokenId, secret: string): string {
  const content = Buffer.from(`${id.namespace}/${id.service}/${id.tokenName}:${secret}`, 'utf8');
  return Buffer.concat([PREFIX, content]).toString('base64').replace(/=+$/, '');
}

/** null = "not a service token" (ES then treats the bearer as an OAuth2 access token). */
export function decodeBearer(value: string): DecodedBearer | null {
  if (!STANDARD_BASE64.test(value)) return null;
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length < PREFIX.length || !bytes.subarray(0, PREFIX.length).equals(PREFIX)) return null;
  const content = bytes.subarray(PREFIX.length).toString('utf8');
  // The first ':' separates name from secret; the secret itself may contain ':'.
  const colon = content.indexOf(':');
  if (colon < 0) return null;
  const parts = content.slice(0, colon).split('/');
  if (parts.length !== 3) return null;
  const [namespace = '', service = '', tokenName = ''] = parts;
  // ServiceAccountId rejects blank (empty or whitespace-only) namespace/service names.
  if (namespace.trim() === '' || service.trim() === '' || !isValidTokenName(tokenName)) return null;
  return { namespace, service, tokenName, secret: content.slice(colon + 1) };
}

/**
 * A secret as ES generates it (`UUIDs.randomBase64UUIDSecureString`): 16 random bytes with the
 * UUIDv4 version and variant bits set, URL-safe Base64 without padding, 22 characters.
 */
export function newSecret(random: (size: number) => Buffer = randomBytes): string {
  const bytes = Buffer.from(random(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  return bytes.toString('base64url');
}
