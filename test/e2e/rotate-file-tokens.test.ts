/**
 * Rotated file tokens through node-mode delivery, over simulated weeks against the emulator: every
 * node's service_tokens file is rewritten each day at a fixed clock, the nodes reload, and at every
 * step a generation whose value is in the sink authenticates as a file token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverFileTokens } from '../../src/reconcile/deliver-pass.js';
import { openPass } from '../../src/reconcile/open-pass.js';
import { planPass } from '../../src/reconcile/plan-pass.js';
import { PASSWORD_ENV, startE2e, type E2e } from '../support/e2e-harness.js';

const KIBANA = 'elastic/kibana';
const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1);

describe('rotated file tokens, delivered in node mode', () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e({ nodeCount: 2, serviceTokensReloadMs: 50 });
  });
  afterAll(async () => {
    await e2e?.close();
  });

  async function deliverAt(nowMs: number): Promise<string[]> {
    const pass = await openPass({ manifestArgs: [e2e.manifestPath], cwd: e2e.work, isApplying: true,
      connection: { env: { [PASSWORD_ENV]: e2e.emulator.superuser.password } } });
    try {
      const planned = await planPass(pass, { nowMs });
      for (const node of e2e.emulator.nodes) {
        await deliverFileTokens(pass, planned, { kind: 'node', nodeName: node.name, path: e2e.emulator.serviceTokensPath(node.name) }, { isDryRun: false });
      }
      await e2e.emulator.reloadServiceTokens();
      const { json } = await e2e.es('GET', `/_security/service/${KIBANA}/credential`);
      return Object.keys(json.nodes_credentials.file_tokens).sort();
    } finally {
      await pass.close();
    }
  }

  async function authenticatesAsFileToken(name: string): Promise<boolean> {
    const { token } = await e2e.whoIs(e2e.sinkValue(KIBANA, name));
    return token?.name === name && token.type === '_service_account_file';
  }

  it('makes a generation every 10 days and retires the old one after 1 day, never leaving none', async () => {
    e2e.writeManifest({ [KIBANA]: { prune: 'owned', owns: ['boot-*'], fileTokens: [{ name: 'boot', nodes: ['*'], rotate: { every: '10d', overlap: '1d' } }] } });
    const seen: string[] = [];
    for (let day = 0; day <= 25; day += 1) {
      const names = await deliverAt(START + day * DAY);
      expect(names.length).toBeGreaterThanOrEqual(1);
      expect(await authenticatesAsFileToken(names.at(-1)!)).toBe(true);
      seen.push(`${day}:${names.join(',')}`);
    }
    expect(seen.filter((s) => s.includes(','))).toEqual([
      '10:boot-20260101T000000Z,boot-20260111T000000Z',
      '20:boot-20260111T000000Z,boot-20260121T000000Z',
    ]);
    expect(seen.at(-1)).toBe('25:boot-20260121T000000Z');
    // retired generations' values are dropped from the sink; the current one stays
    expect(e2e.sinkValue(KIBANA, 'boot-20260101T000000Z')).toBeUndefined();
    expect(e2e.sinkValue(KIBANA, 'boot-20260111T000000Z')).toBeUndefined();
    expect(e2e.sinkValue(KIBANA, 'boot-20260121T000000Z')).toBeDefined();
  });
});
