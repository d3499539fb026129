/**
 * Issue 22 end to end against the 9.6 emulator: a PUT replaces a user-managed account wholesale, so escred
 * sends back what the cluster reported for every field the manifest does not declare (a description written
 * by hand survives a role change), and manages `description` like `roles` where the manifest declares it; drift
 * reports name who made the change, as the cluster records it (`editor`, `edited_at`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startE2e, type E2e } from '../support/e2e-harness.js';

const SCHEMAS = join(import.meta.dirname, '../../schemas');
const OWNERSHIP = { userManagedAccounts: { prune: 'owned', owns: ['team/*'] } };

describe('user-managed account descriptions, end to end', () => {
  let e2e: E2e | undefined;
  afterEach(async () => {
    await e2e?.close();
    e2e = undefined;
  });

  async function start(): Promise<E2e> {
    e2e = await startE2e({ esVersion: '9.6.0', nodeCount: 1 });
    await e2e.es('PUT', '/_security/role/logs-writer', { cluster: ['monitor'] });
    return e2e;
  }
  const accountOf = async (env: E2e, principal: string) => (await env.es('GET', `/_security/service/${principal}`)).json[principal];

  it('a description written by hand survives escred\'s role change', async () => {
    const env = await start();
    env.writeManifest({ 'team/ingest': { roles: ['logs-writer'] } }, OWNERSHIP);
    expect((await env.cli(['apply', '--auto-approve'])).code).toBe(0);
    // a person describes the account (Kibana's page or the API): the same roles, a description
    await env.es('PUT', '/_security/service/team/ingest', { roles: ['logs-writer'], description: 'Ships the ingest logs; ask #ingest' });
    env.writeManifest({ 'team/ingest': { roles: ['audit', 'logs-writer'] } }, OWNERSHIP);
    const apply = await env.cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(0);
    expect(await accountOf(env, 'team/ingest')).toMatchObject({ roles: ['audit', 'logs-writer'], description: 'Ships the ingest logs; ask #ingest' });
  });

  it('a declared description is planned, applied, and repaired after a change by hand', async () => {
    const env = await start();
    env.writeManifest({ 'team/ingest': { roles: ['logs-writer'], description: 'Ingest pipeline' } }, OWNERSHIP);
    expect((await env.cli(['apply', '--auto-approve'])).code).toBe(0);
    expect((await accountOf(env, 'team/ingest')).description).toBe('Ingest pipeline');
    await env.es('PUT', '/_security/service/team/ingest', { roles: ['logs-writer'], description: 'changed by hand' });
    const plan = await env.cli(['plan']);
    expect(plan.stdout).toMatch(/~ update account team\/ingest\s+description: "changed by hand" -> "Ingest pipeline"/);
    const json = JSON.parse((await env.cli(['plan', '--output', 'json'])).stdout);
    expect(json.clusters[0].accountActions).toContainEqual(expect.objectContaining({
      kind: 'update-account', principal: 'team/ingest', description: 'Ingest pipeline', descriptionBefore: 'changed by hand' }));
    expect((await env.cli(['apply', '--auto-approve'])).code).toBe(0);
    expect((await accountOf(env, 'team/ingest')).description).toBe('Ingest pipeline');
    expect((await env.cli(['plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it('drift names its editor: "changed by alice (native) at <time>" in the human, markdown and JSON plans; "by escred" for its own write', async () => {
    const env = await start();
    await env.es('PUT', '/_security/role/sa_writer', { cluster: ['manage_security'] });
    await env.es('PUT', '/_security/user/alice', { password: 'alice-password', roles: ['sa_writer'], full_name: 'Alice Admin' });
    env.writeManifest({ 'team/ingest': { roles: ['logs-writer'] } }, OWNERSHIP);
    expect((await env.cli(['apply', '--auto-approve'])).code).toBe(0);
    env.writeManifest({ 'team/ingest': { roles: ['audit', 'logs-writer'] } }, OWNERSHIP);
    expect((await env.cli(['plan'])).stdout).toMatch(/~ update account team\/ingest\s+roles: \+audit \(created by escred at \d{4}-\d\d-\d\dT[\d:.]+Z\)/);

    env.writeManifest({ 'team/ingest': { roles: ['logs-writer'] } }, OWNERSHIP);
    const alice = `Basic ${Buffer.from('alice:alice-password').toString('base64')}`;
    const dispatcher = new Agent({ connect: { ca: readFileSync(env.emulator.caFile!) } });
    const byHand = await request(`${env.emulator.url}/_security/service/team/ingest`, { method: 'PUT', dispatcher,
      headers: { authorization: alice, 'content-type': 'application/json' }, body: JSON.stringify({ roles: ['logs-writer', 'superuser'] }) });
    expect(byHand.statusCode).toBe(200);
    await byHand.body.dump();
    await dispatcher.close();
    const { edited_at: editedAt } = await accountOf(env, 'team/ingest');
    const at = new Date(editedAt).toISOString();

    const human = await env.cli(['plan']);
    expect(human.stdout).toContain(`~ update account team/ingest  roles: -superuser (changed by alice (native) at ${at})`);
    expect((await env.cli(['plan', '--output', 'markdown'])).stdout).toContain(`roles: -superuser (changed by alice (native) at ${at})`);
    const json = JSON.parse((await env.cli(['plan', '--output', 'json'])).stdout);
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(readFileSync(join(SCHEMAS, 'plan-output.schema.json'), 'utf8')));
    expect(validate(json) ? [] : validate.errors).toEqual([]);
    expect(json.clusters[0].accountActions[0].changedBy).toEqual({
      principal: 'alice', realm: 'default_native', realmType: 'native', atMs: editedAt, isCreation: false, isEscred: false });
  });

  it('escred accounts shows the description and who wrote the account; import writes the description, the authors as comments, and round-trips', async () => {
    const env = await start();
    await env.es('PUT', '/_security/service/team/ingest', { roles: ['logs-writer'], description: 'Ships logs' });
    await env.es('PUT', '/_security/service/team/ingest', { roles: ['logs-writer'], enabled: false, description: 'Ships logs' });
    const { created_at: createdAt, edited_at: editedAt } = await accountOf(env, 'team/ingest');
    env.writeManifest({});
    const human = (await env.cli(['accounts'])).stdout;
    expect(human).toContain([
      '  team/ingest  (user-managed, disabled)', '    roles: logs-writer', '    description: "Ships logs"',
      `    created by elastic (reserved) at ${new Date(createdAt).toISOString()}`, `    changed by elastic (reserved) at ${new Date(editedAt).toISOString()}`,
    ].join('\n'));
    const json = JSON.parse((await env.cli(['accounts', '--output', 'json'])).stdout);
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(readFileSync(join(SCHEMAS, 'accounts-output.schema.json'), 'utf8')));
    expect(validate(json) ? [] : validate.errors).toEqual([]);
    expect(json.clusters[0].accounts).toContainEqual(expect.objectContaining({ principal: 'team/ingest', description: 'Ships logs', createdAt, editedAt,
      creator: { principal: 'elastic', realm: 'reserved', realmType: 'reserved' }, editor: { principal: 'elastic', realm: 'reserved', realmType: 'reserved' } }));

    expect((await env.cli(['import', 'e2e', '--out', 'imported.yaml'])).code).toBe(0);
    const text = readFileSync(`${env.work}/imported.yaml`, 'utf8');
    expect(text).toContain(`      # created by elastic (reserved) at ${new Date(createdAt).toISOString()}\n      # changed by elastic (reserved) at ${new Date(editedAt).toISOString()}\n      team/ingest:`);
    expect(text).toMatch(/team\/ingest:\n\s+roles:\n\s+- logs-writer\n\s+enabled: false\n\s+description: Ships logs\n/);
    const imported = JSON.parse((await env.cli(['import', 'e2e', '--output', 'json'])).stdout);
    const validateImport = new Ajv2020({ strict: false }).compile(JSON.parse(readFileSync(join(SCHEMAS, 'import-output.schema.json'), 'utf8')));
    expect(validateImport(imported) ? [] : validateImport.errors).toEqual([]);
    expect(imported.userManagedAccounts).toEqual([expect.objectContaining({ principal: 'team/ingest', description: 'Ships logs', createdAt, editedAt })]);
    expect((await env.cli(['plan', '--detailed-exitcode', 'imported.yaml'])).code).toBe(0);
  });
});
