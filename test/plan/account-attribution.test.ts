/** Issue 22: who last wrote a user-managed account, and whether that was escred's own credentials. */
import { describe, expect, it } from 'vitest';
import type { AccountAuthor } from '../../src/model.js';
import { describeChangedBy, isEscredAuthor, lastChangeOf } from '../../src/plan/account-attribution.js';

const alice: AccountAuthor = { principal: 'alice', realm: 'default_native', realmType: 'native' };

describe('account attribution', () => {
  it.each([
    ['the same user from the same realm', { principal: 'alice', realm: 'default_native' }, alice, true],
    ['the same name from another realm', { principal: 'alice', realm: 'ldap1' }, alice, false],
    ['escred\'s API key', { principal: 'alice', realm: 'default_native', apiKeyId: 'k1' }, { ...alice, apiKey: { id: 'k1' } }, true],
    ['another key of the same owner', { principal: 'alice', realm: 'default_native', apiKeyId: 'k1' }, { ...alice, apiKey: { id: 'k2' } }, false],
    ['the owner by hand while escred uses her key', { principal: 'alice', realm: 'default_native', apiKeyId: 'k1' }, alice, false],
    ['escred using Basic, the edit through a key of the same user', { principal: 'alice', realm: 'default_native' }, { ...alice, apiKey: { id: 'k1' } }, false],
  ])('%s', (_, self, author, expected) => {
    expect(isEscredAuthor(author, self)).toBe(expected);
  });

  it('the editor when there is one, else the creator; worded for people', () => {
    const account = { principal: 'team/a', roles: [], isEnabled: true, creator: alice, createdAt: 0 };
    expect(describeChangedBy(lastChangeOf(account, null)!)).toBe('created by alice (native) at 1970-01-01T00:00:00.000Z');
    const kibana: AccountAuthor = { principal: 'elastic/kibana', realm: '_service_account', realmType: '_service_account', apiKey: { id: 'k9', name: 'ui' } };
    expect(describeChangedBy(lastChangeOf({ ...account, editor: kibana }, null)!)).toBe('changed by elastic/kibana (service account, API key ui)');
    expect(describeChangedBy(lastChangeOf(account, { principal: 'alice', realm: 'default_native' })!)).toBe('created by escred at 1970-01-01T00:00:00.000Z');
    expect(lastChangeOf({ principal: 'team/a', roles: [], isEnabled: true }, null)).toBeUndefined();
  });
});
