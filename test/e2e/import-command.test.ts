/** `escred import`: adopt a live cluster; the imported manifest plans no change and deletes nothing. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2e, type E2e } from '../support/e2e-harness.js';

describe('escred import', () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e({ serviceTokensReloadMs: 50 });
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('writes a manifest of every token the cluster has, UUID pinned, that plans no deletion', async () => {
    await e2e.es('POST', '/_security/service/elastic/fleet-server/credential/token/fleet-1');
    await e2e.es('POST', '/_security/service/elastic/kibana/credential/token/kibana-1');
    const { writeFileTokens } = await import('../emulator/conformance/harness.js');
    for (const node of ['node-0', 'node-1', 'node-2']) {
      await writeFileTokens(e2e.emulator as never, node, [{ key: 'elastic/kibana/kibana-file', secret: 'a-secret-of-22-chars-x' }]);
    }
    e2e.writeManifest({});
    const result = await e2e.cli(['import', 'e2e', '--out', 'imported.yaml']);
    expect(result.stderr).toContain('Wrote imported.yaml.');
    expect(result.code).toBe(0);
    const text = readFileSync(join(e2e.work, 'imported.yaml'), 'utf8');
    expect(text).toContain(`clusterUuid: ${e2e.emulator.clusterUuid}`);
    expect(text).toMatch(/elastic\/fleet-server:\n\s+prune: none\n\s+tokens:\n\s+- name: fleet-1/);
    expect(text).toMatch(/fileTokens:\n\s+- name: kibana-file\n\s+nodes:\n\s+- "\*"/);
    expect(text).not.toContain(e2e.emulator.superuser.password);
    expect(text.endsWith('\n') && !text.endsWith('\n\n')).toBe(true); // a text file: one final newline

    expect((await e2e.cli(['validate', 'imported.yaml'])).code).toBe(0);
    const plan = await e2e.cli(['plan', '--detailed-exitcode', 'imported.yaml']);
    expect(plan.stdout).toContain('No changes.');
    expect(plan.code).toBe(0);
  });

  it('refuses to overwrite without --force', async () => {
    const result = await e2e.cli(['import', 'e2e', '--out', 'imported.yaml']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('imported.yaml exists; pass --force to overwrite it');
  });
});
