/**
 * Issue 20: the write gate itself. What it sends and what it refuses, counted at its own port (a
 * recorder in place of the connection: the rules' effect on real HTTP is the property test's and the
 * e2e tests' business); maxDeletions, rollbacks and account writes.
 */
import { describe, expect, it } from 'vitest';
import type { TokenApi } from '../../src/apply/apply-ports.js';
import { WriteGate, WriteRefusedError } from '../../src/apply/write-gate.js';
import type { DesiredAccount } from '../../src/model.js';
import { desiredAccount, desiredCluster, desiredState, desiredToken, observedAccount } from '../support/state-builders.js';

const FLEET = 'elastic/fleet-server';

function recorder(sent: string[]): TokenApi {
  return {
    createToken: async (principal, name) => {
      sent.push(`POST ${principal}/${name}`);
      return { name, value: 'v' };
    },
    deleteToken: async (principal, name) => {
      sent.push(`DELETE ${principal}/${name}`);
      return { found: true };
    },
    getCredentials: async (principal) => observedAccount(principal),
    putUserManagedAccount: async (principal) => {
      sent.push(`PUT ${principal}`);
      return { created: true };
    },
    deleteUserManagedAccount: async (principal) => {
      sent.push(`DELETE ${principal}`);
      return { found: true };
    },
  };
}

function gate(accounts: DesiredAccount[], options: { maxDeletions?: number; override?: number; sinkKeys?: Set<string> | null } = {}) {
  const sent: string[] = [];
  const desired = desiredState([desiredCluster('prod', accounts, {
    maxDeletions: options.maxDeletions ?? 2, userManagedAccounts: { prune: 'owned', owns: ['team/*'], protect: [] } })]);
  const writeGate = new WriteGate({ desired, apis: new Map([['prod', recorder(sent)]]),
    ...(options.sinkKeys !== undefined ? { sinkKeys: options.sinkKeys } : {}), ...(options.override !== undefined ? { maxDeletionsOverride: options.override } : {}) });
  return { api: writeGate.cluster('prod')!, sent, writeGate };
}

const owned = desiredAccount(FLEET, { prune: 'owned', owns: ['g-*'], protect: ['g-keep'], tokens: [desiredToken('g-a')] });

