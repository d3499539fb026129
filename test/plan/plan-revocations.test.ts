/** Issue 23 §5: what `escred revoke` plans, pure, one row per kind of token it can name. */
import { describe, expect, it } from 'vitest';
import { planRevocation, type Revocation } from '../../src/plan/plan-revocations.js';
import { desiredAccount, desiredToken, observedAccount } from '../support/state-builders.js';

const FLEET = 'elastic/fleet-server';
const NOW = Date.UTC(2026, 9, 1, 12);
const account = desiredAccount(FLEET, { prune: 'owned', owns: ['ci-*', 'app'], protect: ['keep'],
  tokens: [desiredToken('ci', { rotate: { everyMs: 30 * 86_400_000, overlapMs: 86_400_000 } }), desiredToken('app'), desiredToken('keep')] });
const observed = observedAccount(FLEET, { indexTokens: ['app', 'ci-20261001T120000Z', 'ci-20260901T000000Z', 'hand', 'keep'] });
const plan = (tokens: string[], extra: Partial<Revocation> = {}, sink: string[] | null = []) => {
  const revocation: Revocation = { cluster: 'prod', principal: FLEET, tokens, isAll: false, includeProtected: false, ...extra };
  const sinkSecrets = sink === null ? null : new Set(sink.map((t) => `prod/${FLEET}/${t}`));
  const result = planRevocation({ clusterName: 'prod', account, observed, revocation, nowMs: NOW, sinkSecrets });
  return { actions: result.actions.map((a) => `${a.kind} ${a.token}${a.revoke ? '' : ' (not marked revoke)'}`), warnings: result.warnings.map((w) => `${w.code} ${w.token}`) };
};

describe('planRevocation', () => {
  it.each<[string, string[], Partial<Revocation>, string[], string[]]>([
    ['a generation: a replacement first (named past any taken second), then the leaked one', ['ci-20261001T120000Z'], {},
      ['create ci-20261001T120001Z', 'delete ci-20261001T120000Z'], []],
    ['a rotating token\'s name: every generation, one replacement', ['ci'], {},
      ['create ci-20261001T120001Z', 'delete ci-20261001T120000Z', 'delete ci-20260901T000000Z'], []],
    ['a declared plain token: replaced under its name', ['app'], {}, ['replace app'], []],
    ['an undeclared token, unowned: deleted', ['hand'], {}, ['delete hand'], []],
    ['a protected token without --include-protected: nothing, with a warning', ['keep'], {}, [], ['ESCRED_REVOKE_PROTECTED keep']],
    ['a protected token with --include-protected', ['keep'], { includeProtected: true }, ['replace keep'], []],
    ['a name the cluster does not have', ['nope'], {}, [], ['ESCRED_REVOKE_NOT_FOUND nope']],
  ])('%s', (_, tokens, extra, actions, warnings) => {
    expect(plan(tokens, extra)).toEqual({ actions, warnings });
  });

  it('--all: every token whose value the sink holds, and nothing where the sink cannot tell', () => {
    expect(plan([], { isAll: true }, ['app', 'ci-20261001T120000Z']).actions).toEqual(['replace app', 'create ci-20261001T120001Z', 'delete ci-20261001T120000Z']);
    expect(plan([], { isAll: true }, null).actions).toEqual([]);
  });

  it('says the reason in every action', () => {
    const revocation: Revocation = { cluster: 'prod', principal: FLEET, tokens: ['hand'], isAll: false, includeProtected: false, reason: 'pasted in chat' };
    expect(planRevocation({ clusterName: 'prod', account, observed, revocation, nowMs: NOW }).actions[0]!.reason).toBe('revoke (pasted in chat): not declared, deleted');
  });
});
