/**
 * `escred report` (issue 23 §3) through the CLI against the emulator: the JSON validates against
 * schemas/report-output.schema.json and lists a hand-made unowned token, a current and a retiring
 * generation, a token whose age escred recorded in the cluster when it made it, and one whose age is
 * unknown; the manifest's policy turns findings into violations, and --fail-on violations exits 1.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2e, type E2e } from '../support/e2e-harness.js';

const SCHEMAS = join(import.meta.dirname, '..', '..', 'schemas');
const ajv = new Ajv2020({ strict: false, allErrors: true });
for (const file of readdirSync(SCHEMAS).filter((f) => f.endsWith('.schema.json'))) ajv.addSchema(JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')));

const FLEET = 'elastic/fleet-server';
const ACCOUNTS = { [FLEET]: { prune: 'owned', owns: ['ci-*', 'gitops-*'], tokens: [{ name: 'ci', rotate: { every: '30d', overlap: '7d' } }, { name: 'gitops-a' }] } };
const OLD_GENERATION = 'ci-20200101T000000Z';

describe('escred report', () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e({ nodeCount: 1 });
    e2e.writeManifest(ACCOUNTS);
    expect((await e2e.cli(['apply', '--auto-approve'])).code).toBe(0);
    for (const name of [OLD_GENERATION, 'hand-made']) expect((await e2e.es('POST', `/_security/service/${FLEET}/credential/token/${name}`)).status).toBe(200);
  });
  afterAll(async () => {
    await e2e?.close();
  });

  async function reportJson(): Promise<{ code: number | null; document: any }> {
    const run = await e2e.cli(['report', '--output', 'json', '--fail-on', 'violations']);
    const document = JSON.parse(run.stdout);
    const validate = ajv.getSchema('urn:escred:schema:report-output:v1')!;
    expect(validate(document), JSON.stringify(validate.errors, null, 2)).toBe(true);
    return { code: run.code, document };
  }

  it('--output json validates against its schema and lists every kind of token, with what escred can know of its age', async () => {
    const { code, document } = await reportJson();
    expect(code).toBe(0); // no policy: nothing to violate
    const byName = new Map(document.tokens.map((t: { token: string }) => [t.token, t]));
    const current = document.tokens.find((t: { status: string }) => t.status === 'current-generation');
    expect(current).toMatchObject({ declaredAs: 'ci', ageSource: 'generation-name', isOverdue: false, rotation: { every: '30d', overlap: '7d' },
      sink: { holdsValue: true, key: `e2e/${FLEET}/${current.token}` } });
    expect(Date.parse(current.nextRotationDue) - Date.parse(current.createdAt)).toBe(30 * 86_400_000);
    expect(byName.get(OLD_GENERATION)).toMatchObject({ status: 'retiring-generation', ageSource: 'generation-name', createdAt: '2020-01-01T00:00:00.000Z',
      nextRotationDue: null, sink: { holdsValue: false, key: null } });
    // made by escred, a plain name: its age comes from the record escred keeps in the cluster next to the lease
    expect(byName.get('gitops-a')).toMatchObject({ status: 'declared', ageSource: 'escred-record', sink: { holdsValue: true } });
    expect(Date.now() - Date.parse((byName.get('gitops-a') as { createdAt: string }).createdAt)).toBeLessThan(120_000);
    expect(byName.get('hand-made')).toMatchObject({ status: 'unowned', ageSource: 'unknown', createdAt: null, ageSeconds: null, violations: [] });
    expect(document.summary).toMatchObject({ tokens: 4, violations: 0, unknownAge: 1 });
    expect(JSON.stringify(document)).not.toContain(e2e.sinkValue(FLEET, 'gitops-a'));
  });

  it('a policy violation makes --fail-on violations exit 1, and plan warns about it', async () => {
    e2e.writeManifest(ACCOUNTS, { policy: { forbidUnowned: true, requireRotation: true } });
    const { code, document } = await reportJson();
    expect(code).toBe(1);
    expect(document.tokens.find((t: { token: string }) => t.token === 'hand-made').violations).toEqual(['forbidUnowned: an unowned token']);
    expect(document.tokens.find((t: { token: string }) => t.token === 'gitops-a').violations).toEqual(['requireRotation: declared without rotate']);
    expect((await e2e.cli(['report'])).code).toBe(0); // without --fail-on, violations are findings
    const plan = await e2e.cli(['plan']);
    expect(plan.stdout).toContain('policy: hand-made breaks forbidUnowned: an unowned token');
  });

  it('the table (default) has a row per token and says what it found', async () => {
    const table = await e2e.cli(['report']);
    expect(table.code).toBe(0);
    const rows = table.stdout.split('\n');
    expect(rows[0]).toMatch(/^CLUSTER\s+ACCOUNT\s+TOKEN\s+KIND\s+STATUS/);
    expect(rows.find((r) => r.includes(' hand-made '))).toMatch(/index\s+unowned\s+-\s+unknown\s+unknown\s+-\s+no\s+\(not in sink\)\s+forbidUnowned/);
    expect(table.stdout).toContain('4 tokens, 0 overdue, 2 policy violations, 1 of unknown age.');
  });

  it('csv and markdown list the same tokens, with the sink key and never a value', async () => {
    const csv = await e2e.cli(['report', '--output', 'csv']);
    const lines = csv.stdout.trimEnd().split('\r\n');
    expect(lines[0]).toBe('cluster,account,token,kind,status,rotation,created,age,next rotation,overdue,sink key,violations');
    expect(lines).toHaveLength(5);
    expect(lines.find((l) => l.includes(',gitops-a,'))).toContain(`e2e/${FLEET}/gitops-a`);
    const markdown = await e2e.cli(['report', '--output', 'markdown']);
    expect(markdown.stdout).toContain('| cluster | account | token |');
    expect(markdown.stdout).toContain(`| e2e | ${FLEET} | hand-made | index | unowned |`);
  });
});
