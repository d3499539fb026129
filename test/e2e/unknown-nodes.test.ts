/**
 * Issue 12 item 4: a node that does not answer is unknown, and unknown is not in sync. `--wait`
 * keeps waiting for it (and fails at its limit, naming the node); the plan counts it on its own and
 * never says "No changes"; plan --detailed-exitcode exits 1 (something could not be checked).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2e, type E2e } from '../support/e2e-harness.js';

const KIBANA = 'elastic/kibana';

describe('a node that does not answer', () => {
  let e2e: E2e;
  const nodeMode = (node: string) => ['--node', node, '--service-tokens-file', e2e.emulator.serviceTokensPath(node)];
  beforeAll(async () => {
    e2e = await startE2e({ serviceTokensReloadMs: 50 });
    e2e.writeManifest({ [KIBANA]: { fileTokens: [{ name: 'kt', nodes: '*' }] } });
    // the file token reaches node-0 and node-1; node-2 never gets it and then stops answering
    for (const node of ['node-0', 'node-1']) expect((await e2e.cli(['apply', '--auto-approve', ...nodeMode(node)])).code).toBe(0);
    await e2e.emulator.reloadServiceTokens();
    e2e.emulator.setFaults({ failingNodes: ['node-2'] });
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('watch --once exits 1 while a node could not be checked, not 0 (unknown is not in sync)', async () => {
    const once = await e2e.cli(['watch', '--once']);
    expect(once.stdout).toMatch(/"event":"file-token-unknown"/);
    expect(once.stdout).toMatch(/"event":"pass-unchecked".*could not check 1 file token on node-2/);
    expect(once.code).toBe(1);
  });

  it('apply --wait keeps waiting while its state is unknown, then fails naming the node', async () => {
    const apply = await e2e.cli(['apply', '--auto-approve', ...nodeMode('node-0'), '--wait', '5']);
    expect(apply.stdout).not.toContain('Every declared node reports its file tokens.');
    expect(apply.stdout).toContain('Timed out after 5 s; still different or not checked:');
    expect(apply.stdout).toContain('e2e elastic/kibana kt: unknown on node-2 (node did not answer)');
    expect(apply.stderr).toMatch(/still waiting \(\d+ s\): e2e elastic\/kibana kt: unknown on node-2/);
    expect(apply.code).toBe(1);
  });

  it('plan counts it on its own, says what could not be checked instead of "No changes", and exits 1', async () => {
    const plan = await e2e.cli(['plan', '--detailed-exitcode']);
    expect(plan.stdout).not.toContain('No changes');
    expect(plan.stdout).toContain('Plan incomplete: could not check 1 file token on node-2 (the node did not answer); nothing else to change.');
    expect(plan.stderr).toContain('escred: the plan is incomplete: could not check 1 file token on node-2');
    expect(plan.code).toBe(1);
    const json = await e2e.cli(['plan', '--output', 'json']);
    expect(JSON.parse(json.stdout).summary).toMatchObject({ fileTokenDrift: 0, fileTokensUnknown: 1 });
    expect(json.code).toBe(1);
  });

  it('apply without file-token delivery says what it could not check, instead of "No changes"', async () => {
    const nothing = await e2e.cli(['apply', '--auto-approve']);
    expect(nothing.stdout).not.toContain('No changes');
    expect(nothing.stdout).toContain('Nothing to apply to index tokens. Could not check: 1 file token on node-2 (the node did not answer).');
    e2e.writeManifest({ [KIBANA]: { tokens: [{ name: 'index-a' }], fileTokens: [{ name: 'kt', nodes: '*' }] } });
    const apply = await e2e.cli(['apply', '--auto-approve']);
    expect(apply.stdout).toContain('Apply complete! Resources: 1 created, 0 replaced, 0 deleted.');
    expect(apply.stdout).toContain('Could not check: 1 file token on node-2 (the node did not answer).');
    e2e.writeManifest({ [KIBANA]: { fileTokens: [{ name: 'kt', nodes: '*' }] } });
  });

  it('once the node answers again, the same plan is in sync', async () => {
    e2e.emulator.clearFaults();
    const plan = await e2e.cli(['plan', '--detailed-exitcode']);
    // node-2 never got the token: now it is known to be missing, a change to make
    expect(plan.stdout).toContain('missing on node-2');
    expect(plan.code).toBe(2);
  });
});
