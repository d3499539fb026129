/** Issue 20: the rules the write gate judges every write by, one row per rule and purpose. */
import { describe, expect, it } from 'vitest';
import type { DesiredAccount } from '../../src/model.js';
import {
  countsAsDeletion, judgeAccountDelete, judgeAccountPut, judgeTokenCreate, judgeTokenDelete, type TokenDeletePurpose, type WriteFacts,
} from '../../src/ownership/write-rules.js';
import { desiredAccount, desiredCluster, desiredToken } from '../support/state-builders.js';

const FLEET = 'elastic/fleet-server';
const fleet = (extra: Partial<DesiredAccount> = {}) => desiredAccount(FLEET, {
  prune: 'owned', owns: ['gitops-*'], protect: ['gitops-keep'],
  tokens: [desiredToken('gitops-a'), desiredToken('gitops-keep'), desiredToken('ci', { rotate: { everyMs: 1000, overlapMs: 10 } })], ...extra,
});
const cluster = (accounts: DesiredAccount[] = [fleet()], owns: string[] = ['team/*'], protect: string[] = ['team/keep']) =>
  desiredCluster('prod', accounts, { userManagedAccounts: { prune: 'owned', owns, protect } });
const facts = (made: string[] = [], inSink: string[] | null = []): WriteFacts => ({
  isMadeThisRun: (p, t) => made.includes(`${p}/${t}`),
  isInSink: (p, t) => (inSink === null ? null : inSink.includes(`${p}/${t}`)),
});
const verdictOf = (v: ReturnType<typeof judgeTokenDelete>) => (v.isAllowed ? 'allowed' : v.code);