describe('the write gate', () => {
  it('sends what the rules allow and refuses the rest, naming the rule and the cluster, without sending', async () => {
    const { api, sent } = gate([owned]);
    await api.deleteToken(FLEET, 'g-old', 'prune');
    await expect(api.deleteToken(FLEET, 'g-keep', 'prune')).rejects.toMatchObject({
      code: 'ESCRED_GATE_PROTECTED', message: "refused by the write gate on cluster prod: g-keep is protected: protect 'g-keep' matches it" });
    await expect(api.deleteToken(FLEET, 'hand', 'prune')).rejects.toBeInstanceOf(WriteRefusedError);
    await expect(api.createToken(FLEET, 'sneaky')).rejects.toMatchObject({ code: 'ESCRED_GATE_UNDECLARED' });
    expect(sent).toEqual([`DELETE ${FLEET}/g-old`]);
  });

  it('holds maxDeletions whatever the plan says; refusals and replaces do not count', async () => {
    const { api, sent } = gate([owned], { maxDeletions: 2 });
    await expect(api.deleteToken(FLEET, 'hand', 'prune')).rejects.toThrow();
    await api.deleteToken(FLEET, 'g-a', 'replace');
    await api.deleteToken(FLEET, 'g-1', 'prune');
    await api.deleteToken(FLEET, 'g-2', 'prune');
    await expect(api.deleteToken(FLEET, 'g-3', 'prune')).rejects.toMatchObject({ code: 'ESCRED_MAX_DELETIONS',
      message: 'refused by the write gate on cluster prod: deletion 3 is over the limit of 2 (maxDeletions, or --max-deletions)' });
    expect(sent).toEqual([`DELETE ${FLEET}/g-a`, `DELETE ${FLEET}/g-1`, `DELETE ${FLEET}/g-2`]);
  });

  it('--max-deletions overrides the manifest limit', async () => {
    const { api, sent } = gate([owned], { maxDeletions: 0, override: 1 });
    await api.deleteToken(FLEET, 'g-1', 'prune');
    await expect(api.deleteToken(FLEET, 'g-2', 'prune')).rejects.toMatchObject({ code: 'ESCRED_MAX_DELETIONS' });
    expect(sent).toHaveLength(1);
  });

  it('rolls back only a token this run made through it', async () => {
    const { api, sent } = gate([owned]);
    await expect(api.deleteToken(FLEET, 'g-a', 'rollback')).rejects.toMatchObject({ code: 'ESCRED_GATE_NOT_MADE_HERE' });
    await api.createToken(FLEET, 'g-a');
    await api.deleteToken(FLEET, 'g-a', 'rollback');
    expect(sent).toEqual([`POST ${FLEET}/g-a`, `DELETE ${FLEET}/g-a`]);
  });

  it('a token of a removed account goes only when the sink holds its value, and counts as a deletion', async () => {
    const { api, sent } = gate([], { sinkKeys: new Set(['prod/team/old/mine']), maxDeletions: 1 });
    await expect(api.deleteToken('team/old', 'hand', 'prune')).rejects.toMatchObject({ code: 'ESCRED_GATE_NOT_ESCREDS' });
    await api.deleteToken('team/old', 'mine', 'prune');
    await expect(api.deleteUserManagedAccount('team/old')).rejects.toMatchObject({ code: 'ESCRED_MAX_DELETIONS' });
    expect(sent).toEqual(['DELETE team/old/mine']);
  });

  it('a sink that cannot tell proves nothing', async () => {
    const { api, sent } = gate([], { sinkKeys: null });
    await expect(api.deleteToken('team/old', 'mine', 'account-removal')).rejects.toMatchObject({ code: 'ESCRED_GATE_NOT_ESCREDS' });
    expect(sent).toEqual([]);
  });

  it('account writes: put only a declared user-managed account, delete only an owned undeclared one', async () => {
    const { api, sent } = gate([desiredAccount('team/a', { userManaged: { roles: [], isEnabled: true } })]);
    await api.putUserManagedAccount('team/a', { roles: [], isEnabled: true });
    await expect(api.putUserManagedAccount('team/b', { roles: [], isEnabled: true })).rejects.toMatchObject({ code: 'ESCRED_GATE_UNDECLARED' });
    await expect(api.deleteUserManagedAccount('team/a')).rejects.toMatchObject({ code: 'ESCRED_GATE_DECLARED' });
    await api.deleteUserManagedAccount('team/b');
    expect(sent).toEqual(['PUT team/a', 'DELETE team/b']);
  });

  it('an account is disabled as this run wrote it, else as the plan saw it (the manifest may leave enabled out)', async () => {
    const declared = (enabled?: boolean) => desiredAccount('team/a', { userManaged: { roles: [], ...(enabled === undefined ? {} : { isEnabled: enabled }) } });
    const sent: string[] = [];
    const desired = desiredState([desiredCluster('prod', [declared(), desiredAccount('team/b', { userManaged: { roles: [] } })])]);
    const gated = new WriteGate({ desired, apis: new Map([['prod', recorder(sent)]]), disabledAccounts: new Set(['prod/team/a']) }).cluster('prod')!;
    expect(gated.isAccountDisabled('team/a')).toBe(true);
    expect(gated.isAccountDisabled('team/b')).toBe(false);
    await gated.putUserManagedAccount('team/a', { roles: [], isEnabled: true });
    await gated.putUserManagedAccount('team/b', { roles: [], isEnabled: false });
    expect([gated.isAccountDisabled('team/a'), gated.isAccountDisabled('team/b')]).toEqual([false, true]);
  });

  it('has no road to a cluster the manifest does not declare, nor to one it has no connection for', () => {
    expect(gate([owned]).writeGate.cluster('elsewhere')).toBeUndefined();
    const desired = desiredState([desiredCluster('prod', [owned]), desiredCluster('offline', [owned])]);
    expect(new WriteGate({ desired, apis: new Map([['prod', recorder([])]]) }).cluster('offline')).toBeUndefined();
  });

  it('asks without sending (judgeDelete), and reads through to the credentials', async () => {
    const { api, sent } = gate([owned]);
    expect(api.judgeDelete(FLEET, 'g-keep', 'conflict')).toMatchObject({ isAllowed: false, code: 'ESCRED_GATE_PROTECTED' });
    expect(api.judgeDelete(FLEET, 'g-a', 'conflict')).toEqual({ isAllowed: true });
    expect(await api.getCredentials(FLEET)).toMatchObject({ principal: FLEET });
    expect(sent).toEqual([]);
  });

  it('without what the sink holds, no token is proven escred\'s', async () => {
    const { api, sent } = gate([]);
    await expect(api.deleteToken('team/old', 'mine', 'prune')).rejects.toMatchObject({ code: 'ESCRED_GATE_NOT_ESCREDS' });
    expect(sent).toEqual([]);
  });

  it.each(['putUserManagedAccount', 'deleteUserManagedAccount'] as const)('a connection without account calls (%s missing) fails plainly', async (missing) => {
    const sent: string[] = [];
    const api: TokenApi = { ...recorder(sent), [missing]: undefined };
    const desired = desiredState([desiredCluster('prod', [desiredAccount('team/a', { userManaged: { roles: [], isEnabled: true } })],
      { userManagedAccounts: { prune: 'owned', owns: ['team/*'], protect: [] } })]);
    const gated = new WriteGate({ desired, apis: new Map([['prod', api]]) }).cluster('prod')!;
    await expect(gated.putUserManagedAccount('team/a', { roles: [], isEnabled: true })).rejects.toMatchObject({
      code: 'ESCRED_NO_ACCOUNT_API', message: 'this connection cannot write user-managed service accounts' });
    await expect(gated.deleteUserManagedAccount('team/b')).rejects.toMatchObject({ code: 'ESCRED_NO_ACCOUNT_API' });
    expect(sent).toEqual([]);
  });
});
