/**
 * Issue 17: --cluster and --account on plan and apply (Terraform's -target). A partial plan says so,
 * touches nothing outside its scope, and a saved partial plan says so again when applied.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { PASSWORD_ENV, startE2e, type E2e } from '../support/e2e-harness.js';

const FLEET = 'elastic/fleet-server';
const KIBANA = 'elastic/kibana';

describe('scope flags: --cluster and --account', () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e({ nodeCount: 1 });
    const auth = { basic: { username: e2e.emulator.superuser.username, password: { env: PASSWORD_ENV } } };
    const cluster = (name: string, url: string) => ({
      name, url, auth, tls: { caFile: e2e.emulator.caFile }, timeout: '2s',
      serviceAccounts: { [FLEET]: { tokens: [{ name: 'f1' }] }, [KIBANA]: { tokens: [{ name: 'k1' }] } },
    });
    // the second cluster does not answer: only a plan that leaves it out of scope can succeed
    writeFileSync(e2e.manifestPath, stringify({ apiVersion: 'escred/v1', secrets: { directory: './secrets' },
      clusters: [cluster('e2e', e2e.emulator.url), cluster('gone', 'https://127.0.0.1:1')] }));
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('without a scope the dead cluster fails the plan; --cluster leaves it out and says the plan is partial', async () => {
    expect((await e2e.cli(['plan'])).code).toBe(1);
    const plan = await e2e.cli(['plan', '--cluster', 'e2e', '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('Warning: this plan is partial (--cluster e2e): other clusters and accounts of the manifest were not looked at');
    expect(plan.stdout).not.toContain('cluster gone');
    const json = JSON.parse((await e2e.cli(['plan', '--cluster', 'e2e', '--output', 'json'])).stdout);
    expect(json.scope).toEqual({ clusters: ['e2e'], accounts: [] });
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(readFileSync(join(import.meta.dirname, '../../schemas/plan-output.schema.json'), 'utf8')));
    expect(validate(json) ? [] : validate.errors).toEqual([]);
    const markdown = await e2e.cli(['plan', '--cluster', 'e2e', '--output', 'markdown']);
    expect(markdown.stdout).toContain('> [!WARNING]\n> This plan is partial (--cluster e2e)');
  });

  it('--account applies only that account; the others are neither shown nor changed', async () => {
    const apply = await e2e.cli(['apply', '--auto-approve', '--cluster', 'e2e', '--account', KIBANA]);
    expect(apply.code).toBe(0);
    expect(await e2e.indexTokens(KIBANA)).toEqual(['k1']);
    expect(await e2e.indexTokens(FLEET)).toEqual([]);
  });

  it('a saved partial plan is applied with its scope and says so; scope flags beside it are refused', async () => {
    expect((await e2e.cli(['plan', '--cluster', 'e2e', '--account', FLEET, '--out', 'partial.json'])).code).toBe(0);
    const refused = await e2e.cli(['apply', 'partial.json', '--cluster', 'e2e']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('a saved plan is applied exactly as it was made: drop --cluster and --account');
    const apply = await e2e.cli(['apply', 'partial.json']);
    expect(apply.stderr).toContain('Warning: this plan is partial (--cluster e2e --account elastic/fleet-server)');
    expect(apply.code).toBe(0);
    expect(await e2e.indexTokens(FLEET)).toEqual(['f1']);
  });

  it.each([
    [['--cluster', 'nope'], '--cluster nope: the manifest has no cluster nope (it has: e2e, gone)'],
    [['--cluster', 'e2e', '--account', 'team/none'], '--account team/none: no cluster in scope declares the service account team/none'],
    [['--account', 'kibana'], '--account kibana: write the service account as namespace/service'],
  ])('a scope naming what the manifest lacks is an error: %j', async (args, message) => {
    const plan = await e2e.cli(['plan', ...args]);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain(message);
  });
});