describe('token deletes', () => {
  it.each<[string, TokenDeletePurpose, string, string]>([
    ['an owned undeclared token is pruned', 'prune', 'gitops-old', 'allowed'],
    ['a generation of a rotating token, owned', 'prune', 'ci-20260101T000000Z', 'ESCRED_GATE_UNOWNED'],
    ['an unowned token is never pruned', 'prune', 'hand-1', 'ESCRED_GATE_UNOWNED'],
    ['a protected token is never pruned', 'prune', 'gitops-keep', 'ESCRED_GATE_PROTECTED'],
    ['a declared token is never pruned', 'prune', 'gitops-a', 'ESCRED_GATE_DECLARED'],
    ['a declared token may be replaced', 'replace', 'gitops-a', 'allowed'],
    ['a protected declared token is never replaced', 'replace', 'gitops-keep', 'ESCRED_GATE_PROTECTED'],
    ['an undeclared token is never replaced', 'replace', 'gitops-old', 'ESCRED_GATE_UNDECLARED'],
    ['a lost answer of a declared token may be replaced', 'lost-answer', 'gitops-a', 'allowed'],
    ['a lost answer of a protected token is not', 'lost-answer', 'gitops-keep', 'ESCRED_GATE_PROTECTED'],
    ['a 409 on an owned, pruned token may replace it', 'conflict', 'gitops-a', 'allowed'],
    ['a 409 on a protected token never replaces it', 'conflict', 'gitops-keep', 'ESCRED_GATE_PROTECTED'],
    ['a 409 on an unowned declared token never replaces it', 'conflict', 'hand-declared', 'ESCRED_GATE_UNOWNED'],
    ['a rollback of what this run did not make is refused', 'rollback', 'gitops-a', 'ESCRED_GATE_NOT_MADE_HERE'],
  ])('%s', (_, purpose, token, expected) => {
    const account = fleet({ tokens: [...fleet().tokens, desiredToken('hand-declared')] });
    expect(verdictOf(judgeTokenDelete(cluster([account]), FLEET, token, purpose, facts()))).toBe(expected);
  });

  it('a generation of a rotating token is judged by owns like any other name', () => {
    const account = fleet({ owns: ['gitops-*', 'ci-*'] });
    expect(verdictOf(judgeTokenDelete(cluster([account]), FLEET, 'ci-20260101T000000Z', 'prune', facts()))).toBe('allowed');
  });

  it('prune off: an owned token stays', () => {
    expect(verdictOf(judgeTokenDelete(cluster([fleet({ prune: 'none' })]), FLEET, 'gitops-old', 'prune', facts()))).toBe('ESCRED_GATE_NOT_PRUNED');
    expect(verdictOf(judgeTokenDelete(cluster([fleet({ prune: 'none' })]), FLEET, 'gitops-a', 'conflict', facts()))).toBe('ESCRED_GATE_NOT_PRUNED');
  });

  it('a rollback of a token this run made is allowed, even a protected one (it restores what was there before)', () => {
    expect(verdictOf(judgeTokenDelete(cluster(), FLEET, 'gitops-keep', 'rollback', facts([`${FLEET}/gitops-keep`])))).toBe('allowed');
  });

  it('an account the manifest does not declare: no token of it is touched except as an account removal', () => {
    for (const purpose of ['replace', 'conflict', 'lost-answer'] as const) {
      expect(verdictOf(judgeTokenDelete(cluster(), 'elastic/kibana', 'x', purpose, facts()))).toBe('ESCRED_GATE_UNDECLARED');
    }
  });

  it.each<[string, string, string[] | null, string]>([
    ['a token escred made (its value is in the sink)', 'team/old', ['team/old/t'], 'allowed'],
    ['a token made by hand', 'team/old', [], 'ESCRED_GATE_NOT_ESCREDS'],
    ['a sink that cannot tell', 'team/old', null, 'ESCRED_GATE_NOT_ESCREDS'],
    ['an account userManagedAccounts protects', 'team/keep', ['team/keep/t'], 'ESCRED_GATE_PROTECTED'],
    ['an account nobody owns', 'other/app', ['other/app/t'], 'ESCRED_GATE_UNOWNED'],
    ['the elastic namespace', 'elastic/kibana', ['elastic/kibana/t'], 'ESCRED_GATE_RESERVED'],
  ])('removing an account: %s', (_, principal, inSink, expected) => {
    for (const purpose of ['account-removal', 'prune'] as const) {
      expect(verdictOf(judgeTokenDelete(cluster([], ['team/*', 'other/x', 'elastic/*']), principal, 't', purpose, facts([], inSink)))).toBe(expected);
    }
  });

  it.each<[string, string, string]>([
    ['an owned, pruned leftover, even a declared name', 't1', 'allowed'],
    ['an owned, pruned leftover', 'gitops-old', 'allowed'],
    ['a protected leftover', 'gitops-keep', 'ESCRED_GATE_PROTECTED'],
    ['an unowned leftover', 'hand', 'ESCRED_GATE_UNOWNED'],
  ])('leftover tokens of a declared, missing account: %s', (_, token, expected) => {
    const account = desiredAccount('team/a', { userManaged: { roles: [], isEnabled: true }, prune: 'owned', owns: ['gitops-*', 't1'],
      protect: ['gitops-keep'], tokens: [desiredToken('t1')] });
    expect(verdictOf(judgeTokenDelete(cluster([account]), 'team/a', token, 'leftover', facts()))).toBe(expected);
  });

  it('a built-in account has no leftovers', () => {
    expect(judgeTokenDelete(cluster(), FLEET, 'gitops-old', 'leftover', facts())).toEqual({ isAllowed: false, code: 'ESCRED_GATE_UNDECLARED',
      reason: `${FLEET} is not a declared user-managed account, so it has no leftovers` });
    const prune = { ...fleet(), userManaged: { roles: [], isEnabled: true }, prune: 'none' as const };
    expect(judgeTokenDelete(cluster([prune]), FLEET, 'gitops-old', 'leftover', facts())).toMatchObject({ code: 'ESCRED_GATE_NOT_PRUNED',
      reason: `leftover gitops-old of ${FLEET}: prune is off (it matches owns 'gitops-*')` });
  });

  it('a declared account is never being removed', () => {
    expect(verdictOf(judgeTokenDelete(cluster(), FLEET, 'gitops-old', 'account-removal', facts([], [`${FLEET}/gitops-old`])))).toBe('ESCRED_GATE_DECLARED');
  });

  const revoking = (tokens: string[], includeProtected = false): WriteFacts => ({
    ...facts(), revocation: (p, t) => (p === FLEET && tokens.includes(t) ? { includeProtected } : undefined),
  });
  it.each<[string, string, WriteFacts, string]>([
    ['a token this run\'s revoke names, unowned or not', 'hand-1', revoking(['hand-1']), 'allowed'],
    ['a declared token this run\'s revoke names', 'gitops-a', revoking(['gitops-a']), 'allowed'],
    ['a token no revoke named (a saved plan, another producer)', 'gitops-old', facts(), 'ESCRED_GATE_NOT_REVOKED'],
    ['a token the revoke does not name', 'gitops-old', revoking(['gitops-a']), 'ESCRED_GATE_NOT_REVOKED'],
    ['a protected token without --include-protected', 'gitops-keep', revoking(['gitops-keep']), 'ESCRED_GATE_PROTECTED'],
    ['a protected token with --include-protected', 'gitops-keep', revoking(['gitops-keep'], true), 'allowed'],
  ])('revoke: %s', (_, token, runFacts, expected) => {
    expect(verdictOf(judgeTokenDelete(cluster(), FLEET, token, 'revoke', runFacts))).toBe(expected);
  });

  it('revoke: only on a declared account', () => {
    expect(verdictOf(judgeTokenDelete(cluster(), 'elastic/kibana', 'x', 'revoke', revoking(['x'])))).toBe('ESCRED_GATE_UNDECLARED');
  });

  it('only removals count against maxDeletions', () => {
    expect((['prune', 'account-removal', 'leftover', 'replace', 'conflict', 'lost-answer', 'rollback', 'revoke'] as const).filter(countsAsDeletion))
      .toEqual(['prune', 'account-removal', 'leftover']);
  });
});

