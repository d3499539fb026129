/** An exec secret sink end to end: a script speaking the exec-sink protocol gets each value, and each delete, on stdin. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_ENV, startE2e, type E2e } from '../support/e2e-harness.js';

// a protocol 1 sink (docs/exec-sink-protocol.md) that stores like the directory sink does, so the
// harness's leak check knows every value
const STORE = `
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const m = JSON.parse(readFileSync(0, 'utf8'));
const answer = (extra = {}) => process.stdout.write(JSON.stringify({ protocolVersion: 1, status: 'ok', ...extra }));
const folder = () => join('secrets', m.cluster, m.serviceAccount);
if (m.action === 'store') { mkdirSync(folder(), { recursive: true }); writeFileSync(join(folder(), m.token), m.value, { mode: 0o600 }); answer(); }
else if (m.action === 'delete') { rmSync(join(folder(), m.token), { force: true }); answer(); }
else if (m.action === 'read') answer({ value: existsSync(join(folder(), m.token)) ? readFileSync(join(folder(), m.token), 'utf8') : null });
else if (m.action === 'list') answer({ keys: existsSync('secrets') ? readdirSync('secrets', { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
  .map((e) => { const [cluster, ns, svc] = e.parentPath.split('/').slice(-3); return { cluster, serviceAccount: ns + '/' + svc, token: e.name }; }) : [] });
else answer();
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
