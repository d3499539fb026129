/** `escred plan --output markdown` end to end: the real CLI against the emulator, as the pull-request workflow runs it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2e, type E2e } from '../support/e2e-harness.js';

const FLEET = 'elastic/fleet-server';

describe('plan --output markdown, end to end', () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e();
  });
  afterAll(async () => {
    await e2e?.close(); // also checks that no sink value appeared in any output
  });

  const fleet = (names: string[]) => ({ [FLEET]: { prune: 'owned', owns: 'gitops-*', tokens: names.map((name) => ({ name })) } });

  it('creates: the headline, a table row for the cluster and the changes in a collapsed diff', async () => {
    e2e.writeManifest(fleet(['gitops-a', 'gitops-b']));
    const plan = await e2e.cli(['plan', '--output', 'markdown', '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(plan.stdout.split('\n')[0]).toBe('### escred plan: 2 to create, 0 to replace, 0 to delete, 0 file tokens drifted');
    expect(plan.stdout).toContain('| e2e | 2 | 0 | 0 | 0 | 0 | 0 | changes |');
    expect(plan.stdout).toMatch(/<details><summary><b>e2e<\/b> \(uuid [^)]+, Elasticsearch [^)]+\): 2 to create<\/summary>/);
    expect(plan.stdout).toContain('+ create  gitops-a  declared, not in the cluster');
    expect(plan.stdout).not.toContain('\u001b[');
  });

  it('after apply, a removed owned token shows as a delete; a clean plan says no changes', async () => {
    expect((await e2e.cli(['apply', '--auto-approve'])).code).toBe(0);
    expect((await e2e.cli(['plan', '--output', 'markdown'])).stdout).toContain('### escred plan: no changes');
    e2e.writeManifest(fleet(['gitops-a']));
    const plan = await e2e.cli(['plan', '--output', 'markdown']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain("- delete  gitops-b  owned ('gitops-*') and not declared");
  });

  it('a cluster that cannot be reached: the error is in plain sight and the exit code is 1', async () => {
    e2e.writeManifest(fleet(['gitops-a']), { url: 'https://127.0.0.1:1' });
    const plan = await e2e.cli(['plan', '--output', 'markdown']);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain('### :x: escred plan failed for 1 of 1 cluster');
    expect(plan.stdout).toMatch(/> \*\*Errors\*\*[^\n]*\n\n- \*\*e2e\*\*: /);
  });

  it('an unknown output format is refused with the choices', async () => {
    const plan = await e2e.cli(['plan', '--output', 'html']);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('--output must be human, json or markdown');
  });
});
