/** OAuth2 access tokens of the emulator: they stand for their principal until they expire (20 minutes) or are invalidated. */
import { describe, expect, it } from 'vitest';
import { AccessTokens } from '../../src/emulator/security/access-tokens.js';

describe('AccessTokens', () => {
  it('authenticates until 20 minutes have passed; invalidation counts once', () => {
    let now = 1_000;
    const tokens = new AccessTokens<{ name: string }>(() => now);
    const { value, expiresInSeconds } = tokens.issue({ name: 'apps/worker' });
    expect(expiresInSeconds).toBe(1200);
    expect(tokens.lookup(value)).toEqual({ name: 'apps/worker' });
    expect(tokens.lookup('never-issued')).toBe('unknown');
    now += 1_200_000 - 1;
    expect(tokens.lookup(value)).toEqual({ name: 'apps/worker' });
    now += 1;
    expect(tokens.lookup(value)).toBe('expired');
    const other = tokens.issue({ name: 'apps/other' }).value;
    expect(tokens.invalidate(other)).toEqual({ invalidated: 1, previously: 0 });
    expect(tokens.invalidate(other)).toEqual({ invalidated: 0, previously: 1 });
    expect(tokens.lookup(other)).toBe('invalidated');
  });
});
