/** Issue 14: planning user-managed service accounts (spec user-managed-service-accounts.md, section 9). */
import { describe, expect, it } from 'vitest';
import type { AccountOwnership, ObservedUserManaged, ObservedUserManagedAccount } from '../../src/model.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { observedDigest } from '../../src/plan/observed-digest.js';
import { desiredAccount, desiredCluster, desiredState, desiredToken, observedAccount, observedCluster } from '../support/state-builders.js';

const ingest = (roles: string[], isEnabled = true, tokens: string[] = []) =>
  desiredAccount('team/ingest', { userManaged: { roles, isEnabled }, tokens: tokens.map((n) => desiredToken(n)) });
const seen = (principal: string, roles: string[], isEnabled = true): ObservedUserManagedAccount => ({ principal, roles, isEnabled });

function plan(options: {
  declared?: ReturnType<typeof ingest>[];
  cluster?: ObservedUserManagedAccount[];
  ownership?: Partial<AccountOwnership>;
  tokens?: Record<string, string[]>;
  userManaged?: Partial<ObservedUserManaged>;
  maxDeletions?: number;
  /** `principal/token` whose values escred's sink holds; default: every observed token (escred made them) */
  inSink?: string[];
}) {
  const ownership = { prune: 'none' as const, owns: [], protect: [], ...options.ownership };
  const desired = desiredState([desiredCluster('prod', options.declared ?? [], { userManagedAccounts: ownership, maxDeletions: options.maxDeletions ?? 5 })]);
  const credentials = Object.entries(options.tokens ?? {}).map(([p, names]) => observedAccount(p, { indexTokens: names }));
  const userManaged: ObservedUserManaged = { accounts: options.cluster ?? [], missingRoles: [], canManageSecurity: true, ...options.userManaged };
  const inSink = options.inSink ?? Object.entries(options.tokens ?? {}).flatMap(([p, names]) => names.map((n) => `${p}/${n}`));
  return buildPlan(desired, [observedCluster('prod', credentials, { userManaged })], { nowMs: 0, sinkSecrets: new Set(inSink.map((k) => `prod/${k}`)) });
}

