import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/build-plan.js';
import { summarize, type ClusterPlan, type FileTokenDrift, type Plan } from '../../src/plan/plan-types.js';
import { renderHumanPlan } from '../../src/plan/render-human.js';
import {
  desiredAccount, desiredCluster, desiredFileToken, desiredState, desiredToken, observedAccount, observedCluster,
} from '../support/state-builders.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 1);
const FLEET = 'elastic/fleet-server';

function samplePlan() {
  const fleet = desiredAccount(FLEET, {
    prune: 'owned', owns: ['gitops-*', 'ci-*'],
    tokens: [desiredToken('gitops-a'), desiredToken('ci', { rotate: { everyMs: 30 * DAY, overlapMs: 2 * DAY } })],
    fileTokens: [desiredFileToken('bootstrap')],
  });
  const observed = observedAccount(FLEET, {
    indexTokens: ['ci-20261001T000000Z', 'gitops-old', 'by-hand'],
    fileTokens: { bootstrap: ['node-0'] },
  });
  return buildPlan(desiredState([desiredCluster('prod', [fleet])]), [observedCluster('prod', [observed])], { nowMs: NOW });
}

describe('human plan', () => {
  it('reads like a Terraform plan: one line per change with its reason, drift, warnings, a summary', () => {
    expect(renderHumanPlan(samplePlan(), { isColor: false })).toMatchInlineSnapshot(`
      "cluster prod (uuid uuid-1, Elasticsearch 9.4.0)
        elastic/fleet-server
          + create  gitops-a             declared, not in the cluster
          + create  ci-20261101T000000Z  rotate: ci-20261001T000000Z is 31d old, every 30d
          - delete  gitops-old           owned ('gitops-*') and not declared
          ~ drift   file token bootstrap: missing on node-1, node-2
        warning: elastic/fleet-server: by-hand is not declared and no owns pattern matches it: nobody owns it, escred leaves it alone

      Plan: 2 to create, 0 to replace, 1 to delete, 1 file token drifted. (1 warning)
      "
    `);
  });

  it('colours only when asked (the CLI asks only on a TTY without NO_COLOR)', () => {
    expect(renderHumanPlan(samplePlan(), { isColor: true })).toContain('\u001b[32m+ create');
    expect(renderHumanPlan(samplePlan(), { isColor: false })).not.toContain('\u001b[');
  });

  it('says so when nothing changes', () => {
    const plan = buildPlan(desiredState([desiredCluster('prod', [])]), [observedCluster('prod', [])], { nowMs: NOW });
    expect(renderHumanPlan(plan, { isColor: false })).toBe('No changes. The clusters match the manifest.\n');
  });

  // issue 12 items 4 and 5: the summary never says "No changes" while something could not be checked
  const cluster = (name: string, extra: Partial<ClusterPlan> = {}): ClusterPlan => ({
    cluster: name, clusterUuid: `uuid-${name}`, version: '9.4.0', observedDigest: 'd', actions: [], fileTokenDrift: [], warnings: [], ...extra,
  });
  const unknown: FileTokenDrift = { principal: 'elastic/kibana', token: 'kt', missingOn: [], unexpectedOn: [], unknownOn: ['node-2'] };
  const failed = cluster('dead', { clusterUuid: '', version: '', error: { code: 'ESCRED_CONNECTION_FAILED', message: 'cluster dead: GET / failed: connection refused' } });
  const create = { kind: 'create' as const, principal: 'elastic/kibana', token: 'a', reason: 'declared, not in the cluster' };
  const planOf = (clusters: ClusterPlan[]): Plan => ({ formatVersion: 1, clusters, summary: summarize(clusters) });
  const lastLine = (plan: Plan) => renderHumanPlan(plan, { isColor: false }).trimEnd().split('\n').at(-1);

  it.each([
    ['the only cluster failed', [failed], 'Plan failed for 1 of 1 cluster.'],
    ['one of two failed, the other matches', [failed, cluster('ok')], 'Plan failed for 1 of 2 clusters. Nothing to change in the 1 cluster that could be observed.'],
    ['one of two failed, the other has changes', [failed, cluster('ok', { actions: [create] })],
      'Plan failed for 1 of 2 clusters. The others: 1 to create, 0 to replace, 0 to delete, 0 file tokens drifted.'],
    ['a node did not answer, nothing else differs', [cluster('ok', { fileTokenDrift: [unknown] })],
      'Plan incomplete: could not check 1 file token on node-2 (the node did not answer); nothing else to change.'],
    ['a node did not answer and there are changes', [cluster('ok', { actions: [create], fileTokenDrift: [unknown] })],
      'Plan: 1 to create, 0 to replace, 0 to delete, 0 file tokens drifted. Could not check 1 file token on node-2 (the node did not answer).'],
  ])('%s: %s', (_what, clusters, expected) => {
    const plan = planOf(clusters);
    expect(lastLine(plan)).toBe(expected);
    expect(renderHumanPlan(plan, { isColor: false })).not.toContain('No changes');
  });

  it('counts file tokens on nodes that did not answer on their own, not as drift', () => {
    expect(planOf([cluster('ok', { fileTokenDrift: [unknown] })]).summary).toMatchObject({ fileTokenDrift: 0, fileTokensUnknown: 1 });
  });

  // issue 12 item 10: 200 tokens made by hand are one line per account, not 200 (the JSON plan keeps them all)
  it.each([
    [200, ['elastic/kibana: 200 tokens nobody owns (first: by-hand-000, by-hand-001, by-hand-002 ...): not declared and no owns pattern ' +
      'matches them, escred leaves them alone (--output json lists them all)']],
    [2, ['elastic/kibana: by-hand-000 is not declared and no owns pattern matches it: nobody owns it, escred leaves it alone',
      'elastic/kibana: by-hand-001 is not declared and no owns pattern matches it: nobody owns it, escred leaves it alone']],
  ])('%i unowned tokens of one account', (count, expected) => {
    const names = Array.from({ length: count }, (_, i) => `by-hand-${String(i).padStart(3, '0')}`);
    const kibana = desiredAccount('elastic/kibana', { tokens: [desiredToken('declared')] });
    const plan = buildPlan(desiredState([desiredCluster('prod', [kibana])]),
      [observedCluster('prod', [observedAccount('elastic/kibana', { indexTokens: ['declared', ...names] })])], { nowMs: NOW });
    const warningLines = renderHumanPlan(plan, { isColor: false }).split('\n').filter((l) => l.startsWith('  warning:'));
    expect(warningLines).toEqual(expected.map((line) => `  warning: ${line}`));
    expect(plan.clusters[0]!.warnings.filter((w) => w.code === 'ESCRED_UNOWNED_TOKEN').map((w) => w.token)).toEqual(names);
  });
});
