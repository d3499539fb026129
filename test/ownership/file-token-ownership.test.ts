/** Which service_tokens lines escred owns: declared ones, and those the deletion rule lets it remove. */
import { describe, expect, it } from 'vitest';
import { fileTokenKey, isOwnedByAccount, ownedFileTokenKeys, splitFileTokenKey } from '../../src/ownership/file-token-ownership.js';
import { desiredAccount, desiredCluster, desiredFileToken } from '../support/state-builders.js';

const KIBANA = 'elastic/kibana';
const account = desiredAccount(KIBANA, { prune: 'owned', owns: ['boot-*'], protect: ['boot-keep'], fileTokens: [desiredFileToken('declared'), desiredFileToken('other')] });

describe('file-token line ownership', () => {
  it('keys are namespace/service/name and split back', () => {
    expect(fileTokenKey(KIBANA, 'x')).toBe('elastic/kibana/x');
    expect(splitFileTokenKey('elastic/kibana/x')).toEqual({ principal: KIBANA, tokenName: 'x' });
    expect(splitFileTokenKey('elastic/kibana')).toBeNull();
    expect(splitFileTokenKey('a/b/c/d')).toBeNull();
  });

  it.each([
    ['a declared line, whatever owns says', 'declared', true],
    ['the second declared line', 'other', true],
    ['an owned, pruned line', 'boot-1', true],
    ['a protected line', 'boot-keep', false],
    ['an unowned line', 'hand', false],
  ])('%s', (_, name, expected) => {
    expect(isOwnedByAccount(account, name)).toBe(expected);
    expect(ownedFileTokenKeys(desiredCluster('prod', [account]))(`${KIBANA}/${name}`)).toBe(expected);
  });

  it('a line of an account the manifest does not name, or a malformed key, is never owned', () => {
    const owned = ownedFileTokenKeys(desiredCluster('prod', [account]));
    expect(owned('elastic/fleet-server/boot-1')).toBe(false);
    expect(owned('elastic/kibana')).toBe(false);
  });
});