describe('user-managed accounts in the plan', () => {
  it('creates a declared account that is missing, then its tokens', () => {
    const result = plan({ declared: [ingest(['logs-writer'], true, ['t1'])] });
    expect(result.clusters[0]!.accountActions).toEqual([
      { kind: 'create-account', principal: 'team/ingest', roles: ['logs-writer'], isEnabled: true, reason: 'declared, not in the cluster' }]);
    expect(result.clusters[0]!.actions.map((a) => `${a.kind} ${a.token}`)).toEqual(['create t1']);
    expect(result.summary).toMatchObject({ accountCreate: 1, create: 1 });
  });

  it.each([
    ['roles compare as sets', ['b', 'a'], ['a', 'b'], true, true, []],
    ['a role added and one removed', ['a', 'c'], ['a', 'b'], true, true, [{ rolesAdded: ['c'], rolesRemoved: ['b'], enabledBefore: true }]],
    ['disabled by the manifest', ['a'], ['a'], false, true, [{ rolesAdded: [], rolesRemoved: [], enabledBefore: true, isEnabled: false }]],
    ['re-enabled', ['a'], ['a'], true, false, [{ enabledBefore: false, isEnabled: true }]],
  ])('%s', (_, want, have, wantEnabled, haveEnabled, expected) => {
    const result = plan({ declared: [ingest([...want].sort(), wantEnabled)], cluster: [seen('team/ingest', have, haveEnabled)] });
    expect(result.clusters[0]!.accountActions).toEqual(expected.map((e) => expect.objectContaining({ kind: 'update-account', ...e })));
  });

  it('an undeclared account nobody owns is reported and never touched', () => {
    const result = plan({ cluster: [seen('other/app', [])] });
    expect(result.clusters[0]!.accountActions).toEqual([]);
    expect(result.clusters[0]!.warnings.map((w) => w.code)).toEqual(['ESCRED_UNOWNED_ACCOUNT']);
  });

  it('an owned undeclared account under prune: owned loses its tokens first, then the account; never with force', () => {
    const result = plan({ cluster: [seen('team/old', ['a'])], ownership: { prune: 'owned', owns: ['team/*'] }, tokens: { 'team/old': ['x', 'y'] } });
    expect(result.clusters[0]!.actions.map((a) => `${a.kind} ${a.principal}/${a.token}`)).toEqual(['delete team/old/x', 'delete team/old/y']);
    expect(result.clusters[0]!.accountActions).toEqual([{ kind: 'delete-account', principal: 'team/old', reason: "owned ('team/*') and not declared" }]);
  });

  it.each([
    ['one token was made by hand', ['team/old/x'], ['y']],
    ['the sink cannot tell who made them', null, ['x', 'y']],
  ])('issue 20: an owned undeclared account stays, with all its tokens, when %s', (_, inSink, holding) => {
    const result = plan({ cluster: [seen('team/old', ['a'])], ownership: { prune: 'owned', owns: ['team/*'] }, tokens: { 'team/old': ['x', 'y'] },
      ...(inSink ? { inSink } : {}) });
    if (inSink === null) {
      const noList = buildPlan(desiredState([desiredCluster('prod', [], { userManagedAccounts: { prune: 'owned', owns: ['team/*'], protect: [] } })]),
        [observedCluster('prod', [observedAccount('team/old', { indexTokens: ['x', 'y'] })],
          { userManaged: { accounts: [seen('team/old', ['a'])], missingRoles: [], canManageSecurity: true } })], { nowMs: 0, sinkSecrets: null });
      expect(noList.clusters[0]!.actions).toEqual([]);
      expect(noList.clusters[0]!.accountActions).toEqual([]);
      expect(noList.clusters[0]!.warnings.map((w) => w.code)).toEqual(['ESCRED_ACCOUNT_KEPT']);
      return;
    }
    expect(result.clusters[0]!.actions).toEqual([]);
    expect(result.clusters[0]!.accountActions).toEqual([]);
    const warning = result.clusters[0]!.warnings.find((w) => w.code === 'ESCRED_ACCOUNT_KEPT');
    expect(warning?.message).toContain(`did not make (no value in its secret sink): ${holding.join(', ')}`);
  });

  it.each([
    ['prune off', { owns: ['team/*'] }, ['ESCRED_ACCOUNT_NOT_PRUNED']],
    ['protected', { prune: 'owned' as const, owns: ['team/*'], protect: ['team/old'] }, []],
  ])('an owned undeclared account stays when %s', (_, ownership, warnings) => {
    const result = plan({ cluster: [seen('team/old', [])], ownership });
    expect(result.clusters[0]!.accountActions).toEqual([]);
    expect(result.clusters[0]!.warnings.map((w) => w.code)).toEqual(warnings);
  });

  it('the elastic namespace is never written, whatever owns says', () => {
    const result = plan({ cluster: [seen('elastic/weird', [])], ownership: { prune: 'owned', owns: ['*'] } });
    expect(result.clusters[0]!.accountActions).toEqual([]);
  });

  it('account deletions count against maxDeletions with the tokens they take along', () => {
    const result = plan({ cluster: [seen('team/old', [])], ownership: { prune: 'owned', owns: ['team/*'] }, tokens: { 'team/old': ['x'] }, maxDeletions: 1 });
    expect(result.clusters[0]!.error?.code).toBe('ESCRED_MAX_DELETIONS');
    expect(result.clusters[0]!.error?.message).toContain('deletes 2 tokens and accounts');
  });

  it('credentials without manage_security make a plan with account writes an error, before any call', () => {
    const result = plan({ declared: [ingest(['a'])], userManaged: { canManageSecurity: false } });
    expect(result.clusters[0]!.error?.code).toBe('ESCRED_PRIVILEGE_MANAGE_SECURITY');
    const nothingToWrite = plan({ declared: [ingest(['a'])], cluster: [seen('team/ingest', ['a'])], userManaged: { canManageSecurity: false } });
    expect(nothingToWrite.clusters[0]!.error).toBeUndefined();
  });

  it('warns about each declared role the cluster does not have', () => {
    const result = plan({ declared: [ingest(['logs-writr'])], userManaged: { missingRoles: ['logs-writr'] } });
    expect(result.clusters[0]!.warnings.map((w) => w.message)).toEqual([
      'role logs-writr (of team/ingest) does not exist in the cluster: it grants nothing until it is created (a typo?)']);
  });

  it('a change to an account makes a saved plan stale (the observed digest changes)', () => {
    const base = observedCluster('prod', [], { userManaged: { accounts: [seen('team/ingest', ['a'])], missingRoles: [], canManageSecurity: true } });
    const changed = { ...base, userManaged: { ...base.userManaged!, accounts: [seen('team/ingest', ['a'], false)] } };
    expect(observedDigest(changed)).not.toBe(observedDigest(base));
  });
});
