/**
 * Issue 16, end to end: against an emulator refreshing every 1 s as Elasticsearch's security index
 * does, a plan right after `escred apply` sees every write (apply sends refresh=false writes and one
 * refresh=wait_for write per cluster last, see src/apply/refresh-fence.ts), with no wait of its own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startE2e, type E2e } from '../support/e2e-harness.js';

const tokens = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => ({ name: `${prefix}-${i}` }));

describe('apply then plan at once, refresh interval 1 s', () => {
  let e2e: E2e | undefined;
  afterEach(async () => {
    await e2e?.close();
    e2e = undefined;
  });

  it.each([
    ['--parallelism', '10'],
    ['--concurrency', '3'],
  ])('apply %s %s: every token made, and the next plan says No changes (exit 0)', async (flag, value) => {
    e2e = await startE2e({ refreshIntervalMs: 1000 });
    e2e.writeManifest({ 'elastic/fleet-server': { tokens: tokens('f', 8) }, 'elastic/kibana': { tokens: tokens('k', 4) } });
    const applied = await e2e.cli(['apply', '--auto-approve', flag, value]);
    expect(applied.code).toBe(0);
    const plan = await e2e.cli(['plan', '--detailed-exitcode']);
    expect(plan.stdout).toContain('No changes');
    expect(plan.code).toBe(0);
    for (let i = 0; i < 8; i++) expect((await e2e.whoIs(e2e.sinkValue('elastic/fleet-server', `f-${i}`))).status).toBe(200);
  });

  it('apply --help names --parallelism with its default, as Terraform', async () => {
    e2e = await startE2e();
    const help = await e2e.cli(['apply', '--help']);
    const flat = help.stdout.replace(/\s+/g, ' ');
    expect(flat).toContain("--parallelism <n> calls in flight at once, across every cluster (as Terraform's -parallelism) (default: 10)");
  });
});
