/**
 * Issue 12 item 6: with --output json every command prints exactly one JSON document on stdout,
 * success or failure, with formatVersion, and each document matches its JSON Schema in schemas/
 * (checked here with ajv against real CLI output, as docs/json-output.md promises).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2e, type CliResult, type E2e } from '../support/e2e-harness.js';

const SCHEMAS = join(import.meta.dirname, '..', '..', 'schemas');
const ajv = new Ajv2020({ allErrors: true, strict: false });
for (const file of readdirSync(SCHEMAS).filter((f) => f.endsWith('.schema.json'))) ajv.addSchema(JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')));

type Format = 'plan' | 'apply' | 'validate' | 'accounts' | 'import' | 'error';

/** stdout is one JSON document (JSON.parse refuses two) that matches schemas/<format>-output.schema.json */
function documentOf(result: CliResult, format: Format): any {
  const document = JSON.parse(result.stdout);
  const validate = ajv.getSchema(`urn:escred:schema:${format}-output:v1`)!;
  expect(validate(document), JSON.stringify(validate.errors, null, 2)).toBe(true);
  expect(document.formatVersion).toBe(1);
  return document;
}

const FLEET = 'elastic/fleet-server';
const KIBANA = 'elastic/kibana';
const accounts = {
  [FLEET]: { prune: 'owned', owns: 'gitops-*', tokens: [{ name: 'gitops-a' }, { name: 'gitops-b' }] },
  [KIBANA]: { fileTokens: [{ name: 'kibana-file', nodes: '*' }] },
};

