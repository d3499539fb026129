import { describe, expect, it } from 'vitest';
import { decodeBearer, encodeBearer, newSecret } from '../../src/file-tokens/bearer.js';

const ID = { namespace: 'elastic', service: 'fleet-server', tokenName: 'token1' };

describe('bearer tokens (spec section 7)', () => {
  it('encodes the 00 01 00 01 prefix, principal/name and secret in standard Base64 without padding', () => {
    const bearer = encodeBearer(ID, 'secret:with:colons');
    expect(bearer).not.toMatch(/=$/);
    const bytes = Buffer.from(bearer, 'base64');
    expect([...bytes.subarray(0, 4)]).toEqual([0, 1, 0, 1]);
    expect(bytes.subarray(4).toString()).toBe('elastic/fleet-server/token1:secret:with:colons');
  });

  it('round-trips, splitting at the first colon only', () => {
    expect(decodeBearer(encodeBearer(ID, 'a:b'))).toEqual({ ...ID, secret: 'a:b' });
  });

  it.each([
    ['URL-safe alphabet', encodeBearer(ID, 'x').replace(/\+/g, '-').replace(/\//g, '_') + '-_'],
    ['wrong prefix', Buffer.from('\u0000\u0001\u0000\u0002elastic/fleet-server/t:s').toString('base64')],
    ['no colon', Buffer.concat([Buffer.from([0, 1, 0, 1]), Buffer.from('elastic/fleet-server/t')]).toString('base64')],
    ['two path parts', Buffer.concat([Buffer.from([0, 1, 0, 1]), Buffer.from('elastic/t:s')]).toString('base64')],
    ['invalid token name', Buffer.concat([Buffer.from([0, 1, 0, 1]), Buffer.from('elastic/fleet-server/_t:s')]).toString('base64')],
    ['blank namespace', Buffer.concat([Buffer.from([0, 1, 0, 1]), Buffer.from(' /fleet-server/t:s')]).toString('base64')],
  ])('is not a service token: %s', (_label, value) => {
    expect(decodeBearer(value)).toBeNull();
  });

  it('makes 22-character URL-safe secrets with UUIDv4 version and variant bits', () => {
    const secret = newSecret(() => Buffer.alloc(16, 0xff));
    expect(secret).toHaveLength(22);
    const bytes = Buffer.from(secret, 'base64url');
    expect(bytes[6]! >> 4).toBe(4);
    expect(bytes[8]! >> 6).toBe(2);
    expect(newSecret()).not.toBe(newSecret());
  });
});
