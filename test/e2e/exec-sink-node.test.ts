/**
 * Node mode (`apply --node NAME --service-tokens-file PATH`) with an exec sink: each node's escred
 * reads the file token's value back through the protocol's `read` action, so every node gets a line
 * for the same secret. A sink without `list`/`read` is refused with the reason.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBearer } from '../../src/file-tokens/bearer.js';
import { verifyServiceTokenHash } from '../../src/file-tokens/hasher.js';
import { CLI, startE2e, type E2e } from '../support/e2e-harness.js';
import { installStandIns, type StandIns } from '../sinks/stand-ins.js';

const KIBANA = 'elastic/kibana';
// store and delete only: list and read answered "unsupported"
const MINIMAL_SINK = `import { readFileSync } from 'node:fs';
const m = JSON.parse(readFileSync(0, 'utf8'));
const status = ['list', 'read'].includes(m.action) ? 'unsupported' : 'ok';
process.stdout.write(JSON.stringify({ protocolVersion: 1, status }));
`;

describe('exec sink in node mode', () => {
  let e2e: E2e;
  let vault: StandIns;
  const nodeFile = (node: string) => e2e.emulator.serviceTokensPath(node);
  const useSink = (exec: string[]) => {
    e2e.writeManifest({ [KIBANA]: { fileTokens: [{ name: 'kibana-file', nodes: ['*'] }] } });
    const text = readFileSync(e2e.manifestPath, 'utf8').replace(/secrets:\n\s+directory: .*\n/, `secrets:\n  exec: ${JSON.stringify(exec)}\n`);
    writeFileSync(e2e.manifestPath, text);
  };
  const applyOnNode = (node: string) => e2e.cli(['apply', '--auto-approve', '--node', node, '--service-tokens-file', nodeFile(node)], { env: vault.env });
  beforeAll(async () => {
    e2e = await startE2e({ nodeCount: 2, serviceTokensReloadMs: 50 });
    vault = installStandIns(join(e2e.work, 'stand-in'), { escredCli: CLI, stateDir: e2e.sinkDir });
    for (const node of e2e.emulator.nodes) mkdirSync(join(nodeFile(node.name), '..'), { recursive: true });
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('the vault adapter: each node gets a line for the one secret in Vault, and that value authenticates as the file token', async () => {
    useSink(['escred', 'sink', 'vault-kv2', '--mount', 'secret', '--prefix', 'escred']);
    const first = await applyOnNode('node-0');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const second = await applyOnNode('node-1');
    expect(second.code).toBe(0);
    const value = readFileSync(join(e2e.sinkDir, 'secret', 'escred', 'e2e', KIBANA, 'kibana-file.secret'), 'utf8');
    const secret = decodeBearer(value)!.secret;
    for (const node of ['node-0', 'node-1']) {
      const line = readFileSync(nodeFile(node), 'utf8').split('\n').find((l) => l.startsWith(`${KIBANA}/kibana-file:`))!;
      expect(verifyServiceTokenHash(secret, line.slice(line.indexOf(':') + 1)), node).toBe(true);
    }
    // one store (node-0 made the secret), then node-1 read it back
    expect(vault.calls().filter((argv) => argv[2] === 'put')).toHaveLength(1);
    expect(vault.calls().some((argv) => argv.join(' ') === 'vault kv get -mount=secret -field=value escred/e2e/elastic/kibana/kibana-file')).toBe(true);
    await e2e.emulator.reloadServiceTokens();
    expect((await e2e.whoIs(value)).token).toEqual({ name: 'kibana-file', type: '_service_account_file' });
    expect((await e2e.cli(['plan', '--detailed-exitcode'], { env: vault.env })).code).toBe(0);
  });

  it('a sink that implements neither list nor read is refused in node mode with the reason, and no file changes', async () => {
    writeFileSync(join(e2e.work, 'minimal-sink.mjs'), MINIMAL_SINK);
    useSink([process.execPath, './minimal-sink.mjs']);
    const before = readFileSync(nodeFile('node-0'), 'utf8');
    const apply = await applyOnNode('node-0');
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('node mode needs a secret sink escred can read back');
    expect(readFileSync(nodeFile('node-0'), 'utf8')).toBe(before);
  });
});
