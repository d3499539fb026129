import { describe, expect, it } from 'vitest';
import { invalidTokenNameMessage, isValidTokenName } from '../../src/es/token-name.js';
import { builtInAccountsFor } from '../../src/es/built-in-accounts.js';

describe('isValidTokenName (spec section 2)', () => {
  it.each([
    ['a', true],
    ['-leading-hyphen', true],
    ['token_1-A', true],
    ['x'.repeat(256), true],
    ['', false],
    ['_leading-underscore', false],
    ['x'.repeat(257), false],
    ['has.dot', false],
    ['has space', false],
    ['has/slash', false],
    ['has:colon', false],
    ['ünïcode', false],
    ['trailing-newline\n', false],
  ])('%j -> %s', (name, expected) => {
    expect(isValidTokenName(name)).toBe(expected);
  });

  it('uses the exact Elasticsearch message', () => {
    expect(invalidTokenNameMessage('a.b')).toBe(
      'invalid service token name [a.b]. service account token name must have at least 1 character and at most 256 ' +
        'characters that are alphanumeric (A-Z, a-z, 0-9) or hyphen (-) or underscore (_). It must not begin with an underscore (_).',
    );
  });
});

describe('builtInAccountsFor (spec section 5)', () => {
  it.each([
    ['7.14.2', ['elastic/fleet-server']],
    ['7.17.0', ['elastic/fleet-server', 'elastic/kibana']],
    ['8.19.3', ['elastic/auto-ops', 'elastic/enterprise-search-server', 'elastic/fleet-server', 'elastic/fleet-server-remote', 'elastic/kibana']],
    ['9.4.0', ['elastic/auto-ops', 'elastic/fleet-server', 'elastic/fleet-server-remote', 'elastic/kibana']],
  ])('%s', (version, accounts) => {
    expect(builtInAccountsFor(version)).toEqual(accounts);
  });
});