describe('refusals say why, naming the token, the account and the rule', () => {
  const c = cluster([fleet({ tokens: [...fleet().tokens, desiredToken('hand-declared')] }),
    desiredAccount('team/a', { userManaged: { roles: [], isEnabled: true } })], ['team/*'], ['team/keep']);
  const reasonOf = (v: ReturnType<typeof judgeTokenDelete>) => (v.isAllowed ? '' : v.reason);
  it.each<[string, () => ReturnType<typeof judgeTokenDelete>, string]>([
    ['undeclared account', () => judgeTokenDelete(c, 'elastic/kibana', 'x', 'replace', facts()), 'the manifest declares no account elastic/kibana on cluster prod'],
    ['create of an undeclared token', () => judgeTokenCreate(c, FLEET, 'sneaky'),
      `the manifest declares no token sneaky (nor a rotating token it is a generation of) for ${FLEET}`],
    ['create in an undeclared account', () => judgeTokenCreate(c, 'elastic/kibana', 'x'), 'the manifest declares no account elastic/kibana on cluster prod'],
    ['rollback', () => judgeTokenDelete(c, FLEET, 'gitops-a', 'rollback', facts()), "gitops-a was not created by this run, so it is not escred's to roll back"],
    ['replace of an undeclared token', () => judgeTokenDelete(c, FLEET, 'gitops-old', 'replace', facts()),
      `gitops-old is not a declared token of ${FLEET}, so escred does not replace it`],
    ['prune of a declared token', () => judgeTokenDelete(c, FLEET, 'gitops-a', 'prune', facts()), 'gitops-a is declared in the manifest, so it is never pruned'],
    ['prune of an unowned token', () => judgeTokenDelete(c, FLEET, 'hand-1', 'prune', facts()), 'hand-1: no owns pattern matches it'],
    ['409 on an unowned token', () => judgeTokenDelete(c, FLEET, 'hand-declared', 'conflict', facts()), 'hand-declared already exists and no owns pattern matches it'],
    ['protected', () => judgeTokenDelete(c, FLEET, 'gitops-keep', 'conflict', facts()), "gitops-keep is protected: protect 'gitops-keep' matches it"],
    ['removal from a declared account', () => judgeTokenDelete(c, FLEET, 'x', 'account-removal', facts()),
      `account ${FLEET} is declared in the manifest, so it is not being removed`],
    ['removal of a hand-made token', () => judgeTokenDelete(c, 'team/old', 'x', 'account-removal', facts()),
      "x of removed account team/old has no value in escred's sink: escred cannot tell it made it"],
    ['put in elastic', () => judgeAccountPut(c, FLEET), `${FLEET} is in the reserved elastic namespace`],
    ['put of an undeclared account', () => judgeAccountPut(c, 'team/b'), 'the manifest declares no user-managed account team/b on cluster prod'],
    ['delete in elastic', () => judgeAccountDelete(c, 'elastic/x'), 'elastic/x is in the reserved elastic namespace'],
    ['delete of a declared account', () => judgeAccountDelete(c, 'team/a'), 'account team/a is declared in the manifest'],
    ['delete of a protected account', () => judgeAccountDelete(c, 'team/keep'), "account team/keep: userManagedAccounts protect 'team/keep' matches it"],
  ])('%s', (_, judge, reason) => {
    expect(reasonOf(judge())).toBe(reason);
  });
});

