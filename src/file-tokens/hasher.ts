/**
 * Service-token hashes as Elasticsearch writes and reads them (spec section 8, `Hasher.java`).
 * Writing always uses PBKDF2_STRETCH (the ES default); reading accepts the prefixes the spec names:
 * `{PBKDF2_STRETCH}`, `{PBKDF2}` and bcrypt (`$2a$`, `$2b$`, `$2y$`).
 *
 * Spec uncertainty: ES's `Hasher.resolveFromHash` may also recognise `{SHA}`, `{MD5}` and `{SSHA256}`;
 * the spec does not list them for service tokens, so they are treated as unknown (the parser skips them).
 */
import { createHash, pbkdf2, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import bcrypt from 'bcryptjs';

const pbkdf2Async = promisify(pbkdf2);

export const PBKDF2_STRETCH_PREFIX = '{PBKDF2_STRETCH}';
export const PBKDF2_PREFIX = '{PBKDF2}';
const BCRYPT_PATTERN = /^\$2[aby]\$\d\d\$/;
const DEFAULT_ITERATIONS = 10_000;
const MIN_SALT_BYTES = 8;

export interface HashOptions {
  salt?: Buffer;
  iterations?: number;
}

/** Which algorithm a stored hash uses; null when ES would not recognise it (NOOP: plaintext etc.). */
export type HashKind = 'pbkdf2_stretch' | 'pbkdf2' | 'bcrypt';

export function hashKind(hash: string): HashKind | null {
  // PBKDF2_STRETCH first: `{PBKDF2_STRETCH}` does not start with `{PBKDF2}`, but be explicit anyway.
  if (hash.startsWith(PBKDF2_STRETCH_PREFIX)) return 'pbkdf2_stretch';
  if (hash.startsWith(PBKDF2_PREFIX)) return 'pbkdf2';
  if (BCRYPT_PATTERN.test(hash)) return 'bcrypt';
  return null;
}

/** Step 1 of PBKDF2_STRETCH: lowercase hex SHA-512 of the UTF-8 secret (128 ASCII chars). */
function stretch(secret: string): Buffer {
  return Buffer.from(createHash('sha512').update(secret, 'utf8').digest('hex'), 'utf8');
}

function format(prefix: string, iterations: number, salt: Buffer, key: Buffer): string {
  return `${prefix}${iterations}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export function hashPbkdf2Stretch(secret: string, options: HashOptions = {}): string {
  const salt = options.salt ?? randomBytes(32);
  const iterations = options.iterations ?? DEFAULT_ITERATIONS;
  const key = pbkdf2Sync(stretch(secret), salt, iterations, 32, 'sha512');
  return format(PBKDF2_STRETCH_PREFIX, iterations, salt, key);
}

/** Same as hashPbkdf2Stretch without blocking the event loop (use on request paths). */
export async function hashPbkdf2StretchAsync(secret: string, options: HashOptions = {}): Promise<string> {
  const salt = options.salt ?? randomBytes(32);
  const iterations = options.iterations ?? DEFAULT_ITERATIONS;
  const key = await pbkdf2Async(stretch(secret), salt, iterations, 32, 'sha512');
  return format(PBKDF2_STRETCH_PREFIX, iterations, salt, key);
}

interface Pbkdf2Parts {
  password: Buffer;
  iterations: number;
  salt: Buffer;
  expected: string;
  keyBytes: number;
}

/** Parses `<prefix><iterations>$<b64 salt>$<b64 key>`; null when malformed (verification then fails). */
function pbkdf2Parts(secret: string, hash: string, kind: 'pbkdf2_stretch' | 'pbkdf2'): Pbkdf2Parts | null {
  const prefix = kind === 'pbkdf2_stretch' ? PBKDF2_STRETCH_PREFIX : PBKDF2_PREFIX;
  const [iterationsText = '', saltText, expected] = hash.slice(prefix.length).split('$');
  if (saltText === undefined || expected === undefined || !/^\d+$/.test(iterationsText)) return null;
  const iterations = Number(iterationsText);
  const salt = Buffer.from(saltText, 'base64');
  // ES: key length in bits = (len(b64 key) * 3) / 64 * 128 with integer division.
  const keyBytes = (Math.floor((expected.length * 3) / 64) * 128) / 8;
  if (iterations < 1 || salt.length < MIN_SALT_BYTES || keyBytes < 1) return null;
  const password = kind === 'pbkdf2_stretch' ? stretch(secret) : Buffer.from(secret, 'utf8');
  return { password, iterations, salt, expected, keyBytes };
}

/** Constant-time comparison of the Base64 forms, as ES compares char arrays. */
function isSameText(actual: string, expected: string): boolean {
  const a = Buffer.from(actual, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function bcryptMatches(secret: string, hash: string): boolean {
  try {
    return bcrypt.compareSync(secret, hash);
  } catch {
    return false;
  }
}

export function verifyServiceTokenHash(secret: string, hash: string): boolean {
  const kind = hashKind(hash);
  if (kind === 'bcrypt') return bcryptMatches(secret, hash);
  if (kind === null) return false;
  const parts = pbkdf2Parts(secret, hash, kind);
  if (!parts) return false;
  const key = pbkdf2Sync(parts.password, parts.salt, parts.iterations, parts.keyBytes, 'sha512');
  return isSameText(key.toString('base64'), parts.expected);
}

export async function verifyServiceTokenHashAsync(secret: string, hash: string): Promise<boolean> {
  const kind = hashKind(hash);
  if (kind === 'bcrypt') {
    try {
      return await bcrypt.compare(secret, hash);
    } catch {
      return false;
    }
  }
  if (kind === null) return false;
  const parts = pbkdf2Parts(secret, hash, kind);
  if (!parts) return false;
  const key = await pbkdf2Async(parts.password, parts.salt, parts.iterations, parts.keyBytes, 'sha512');
  return isSameText(key.toString('base64'), parts.expected);
}
