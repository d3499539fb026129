import { describe, expect, it } from 'vitest';
import { PLAN_WARNING_CODES } from '../../src/error-codes.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { summarize, type ClusterPlan, type FileTokenDrift, type Plan, type PlanAction } from '../../src/plan/plan-types.js';
import { GITHUB_COMMENT_LIMIT, renderMarkdownPlan } from '../../src/plan/render-markdown.js';
import { desiredAccount, desiredCluster, desiredState, desiredToken, observedAccount, observedCluster } from '../support/state-builders.js';

const DAY = 86_400_000;
const FLEET = 'elastic/fleet-server';
const KIBANA = 'elastic/kibana';

const cluster = (name: string, extra: Partial<ClusterPlan> = {}): ClusterPlan => ({
  cluster: name, clusterUuid: `uuid-${name}`, version: '9.4.0', observedDigest: 'd', actions: [], fileTokenDrift: [], warnings: [], ...extra,
});
const planOf = (...clusters: ClusterPlan[]): Plan => ({ formatVersion: 1, clusters, summary: summarize(clusters) });
const create = (token: string, principal = FLEET): PlanAction => ({ kind: 'create', principal, token, reason: 'declared, not in the cluster' });
const remove = (token: string, principal = FLEET): PlanAction => ({ kind: 'delete', principal, token, reason: "owned ('gitops-*') and not declared" });
const bytes = (text: string) => new TextEncoder().encode(text).length;