describe('--output json', () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e();
    e2e.writeManifest(accounts);
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('validate: valid, invalid, and a bad flag', async () => {
    const valid = await e2e.cli(['validate', '--output', 'json']);
    expect(documentOf(valid, 'validate').valid).toBe(true);
    writeFileSync(join(e2e.work, 'broken.yaml'), 'apiVersion: escred/v1\nclusters: [{name: Bad!}]\n');
    const invalid = await e2e.cli(['validate', 'broken.yaml', '--output', 'json']);
    expect(documentOf(invalid, 'validate')).toMatchObject({ valid: false, diagnostics: expect.arrayContaining([expect.objectContaining({ severity: 'error', file: expect.any(String) })]) });
    expect(invalid.code).toBe(1);
    const badFlag = await e2e.cli(['validate', '--es-version', 'banana', '--output', 'json']);
    expect(documentOf(badFlag, 'error').error.code).toBe('ESCRED_USAGE');
  });

  it('plan: the plan, with the service_tokens files it would write', async () => {
    const plan = await e2e.cli(['plan', '--output', 'json', '--file-tokens-out', 'out']);
    const document = documentOf(plan, 'plan');
    expect(document.summary).toMatchObject({ create: 2, fileTokenDrift: 1, fileTokensUnknown: 0, errors: 0 });
    expect(document.serviceTokensFiles).toEqual([expect.objectContaining({ cluster: 'e2e', action: 'write' })]);
  });

  it('apply: a document after the changes, and one when there is nothing to do (not 0 bytes)', async () => {
    const apply = await e2e.cli(['apply', '--auto-approve', '--output', 'json', '--file-tokens-out', 'out']);
    const done = documentOf(apply, 'apply');
    expect(done).toMatchObject({ isComplete: true, hasFailures: false, summary: { created: 2, clustersFailed: 0 } });
    expect(done.serviceTokensFiles).toEqual([expect.objectContaining({ action: 'write' })]);
    expect(apply.code).toBe(0);
    e2e.writeManifest({ [FLEET]: accounts[FLEET] });
    const again = await e2e.cli(['apply', '--auto-approve', '--output', 'json']);
    expect(documentOf(again, 'apply')).toMatchObject({ isComplete: true, changes: [], summary: { created: 0 } });
    expect(again.code).toBe(0);
  });

  it('rotate: the apply result', async () => {
    const rotate = await e2e.cli(['rotate', 'e2e', FLEET, 'gitops-a', '--auto-approve', '--output', 'json']);
    expect(documentOf(rotate, 'apply').changes).toEqual([expect.objectContaining({ token: 'gitops-a', action: 'replace', outcome: 'replaced' })]);
  });

  it('import: the manifest as JSON, itself a valid manifest', async () => {
    const imported = documentOf(await e2e.cli(['import', 'e2e', '--output', 'json']), 'import');
    expect(imported).toMatchObject({ cluster: 'e2e', clusterUuid: e2e.emulator.clusterUuid });
    const manifest = ajv.getSchema('urn:escred:schema:manifest:v1')!;
    expect(manifest(imported.manifest), JSON.stringify(manifest.errors)).toBe(true);
  });

  it('accounts: every account of the cluster', async () => {
    const listed = documentOf(await e2e.cli(['accounts', '--output', 'json']), 'accounts');
    expect(listed.clusters[0].accounts).toContainEqual(expect.objectContaining({ principal: FLEET, isDeclared: true }));
  });

  it.each([
    ['plan', ['plan']],
    ['apply', ['apply', '--auto-approve']],
    ['rotate', ['rotate', 'e2e', FLEET, 'gitops-a', '--auto-approve']],
    ['import', ['import', 'e2e']],
    ['accounts', ['accounts']],
  ])('%s with an invalid manifest: one error document, with the diagnostics', async (_name, args) => {
    writeFileSync(join(e2e.work, 'invalid.yaml'), 'apiVersion: escred/v1\nsecrets: {directory: ./s}\nclusters: [{name: x, url: "https://x:9200", auth: {bearer: {env: T}}, colour: red}]\n');
    const result = await e2e.cli([...args, '--output', 'json', ...(args[0] === 'import' || args[0] === 'rotate' ? ['-f'] : []), 'invalid.yaml']);
    const { error } = documentOf(result, 'error');
    expect(error.code).toBe('ESCRED_MANIFEST_INVALID');
    expect(error.diagnostics).toEqual([expect.objectContaining({ code: 'ESCRED_SCHEMA', line: 3 })]);
    expect(result.code).toBe(1);
  });

  it('a refused saved plan is an error document', async () => {
    e2e.writeManifest({ [FLEET]: { tokens: [{ name: 'gitops-c' }] } });
    expect((await e2e.cli(['plan', '--out', 'plan.json'])).code).toBe(0);
    await e2e.es('POST', `/_security/service/${FLEET}/credential/token/by-hand`);
    const apply = await e2e.cli(['apply', 'plan.json', '--output', 'json']);
    expect(documentOf(apply, 'error').error.code).toBe('ESCRED_PLAN_STALE');
  });

  it('a cluster that cannot be reached: plan and apply still print their own document, saying so', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    e2e.writeManifest({ [FLEET]: { tokens: [{ name: 'gitops-d' }] } }, { url: `https://127.0.0.1:${port}` });
    const plan = await e2e.cli(['plan', '--output', 'json']);
    expect(documentOf(plan, 'plan').clusters[0].error).toMatchObject({ code: 'ESCRED_CONNECTION_FAILED', isRetryable: true });
    expect(plan.code).toBe(1);
    const apply = await e2e.cli(['apply', '--auto-approve', '--output', 'json']);
    expect(documentOf(apply, 'apply')).toMatchObject({ isComplete: false, hasFailures: true, summary: { clustersFailed: 1 } });
    expect(apply.code).toBe(1);
    const listed = await e2e.cli(['accounts', '--output', 'json']);
    expect(documentOf(listed, 'accounts').errors).toEqual([expect.objectContaining({ code: 'ESCRED_CONNECTION_FAILED' })]);
    expect(listed.code).toBe(1);
  });

  it('--show-secrets would put secret lines next to the document: refused with an error document, before any change', async () => {
    e2e.writeManifest({ [FLEET]: { tokens: [{ name: 'gitops-e' }] } });
    const apply = await e2e.cli(['apply', '--auto-approve', '--show-secrets', '--output', 'json']);
    expect(documentOf(apply, 'error').error.code).toBe('ESCRED_USAGE');
    expect(await e2e.indexTokens(FLEET)).not.toContain('gitops-e');
  });
});
