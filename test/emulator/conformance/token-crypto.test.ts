import { describe, expect, it } from 'vitest';
import { createHash, pbkdf2Sync } from 'node:crypto';
import { decodeServiceToken, encodeServiceToken, pbkdf2StretchHash } from './token-crypto.js';

// The harness re-implements the token encoding and hashing so that the conformance tests do not
// trust the code under test; these vectors (spec sections 7 and 8) keep the re-implementation honest.
describe('conformance harness crypto (spec §7, §8 vectors)', () => {
  it('encodes the spec bearer vector', () => {
    expect(encodeServiceToken('elastic/fleet-server/token1', 'aI_0QLRfRyGBP1U60Sby2w')).toBe(
      'AAEAAWVsYXN0aWMvZmxlZXQtc2VydmVyL3Rva2VuMTphSV8wUUxSZlJ5R0JQMVU2MFNieTJ3',
    );
  });

  it('decodes what it encodes, splitting at the first colon', () => {
    const decoded = decodeServiceToken(encodeServiceToken('elastic/kibana/x', 'se:cr:et-1234'));
    expect([[...decoded.prefix], decoded.qualifiedName, decoded.secret]).toEqual([[0, 1, 0, 1], 'elastic/kibana/x', 'se:cr:et-1234']);
  });

  it.each([
    ['aI_0QLRfRyGBP1U60Sby2w', 'Pa3oNkj8xTD8j2gTgjWnTvnE6jseKApWMFjcNCLxX1U=', '84ECweHFZQ2DblHEjHTRWA+fG6h5bVMyTSJUmFvTo1o='],
  ])('PBKDF2_STRETCH of %s matches the ES test resource', (secret, salt, key) => {
    expect(pbkdf2StretchHash(secret, Buffer.from(salt, 'base64'))).toBe(`{PBKDF2_STRETCH}10000$${salt}$${key}`);
  });

  it.each([
    ['5DjRC_XRSAql5Hlampyv7Q', 10000, '0N2h5/AsDS5uO0/A+B6y8AnTCJ3Tqo8nygbzu1gkgpo=', '5aTcCtteHf2g2ye7Y3p6jSZBoGhNJ7l6F3tmUhPTwRo='],
    ['wn0Xfx5IRHy2lOKScvfwrg', 50000, 'IMzlphNClmrP/du40yxGM3fNjklg8CuACds12+Ry0jM=', 'KEC1S9a0NOs3OJKM4gEeBboU18EP4+3m/pyIA4MBDGk='],
  ])('plain {PBKDF2} vector %s (sanity check of the stretch step being the only difference)', (secret, iterations, salt, key) => {
    const derived = pbkdf2Sync(Buffer.from(secret, 'utf8'), Buffer.from(salt, 'base64'), iterations, 32, 'sha512');
    expect(derived.toString('base64')).toBe(key);
    // and the stretched variant must differ, otherwise the stretch step would be a no-op
    const stretched = createHash('sha512').update(secret).digest('hex');
    expect(pbkdf2Sync(stretched, Buffer.from(salt, 'base64'), iterations, 32, 'sha512').toString('base64')).not.toBe(key);
  });
});