describe('token creates', () => {
  it.each([
    ['a declared plain token', 'gitops-a', true],
    ['a generation of a declared rotating token', 'ci-20261207T101010Z', true],
    ['a name that only starts like a generation', 'ci-latest', false],
    ['a generation-like name of a plain token', 'gitops-a-20261207T101010Z', false],
    ['an undeclared name', 'sneaky', false],
  ])('%s', (_, token, isAllowed) => {
    expect(judgeTokenCreate(cluster(), FLEET, token).isAllowed).toBe(isAllowed);
  });

  it('an undeclared account', () => {
    expect(judgeTokenCreate(cluster(), 'elastic/kibana', 'gitops-a')).toMatchObject({ isAllowed: false, code: 'ESCRED_GATE_UNDECLARED' });
  });
});

describe('account writes', () => {
  const declared = desiredAccount('team/a', { userManaged: { roles: [], isEnabled: true } });
  it.each([
    ['a declared user-managed account', 'team/a', 'allowed'],
    ['an undeclared account', 'team/b', 'ESCRED_GATE_UNDECLARED'],
    ['a built-in account', FLEET, 'ESCRED_GATE_RESERVED'],
  ])('put: %s', (_, principal, expected) => {
    expect(verdictOf(judgeAccountPut(cluster([declared, fleet()]), principal))).toBe(expected);
  });

  it.each([
    ['an owned, pruned, undeclared account', 'team/b', 'allowed'],
    ['a declared account', 'team/a', 'ESCRED_GATE_DECLARED'],
    ['a protected account', 'team/keep', 'ESCRED_GATE_PROTECTED'],
    ['an unowned account', 'other/b', 'ESCRED_GATE_UNOWNED'],
    ['the elastic namespace, whatever owns says', 'ELASTIC/x', 'ESCRED_GATE_RESERVED'],
  ])('delete: %s', (_, principal, expected) => {
    expect(verdictOf(judgeAccountDelete(cluster([declared], ['team/*', '*/x']), principal))).toBe(expected);
  });

  it('prune off keeps an owned account', () => {
    const c = desiredCluster('prod', [], { userManagedAccounts: { prune: 'none', owns: ['team/*'], protect: [] } });
    expect(verdictOf(judgeAccountDelete(c, 'team/b'))).toBe('ESCRED_GATE_NOT_PRUNED');
  });
});