describe('markdown plan (a pull-request comment)', () => {
  it('no changes: a headline and the table, no details', () => {
    expect(renderMarkdownPlan(planOf(cluster('prod')))).toMatchInlineSnapshot(`
      "### escred plan: no changes

      The clusters match the manifest.

      | Cluster | Create | Replace | Delete | File-token drift | Unchecked | Warnings | Status |
      |---|--:|--:|--:|--:|--:|--:|---|
      | prod | 0 | 0 | 0 | 0 | 0 | 0 | in sync |
      "
    `);
  });

  it('creates and deletes: a row per cluster, each cluster\'s changes in a collapsed diff', () => {
    const plan = planOf(cluster('prod', { actions: [create('gitops-a'), create('gitops-k', KIBANA), remove('gitops-old')] }), cluster('staging'));
    expect(renderMarkdownPlan(plan)).toMatchInlineSnapshot(`
      "### escred plan: 2 to create, 0 to replace, 1 to delete, 0 file tokens drifted

      | Cluster | Create | Replace | Delete | File-token drift | Unchecked | Warnings | Status |
      |---|--:|--:|--:|--:|--:|--:|---|
      | prod | 2 | 0 | 1 | 0 | 0 | 0 | changes |
      | staging | 0 | 0 | 0 | 0 | 0 | 0 | in sync |

      <details><summary><b>prod</b> (uuid uuid-prod, Elasticsearch 9.4.0): 2 to create, 1 to delete</summary>

      \`\`\`diff
        elastic/fleet-server
      + create  gitops-a    declared, not in the cluster
      - delete  gitops-old  owned ('gitops-*') and not declared
        elastic/kibana
      + create  gitops-k  declared, not in the cluster
      \`\`\`

      </details>
      "
    `);
  });

  it('rotation: the reason and the rotation schedule, from the real planner', () => {
    const fleet = desiredAccount(FLEET, { prune: 'owned', owns: ['ci-*'], tokens: [desiredToken('ci', { rotate: { everyMs: 30 * DAY, overlapMs: 2 * DAY } })] });
    const observed = observedAccount(FLEET, { indexTokens: ['ci-20261001T000000Z'] });
    const plan = buildPlan(desiredState([desiredCluster('prod', [fleet])]), [observedCluster('prod', [observed])], { nowMs: Date.UTC(2026, 10, 1) });
    const text = renderMarkdownPlan(plan);
    expect(text).toContain('+ create  ci-20261101T000000Z  rotate: ci-20261001T000000Z is 31d old, every 30d (rotate every 30d, overlap 2d)');
    expect(text.split('<details>')[0]).toMatchInlineSnapshot(`
      "### escred plan: 1 to create, 0 to replace, 0 to delete, 0 file tokens drifted

      | Cluster | Create | Replace | Delete | File-token drift | Unchecked | Warnings | Status |
      |---|--:|--:|--:|--:|--:|--:|---|
      | prod | 1 | 0 | 0 | 0 | 0 | 0 | changes |

      "
    `);
  });

  it('drift, unchecked nodes and warnings: warnings in plain sight, drift in the details', () => {
    const drift: FileTokenDrift = { principal: FLEET, token: 'bootstrap', missingOn: ['node-1'], unexpectedOn: [], unknownOn: [] };
    const unknown: FileTokenDrift = { principal: FLEET, token: 'edge', missingOn: [], unexpectedOn: [], unknownOn: ['node-2'] };
    const warning = { principal: FLEET, code: PLAN_WARNING_CODES.unownedToken, message: 'by-hand is not declared and no owns pattern matches it: nobody owns it' };
    expect(renderMarkdownPlan(planOf(cluster('prod', { fileTokenDrift: [drift, unknown], warnings: [warning] })))).toMatchInlineSnapshot(`
      "### escred plan: 0 to create, 0 to replace, 0 to delete, 1 file token drifted

      :warning: Incomplete: could not check 1 file token on node-2 (the node did not answer).

      **Warnings**

      - **prod** elastic/fleet-server: by-hand is not declared and no owns pattern matches it: nobody owns it

      | Cluster | Create | Replace | Delete | File-token drift | Unchecked | Warnings | Status |
      |---|--:|--:|--:|--:|--:|--:|---|
      | prod | 0 | 0 | 0 | 1 | 1 | 1 | :warning: unchecked |

      <details><summary><b>prod</b> (uuid uuid-prod, Elasticsearch 9.4.0): 1 file token drifted, 1 file token unchecked</summary>

      \`\`\`diff
        elastic/fleet-server
      ! drift   file token bootstrap: missing on node-1
      # drift   file token edge: unknown on node-2 (node did not answer)
      \`\`\`

      </details>
      "
    `);
  });

  it('user-managed accounts (Elasticsearch 9.6): an Accounts column, the headline counts, each change with its roles', () => {
    const accountActions = [
      { kind: 'create-account' as const, principal: 'team/ingest', roles: ['logs-writer'], isEnabled: true, reason: 'declared, not in the cluster' },
      { kind: 'update-account' as const, principal: 'team/search', roles: ['reader'], isEnabled: false, rolesAdded: ['reader'], rolesRemoved: ['old-role'], enabledBefore: true, reason: 'differs' },
      { kind: 'delete-account' as const, principal: 'team/old', reason: "owned ('team/*') and not declared" },
    ];
    expect(renderMarkdownPlan(planOf(cluster('prod', { accountActions, actions: [create('gitops-i', 'team/ingest')] }), cluster('dev')))).toMatchInlineSnapshot(`
      "### escred plan: 3 accounts (1 to create, 1 to update, 1 to delete); tokens: 1 to create, 0 to replace, 0 to delete, 0 file tokens drifted

      | Cluster | Accounts | Create | Replace | Delete | File-token drift | Unchecked | Warnings | Status |
      |---|--:|--:|--:|--:|--:|--:|--:|---|
      | prod | 3 | 1 | 0 | 0 | 0 | 0 | 0 | changes |
      | dev | 0 | 0 | 0 | 0 | 0 | 0 | 0 | in sync |

      <details><summary><b>prod</b> (uuid uuid-prod, Elasticsearch 9.4.0): 3 accounts to change, 1 to create</summary>

      \`\`\`diff
        team/ingest
      + create  account team/ingest  roles: [logs-writer]
      + create  gitops-i  declared, not in the cluster
        team/search
      ! update  account team/search  roles: +reader -old-role, enabled: true -> false
        team/old
      - delete  account team/old  owned ('team/*') and not declared
      \`\`\`

      </details>
      "
    `);
  });

  it('many tokens nobody owns are one warning line per account, as in the human plan', () => {
    const warnings = Array.from({ length: 200 }, (_, i) => ({ principal: KIBANA, token: `hand-${i}`, code: PLAN_WARNING_CODES.unownedToken, message: `hand-${i} is not declared and no owns pattern matches it` }));
    const text = renderMarkdownPlan(planOf(cluster('prod', { warnings })));
    expect(text.match(/^- \*\*prod\*\* /gm)).toHaveLength(1);
    expect(text).toContain('- **prod** elastic/kibana: 200 tokens nobody owns (first: hand-0, hand-1, hand-2 ...)');
  });

  it('a failed cluster: the headline says so and the error is in plain sight, with HTML and pipes escaped', () => {
    const failed = cluster('dead', { clusterUuid: '', version: '', error: { code: 'ESCRED_CONNECTION_FAILED', message: 'GET / failed: <html>502 | bad gateway</html>\nupstream' } });
    expect(renderMarkdownPlan(planOf(failed, cluster('ok', { actions: [create('a')] })))).toMatchInlineSnapshot(`
      "### :x: escred plan failed for 1 of 2 clusters

      The 1 cluster that could be planned: 1 to create, 0 to replace, 0 to delete, 0 file tokens drifted.

      > [!CAUTION]
      > **Errors** (nothing will be written to these clusters)

      - **dead**: GET / failed: &lt;html&gt;502 | bad gateway&lt;/html&gt; upstream (\`ESCRED_CONNECTION_FAILED\`)

      | Cluster | Create | Replace | Delete | File-token drift | Unchecked | Warnings | Status |
      |---|--:|--:|--:|--:|--:|--:|---|
      | dead | 0 | 0 | 0 | 0 | 0 | 0 | :x: failed |
      | ok | 1 | 0 | 0 | 0 | 0 | 0 | changes |

      <details><summary><b>ok</b> (uuid uuid-ok, Elasticsearch 9.4.0): 1 to create</summary>

      \`\`\`diff
        elastic/fleet-server
      + create  a  declared, not in the cluster
      \`\`\`

      </details>
      "
    `);
  });

  it('a huge plan is cut to fit one comment, keeps errors and the table, and points to the full JSON plan', () => {
    const actions = Array.from({ length: 400 }, (_, i) => create(`gitops-token-with-a-long-name-${String(i).padStart(4, '0')}`));
    const clusters = Array.from({ length: 20 }, (_, i) => cluster(`c${String(i).padStart(2, '0')}`, { actions }));
    const failed = cluster('zz-dead', { error: { code: 'ESCRED_CONNECTION_FAILED', message: 'connection refused' } });
    const plan = planOf(...clusters, failed);
    const text = renderMarkdownPlan(plan);
    expect(bytes(text)).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT - 1_536);
    expect(text).toContain('- **zz-dead**: connection refused');
    expect(text).toContain('| c19 | 400 | 0 | 0 | 0 | 0 | 0 | changes |');
    expect(text.match(/<details>/g)?.length).toBeLessThan(20);
    expect(text.match(/<details>/g)?.length).toBe(text.match(/<\/details>/g)?.length);
    expect(text.trimEnd().split('\n').slice(-2).join('\n')).toMatchInlineSnapshot(`
      "> [!NOTE]
      > Cut short to fit one GitHub comment (65,536 characters): details of 18 of 20 clusters omitted; the full plan is the JSON plan: \`escred plan --output json\` (in CI, the plan artifact of this run)."
    `);
  });

  it.each([
    ['no budget for details', 3_000],
    ['not even room for the whole table', 600],
  ])('%s: the text stays within maxBytes (%i) and says it was cut', (_what, maxBytes) => {
    const clusters = Array.from({ length: 60 }, (_, i) => cluster(`cluster-${i}`, { actions: [create('a'), remove('b')] }));
    const text = renderMarkdownPlan(planOf(...clusters), { maxBytes, fullPlanHint: 'see plan.json' });
    expect(bytes(text)).toBeLessThanOrEqual(maxBytes);
    expect(text).toContain('see plan.json');
    expect(text).toContain('### escred plan: 60 to create');
  });

  const unknown: FileTokenDrift = { principal: FLEET, token: 'edge', missingOn: [], unexpectedOn: [], unknownOn: ['node-2'] };
  const dead = cluster('dead', { clusterUuid: '', version: '', error: { code: 'ESCRED_CONNECTION_FAILED', message: 'connection refused' } });
  it.each([
    ['the only cluster failed', [dead], '### :x: escred plan failed for 1 of 1 cluster'],
    ['a node did not answer, nothing else differs', [cluster('ok', { fileTokenDrift: [unknown] })],
      '### :warning: escred plan incomplete\n\nCould not check 1 file token on node-2 (the node did not answer); nothing else to change.'],
  ])('headline when %s: never "no changes" while something could not be checked', (_what, clusters, expected) => {
    const text = renderMarkdownPlan(planOf(...clusters));
    expect(text.split('\n\n|')[0]!.split('\n\n> [!CAUTION]')[0]).toBe(expected);
    expect(text).not.toContain('no changes');
  });

  it('a plan that fits is not cut', () => {
    expect(renderMarkdownPlan(planOf(cluster('prod', { actions: [create('a')] })))).not.toContain('Cut short');
  });
});
