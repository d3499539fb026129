/** An exec secret sink (Vault, a Kubernetes Secret, a CI store) end to end: the command gets each value on stdin. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_ENV, startE2e, type E2e } from '../support/e2e-harness.js';

// stores like the directory sink does, so the harness's leak check knows every value
const STORE = `
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const m = JSON.parse(readFileSync(0, 'utf8'));
const folder = join('secrets', m.cluster, m.serviceAccount);
if (m.action === 'store') { mkdirSync(folder, { recursive: true }); writeFileSync(join(folder, m.token), m.value, { mode: 0o600 }); }
else rmSync(join(folder, m.token), { force: true });
`;

describe('exec secret sink', () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e({ nodeCount: 1 });
    writeFileSync(join(e2e.work, 'store.mjs'), STORE);
  });
  afterAll(async () => {
    await e2e?.close();
  });

  const writeManifest = (tokens: string[]) => writeFileSync(e2e.manifestPath, stringify({
    apiVersion: 'escred/v1',
    secrets: { exec: [process.execPath, './store.mjs'] },
    clusters: [{
      name: 'e2e', url: e2e.emulator.url, tls: { caFile: e2e.emulator.caFile },
      auth: { basic: { username: e2e.emulator.superuser.username, password: { env: PASSWORD_ENV } } },
      serviceAccounts: { 'elastic/fleet-server': { prune: 'owned', owns: 'gitops-*', tokens: tokens.map((name) => ({ name })) } },
    }],
  }));

  it('apply hands each new value to the command, and a delete tells it to drop the value', async () => {
    writeManifest(['gitops-a', 'gitops-b']);
    const apply = await e2e.cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(0);
    expect(e2e.sinkValue('elastic/fleet-server', 'gitops-a')).toMatch(/^[A-Za-z0-9+/]+$/);
    writeManifest(['gitops-a']);
    expect((await e2e.cli(['apply', '--auto-approve'])).code).toBe(0);
    expect(await e2e.indexTokens('elastic/fleet-server')).toEqual(['gitops-a']);
    expect(e2e.sinkValue('elastic/fleet-server', 'gitops-b')).toBeUndefined();
  });
});
