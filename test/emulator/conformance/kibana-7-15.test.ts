/**
 * Conformance: elastic/kibana exists from 7.15.0. Evidence (the 7.15 branch's ElasticServiceAccounts.java
 * is not in the code index; only 8.x versions are): the account came with PR #76449, backported to 7.x by
 * PR #76502 on 2021-08-13, before the 7.15 branch was cut; Kibana's own 7.15 branch documents
 * `monitoring.ui.elasticsearch.serviceAccountToken` (kibana PR #128814, "[7.15] ..."), which only works
 * against an Elasticsearch with elastic/kibana. [inferred, strong] 7.14 does not have it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SA_PATH, startHarness, tokenPath, type Harness } from './harness.js';

describe.each([
  { esVersion: '7.14.0', accounts: ['elastic/fleet-server'] },
  { esVersion: '7.15.0', accounts: ['elastic/fleet-server', 'elastic/kibana'] },
])('built-in accounts of ES $esVersion', ({ esVersion, accounts }) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ esVersion, isTls: true });
  });
  afterAll(async () => {
    await h?.close();
  });

  it(`GET /_security/service lists ${accounts.join(', ')}`, async () => {
    const reply = await h.call('GET', SA_PATH);
    expect(Object.keys(reply.json).sort()).toEqual(accounts);
  });

  it('a token for elastic/kibana is created only where the account exists', async () => {
    const reply = await h.call('POST', tokenPath('elastic/kibana', 'k1'));
    if (accounts.includes('elastic/kibana')) expect([reply.status, reply.json.created]).toEqual([200, true]);
    else expect([reply.status, reply.json.error.reason]).toEqual([400, 'service account [elastic/kibana] does not exist']);
  });
});
