import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/build-plan.js';
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
          - delete  gitops-old           owned ('gitops-*'), no longer declared
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
});
