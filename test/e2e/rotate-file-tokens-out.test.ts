/**
 * Issue 12, item 3: rotating file tokens delivered with --file-tokens-out. The nodes report nothing
 * until the rendered files are shipped, so rotation must count the generations already in the files:
 * a rerun leaves the files byte-identical, the overlap holds, and every value in the sink
 * authenticates once its file is on the nodes.
 */
import { copyFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverFileTokens } from '../../src/reconcile/deliver-pass.js';
import { openPass } from '../../src/reconcile/open-pass.js';
import { planPass } from '../../src/reconcile/plan-pass.js';
import { PASSWORD_ENV, startE2e, type E2e } from '../support/e2e-harness.js';

const KIBANA = 'elastic/kibana';
const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1);
const rotating = (rotate: { every: string; overlap: string }) =>
  ({ [KIBANA]: { prune: 'owned', owns: ['rfk-*'], fileTokens: [{ name: 'rfk', nodes: '*', rotate }] } });

async function nextSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
}

describe('rotating file tokens with --file-tokens-out', () => {
  let e2e: E2e;
  beforeEach(async () => {
    e2e = await startE2e({ nodeCount: 2, serviceTokensReloadMs: 50 });
  });
  afterEach(async () => {
    await e2e?.close();
  });

  const outFile = () => join(e2e.work, 'out', 'e2e', 'service_tokens');
  const sinkNames = () => readdirSync(join(e2e.sinkDir, 'e2e', KIBANA)).sort();

  async function shipToNodes(): Promise<void> {
    for (const node of e2e.emulator.nodes) copyFileSync(outFile(), e2e.emulator.serviceTokensPath(node.name));
    await e2e.emulator.reloadServiceTokens();
  }

  it('a rerun is byte-identical, and every sink value authenticates once shipped', async () => {
    e2e.writeManifest(rotating({ every: '30d', overlap: '1d' }));
    expect((await e2e.cli(['apply', '--auto-approve', '--file-tokens-out', 'out'])).code).toBe(0);
    const first = readFileSync(outFile(), 'utf8');
    const generations = sinkNames();
    expect(generations).toHaveLength(1);
    await nextSecond(); // generation names have 1 s resolution: a rerun in the same second would hide the bug
    expect((await e2e.cli(['apply', '--auto-approve', '--file-tokens-out', 'out'])).code).toBe(0);
    expect(readFileSync(outFile(), 'utf8')).toBe(first);
    expect(sinkNames()).toEqual(generations);
    // the plan counts the generation in the delivered file too: it is not shipped yet, not a new one to make
    const plan = JSON.parse((await e2e.cli(['plan', '--file-tokens-out', 'out', '--output', 'json'])).stdout);
    expect(plan.clusters[0].fileTokenDrift.map((d: { token: string; reason?: string }) => [d.token, d.reason])).toEqual([[generations[0], undefined]]);
    await shipToNodes();
    for (const name of sinkNames()) {
      const who = await e2e.whoIs(e2e.sinkValue(KIBANA, name));
      expect(who.token).toEqual({ name, type: '_service_account_file' });
    }
  });

  it('over simulated days the overlap holds in the rendered file, and the current value always authenticates', async () => {
    e2e.writeManifest(rotating({ every: '10d', overlap: '2d' }));
    const seen: string[] = [];
    for (let day = 0; day <= 13; day += 1) {
      const pass = await openPass({ manifestArgs: [e2e.manifestPath], cwd: e2e.work, isApplying: true,
        connection: { env: { [PASSWORD_ENV]: e2e.emulator.superuser.password } } });
      try {
        const planned = await planPass(pass, { nowMs: START + day * DAY });
        await deliverFileTokens(pass, planned, { kind: 'out-dir', outDir: join(e2e.work, 'out') }, { isDryRun: false });
      } finally {
        await pass.close();
      }
      const lines = readFileSync(outFile(), 'utf8').split('\n').filter((l) => l.startsWith(`${KIBANA}/`));
      seen.push(`${day}:${lines.map((l) => l.split(':')[0]!.slice(KIBANA.length + 1)).join(',')}`);
    }
    expect(seen.filter((s) => s.includes(','))).toEqual([
      '10:rfk-20260101T000000Z,rfk-20260111T000000Z',
      '11:rfk-20260101T000000Z,rfk-20260111T000000Z',
    ]);
    expect(seen.at(-1)).toBe('13:rfk-20260111T000000Z');
    expect(sinkNames()).toEqual(['rfk-20260111T000000Z']);
    await shipToNodes();
    const who = await e2e.whoIs(e2e.sinkValue(KIBANA, 'rfk-20260111T000000Z'));
    expect(who.token).toEqual({ name: 'rfk-20260111T000000Z', type: '_service_account_file' });
  });
});
