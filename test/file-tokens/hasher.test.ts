import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { hashKind, hashPbkdf2Stretch, hashPbkdf2StretchAsync, verifyServiceTokenHash, verifyServiceTokenHashAsync } from '../../src/file-tokens/hasher.js';

// Spec section 8 test vectors (ES test resource service_tokens@511e02f5).
const VECTORS: Array<[string, string]> = [
  ['aI_0QLRfRyGBP1U60Sby2w', '{PBKDF2_STRETCH}10000$Pa3oNkj8xTD8j2gTgjWnTvnE6jseKApWMFjcNCLxX1U=$84ECweHFZQ2DblHEjHTRWA+fG6h5bVMyTSJUmFvTo1o='],
  ['5DjRC_XRSAql5Hlampyv7Q', '{PBKDF2}10000$0N2h5/AsDS5uO0/A+B6y8AnTCJ3Tqo8nygbzu1gkgpo=$5aTcCtteHf2g2ye7Y3p6jSZBoGhNJ7l6F3tmUhPTwRo='],
  ['wn0Xfx5IRHy2lOKScvfwrg', '{PBKDF2}50000$IMzlphNClmrP/du40yxGM3fNjklg8CuACds12+Ry0jM=$KEC1S9a0NOs3OJKM4gEeBboU18EP4+3m/pyIA4MBDGk='],
];

describe('hashPbkdf2Stretch', () => {
  it('is byte-exact with the spec vector when given its salt', () => {
    const [secret, hash] = VECTORS[0]!;
    const salt = Buffer.from(hash.split('$')[1]!, 'base64');
    expect(hashPbkdf2Stretch(secret, { salt })).toBe(hash);
  });

  it('async variant gives the same string', async () => {
    const [secret, hash] = VECTORS[0]!;
    const salt = Buffer.from(hash.split('$')[1]!, 'base64');
    expect(await hashPbkdf2StretchAsync(secret, { salt })).toBe(hash);
  });

  it('uses a fresh 32-byte salt and the {PBKDF2_STRETCH}10000$ format by default', () => {
    const a = hashPbkdf2Stretch('some-secret-value');
    const b = hashPbkdf2Stretch('some-secret-value');
    expect(a).toMatch(/^\{PBKDF2_STRETCH\}10000\$[A-Za-z0-9+/]{43}=\$[A-Za-z0-9+/]{43}=$/);
    expect(a).not.toBe(b);
    expect(verifyServiceTokenHash('some-secret-value', a)).toBe(true);
  });

  it('honours a custom iteration count', () => {
    const hash = hashPbkdf2Stretch('abcdefghijkl', { iterations: 1000 });
    expect(hash.startsWith('{PBKDF2_STRETCH}1000$')).toBe(true);
    expect(verifyServiceTokenHash('abcdefghijkl', hash)).toBe(true);
  });
});

describe('verifyServiceTokenHash', () => {
  it.each(VECTORS)('accepts spec vector %s and rejects a wrong secret', async (secret, hash) => {
    expect(verifyServiceTokenHash(secret, hash)).toBe(true);
    expect(await verifyServiceTokenHashAsync(secret, hash)).toBe(true);
    expect(verifyServiceTokenHash(`${secret}x`, hash)).toBe(false);
    expect(await verifyServiceTokenHashAsync(`${secret}x`, hash)).toBe(false);
  });

  it.each(['$2a$', '$2b$', '$2y$'])('accepts bcrypt %s hashes', async (prefix) => {
    const hash = prefix + bcrypt.hashSync('bcrypt-secret-1', 4).slice(4);
    expect(verifyServiceTokenHash('bcrypt-secret-1', hash)).toBe(true);
    expect(await verifyServiceTokenHashAsync('bcrypt-secret-1', hash)).toBe(true);
    expect(verifyServiceTokenHash('bcrypt-secret-2', hash)).toBe(false);
  });

  it.each([
    ['plaintext', 'aI_0QLRfRyGBP1U60Sby2w'],
    ['{plain} prefix', '{plain}aI_0QLRfRyGBP1U60Sby2w'],
    ['salt shorter than 8 bytes', '{PBKDF2_STRETCH}10000$AAAA$84ECweHFZQ2DblHEjHTRWA+fG6h5bVMyTSJUmFvTo1o='],
    ['missing key part', '{PBKDF2_STRETCH}10000$Pa3oNkj8xTD8j2gTgjWnTvnE6jseKApWMFjcNCLxX1U='],
    ['non-numeric iterations', '{PBKDF2_STRETCH}ten$Pa3oNkj8xTD8j2gTgjWnTvnE6jseKApWMFjcNCLxX1U=$84ECweHFZQ2DblHEjHTRWA+fG6h5bVMyTSJUmFvTo1o='],
    ['garbage bcrypt', '$2a$10$nope'],
  ])('rejects %s', (_label, hash) => {
    expect(verifyServiceTokenHash('aI_0QLRfRyGBP1U60Sby2w', hash)).toBe(false);
  });

  it('classifies prefixes', () => {
    expect(VECTORS.map(([, hash]) => hashKind(hash))).toEqual(['pbkdf2_stretch', 'pbkdf2', 'pbkdf2']);
    expect(hashKind('$2y$10$abc')).toBe('bcrypt');
    expect(hashKind('{SHA}abc')).toBeNull();
  });
});
