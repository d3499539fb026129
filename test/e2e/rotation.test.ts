/**
 * Rotation against the emulator, over simulated months: the planner's clock is an argument, so the
 * reconcile pass runs in-process with a fixed date per step, over real HTTPS. At every step: the
 * sink holds the newest generation's value before any older one goes, and the account always has
 * a generation whose value in the sink authenticates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEntry } from '../../src/apply/change-set.js';
import { applyPass } from '../../src/reconcile/apply-pass.js';
import { openPass } from '../../src/reconcile/open-pass.js';
import { planPass } from '../../src/reconcile/plan-pass.js';
import { PASSWORD_ENV, startE2e, type E2e } from '../support/e2e-harness.js';

const CI = 'elastic/fleet-server';
const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1);

describe('rotation over simulated months', () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e({ nodeCount: 1 });
  });
  afterAll(async () => {
    await e2e?.close();
  });

  async function passAt(nowMs: number): Promise<ChangeEntry[]> {
    const pass = await openPass({ manifestArgs: [e2e.manifestPath], cwd: e2e.work, isApplying: true,
      connection: { env: { [PASSWORD_ENV]: e2e.emulator.superuser.password } } });
    try {
      const planned = await planPass(pass, { nowMs });
      const entries: ChangeEntry[] = [];
      const onChange = (entry: ChangeEntry) => {
        // creates and their sink writes come first: when a delete happens, the newest value is already stored
        if (entry.action === 'delete') expect(e2e.sinkValue(CI, newestOf(planned)!)).toBeDefined();
        entries.push(entry);
      };
      await applyPass(pass, planned, { concurrency: 4, clock: () => new Date(nowMs), onChange });
      return entries;
    } finally {
      await pass.close();
    }
  }

  async function valueAuthenticates(name: string): Promise<boolean> {
    return (await e2e.whoIs(e2e.sinkValue(CI, name))).token?.name === name;
  }

  it('walks ci through generations every 30 days with a 2-day overlap, never without a valid token', async () => {
    e2e.writeManifest({ [CI]: { prune: 'owned', owns: 'ci-*', tokens: [{ name: 'ci', rotate: { every: '30d', overlap: '2d' } }] } });
    const history: string[][] = [];
    for (let day = 0; day <= 100; day += 1) {
      const entries = await passAt(START + day * DAY);
      expect(entries.filter((e) => e.outcome === 'failed')).toEqual([]);
      const names = await e2e.indexTokens(CI);
      expect(names.length).toBeGreaterThanOrEqual(1);
      expect(await valueAuthenticates(names.at(-1)!)).toBe(true);
      if (entries.length > 0) history.push([`day ${day}`, ...entries.map((e) => `${e.outcome} ${e.token}`)]);
    }
    expect(history).toEqual([
      ['day 0', 'created ci-20260101T000000Z'],
      ['day 30', 'created ci-20260131T000000Z'],
      ['day 32', 'deleted ci-20260101T000000Z'],
      ['day 60', 'created ci-20260302T000000Z'],
      ['day 62', 'deleted ci-20260131T000000Z'],
      ['day 90', 'created ci-20260401T000000Z'],
      ['day 92', 'deleted ci-20260302T000000Z'],
    ]);
    expect(e2e.sinkValue(CI, 'ci-20260302T000000Z')).toBeUndefined();
  });
});

/** The newest generation once the pass's creates are done: observed names plus planned creates. */
function newestOf(planned: Awaited<ReturnType<typeof planPass>>): string | undefined {
  const observed = planned.observed[0]!.serviceAccounts.find((a) => a.principal === CI)!.indexTokens;
  const created = planned.plan.clusters[0]!.actions.filter((a) => a.kind === 'create').map((a) => a.token);
  return [...observed, ...created].sort().at(-1);
}
