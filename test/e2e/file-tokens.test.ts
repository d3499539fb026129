/** File tokens end to end: drift in plan, delivery by out-dir and node mode, convergence, stability. */
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBearer } from '../../src/file-tokens/bearer.js';
import { verifyServiceTokenHash } from '../../src/file-tokens/hasher.js';
import { startE2e, type E2e } from '../support/e2e-harness.js';

const KIBANA = 'elastic/kibana';
const manifest = (nodes: unknown) => ({ [KIBANA]: { fileTokens: [{ name: 'kibana-file', nodes }] } });

describe('file tokens', () => {
  let e2e: E2e;
  const nodeFile = (node: string) => e2e.emulator.serviceTokensPath(node);
  beforeAll(async () => {
    e2e = await startE2e({ serviceTokensReloadMs: 50 });
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('plan shows a token missing on every declared node as drift, and the diff of each file it would write', async () => {
    e2e.writeManifest(manifest(['*']));
    const plan = await e2e.cli(['plan', '--detailed-exitcode', '--file-tokens-out', 'out']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('~ drift   file token kibana-file: missing on node-0, node-1, node-2');
    expect(plan.stdout).toMatch(/would write .*out\/e2e\/service_tokens/);
    expect(plan.stdout).toMatch(/\+elastic\/kibana\/kibana-file:\{PBKDF2_STRETCH\}10000\$\S{0,12}…/);
    expect(() => statSync(join(e2e.work, 'out'))).toThrow(); // plan wrote nothing
  });

  it('apply --file-tokens-out renders one shared file; shipped to the nodes, the drift is gone and the token authenticates', async () => {
    const apply = await e2e.cli(['apply', '--auto-approve', '--file-tokens-out', 'out']);
    expect(apply.code).toBe(0);
    const shared = join(e2e.work, 'out', 'e2e', 'service_tokens');
    expect(statSync(shared).mode & 0o777).toBe(0o640);
    for (const node of e2e.emulator.nodes) {
      mkdirSync(join(nodeFile(node.name), '..'), { recursive: true });
      copyFileSync(shared, nodeFile(node.name));
    }
    await e2e.emulator.reloadServiceTokens();
    expect((await e2e.cli(['plan', '--detailed-exitcode'])).code).toBe(0);
    const { json } = await e2e.es('GET', `/_security/service/${KIBANA}/credential`);
    expect(json.nodes_credentials.file_tokens['kibana-file'].nodes.sort()).toEqual(['node-0', 'node-1', 'node-2']);
    expect((await e2e.whoIs(e2e.sinkValue(KIBANA, 'kibana-file'))).token).toEqual({ name: 'kibana-file', type: '_service_account_file' });
  });

  it('a rerun with no manifest change leaves the file byte-identical', async () => {
    const shared = join(e2e.work, 'out', 'e2e', 'service_tokens');
    const before = readFileSync(shared);
    const apply = await e2e.cli(['apply', '--auto-approve', '--file-tokens-out', 'out']);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('unchanged');
    expect(readFileSync(shared).equals(before)).toBe(true);
  });

  it('node mode: a node that lost the token shows as drift and converges with apply --node ... --wait', async () => {
    const lines = readFileSync(nodeFile('node-1'), 'utf8').split('\n').filter((l) => !l.startsWith(`${KIBANA}/`));
    (await import('node:fs')).writeFileSync(nodeFile('node-1'), `${lines.join('\n')}\n# a line escred does not own\n`);
    await e2e.emulator.reloadServiceTokens();
    const plan = await e2e.cli(['plan', '--output', 'json']);
    expect(JSON.parse(plan.stdout).clusters[0].fileTokenDrift).toEqual([
      { principal: KIBANA, token: 'kibana-file', missingOn: ['node-1'], unexpectedOn: [], unknownOn: [] }]);
    const apply = await e2e.cli(['apply', '--auto-approve', '--node', 'node-1', '--service-tokens-file', nodeFile('node-1'), '--wait', '10']);
    expect(apply.stdout).toContain('Every declared node reports its file tokens.');
    expect(apply.code).toBe(0);
    const text = readFileSync(nodeFile('node-1'), 'utf8');
    expect(text).toContain('# a line escred does not own');
    // the same secret on every node (its own salt is fine: Elasticsearch checks the hash, not the line)
    const line = text.split('\n').find((l) => l.startsWith(`${KIBANA}/kibana-file:`))!;
    const secret = decodeBearer(e2e.sinkValue(KIBANA, 'kibana-file')!)!.secret;
    expect(verifyServiceTokenHash(secret, line.slice(line.indexOf(':') + 1))).toBe(true);
  });

  it('a token declared on some nodes only is unexpected elsewhere', async () => {
    e2e.writeManifest(manifest(['node-0']));
    const plan = await e2e.cli(['plan', '--output', 'json']);
    expect(JSON.parse(plan.stdout).clusters[0].fileTokenDrift).toEqual([
      { principal: KIBANA, token: 'kibana-file', missingOn: [], unexpectedOn: ['node-1', 'node-2'], unknownOn: [] }]);
  });
});
