/**
 * Conformance: the security index's refresh (issue 16), over HTTPS. Sources, read in Elasticsearch's code:
 * - SecuritySystemIndices#getMainIndexSettings [code]: one shard, `index.refresh_interval: "1s"` set explicitly.
 * - IndexShard#scheduledRefresh [code]: refreshes every interval when a write is unrefreshed or a listener
 *   waits; search-idle skipping needs `isExplicitRefresh() == false`, so never for the security index.
 * - RefreshListeners#addOrNotify [code]: `wait_for` answers after the refresh that makes the write visible;
 *   past `index.max_refresh_listeners` (1000) waiting writes, a refresh is forced ("too_many_listeners").
 * - RestCreateServiceAccountTokenAction / RestDeleteServiceAccountTokenAction [code]: `refresh` defaults to wait_for.
 * - IndexServiceAccountTokenStore [code]: authentication GETs the token document (realtime); the
 *   credentials listing (findTokensFor) is a search, so it sees the last refresh only.
 * - user-managed-service-accounts.md section 1 (spec): PUT/DELETE of an account default to wait_for; the
 *   `type=user_managed` listing and the leftover-token check are searches.
 * The clock is set to an hour in most tests, so that only the refreshes a test causes happen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/emulator/start-emulator.js';
import { startEmulator } from '../../../src/emulator/start-emulator.js';
import { MAX_REFRESH_LISTENERS, SecurityIndexRefresh } from '../../../src/emulator/refresh/security-index-refresh.js';
import { PROFILE_9_6, SA_PATH, bearer, credentialPath, startHarness, tokenPath, type Harness } from './harness.js';

const HOUR_MS = 3_600_000;
const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('security index refresh (ES 9.6.0 profile, refresh clock stopped at an hour)', () => {
  let h: Harness;
  let clock: RunningEmulator['securityRefresh'];
  const listed = async (principal: string) => Object.keys((await h.call('GET', credentialPath(principal))).json.tokens).sort();
  const whoIs = async (value: string) => (await h.call('GET', '/_security/_authenticate', { auth: bearer(value) })).status;
  beforeAll(async () => {
    h = await startHarness({ ...PROFILE_9_6, refreshIntervalMs: HOUR_MS });
    clock = (h.emu as unknown as RunningEmulator).securityRefresh;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refresh=false: answers at once; authentication sees the token, the listing only after the next refresh', async () => {
    const created = await h.call('POST', `${tokenPath('elastic/fleet-server', 'nf-1')}?refresh=false`);
    expect(created.status).toBe(200);
    expect(await whoIs(created.json.token.value)).toBe(200);
    expect(await listed('elastic/fleet-server')).not.toContain('nf-1');
    clock.refreshNow();
    expect(await listed('elastic/fleet-server')).toContain('nf-1');
  });

  it('default (wait_for): the answer waits for the next refresh, and the listing has the token then', async () => {
    const before = clock.count();
    let isAnswered = false;
    const pending = h.call('POST', tokenPath('elastic/fleet-server', 'wf-1')).then((reply) => {
      isAnswered = true;
      return reply;
    });
    await until(() => clock.waiting() === 1);
    expect(isAnswered).toBe(false);
    clock.refreshNow();
    expect((await pending).status).toBe(200);
    expect(clock.count()).toBe(before + 1);
    expect(await listed('elastic/fleet-server')).toContain('wf-1');
  });

  it('refresh=true: forces a refresh before answering, so the listing has the token at once', async () => {
    const before = clock.count();
    expect((await h.call('POST', `${tokenPath('elastic/fleet-server', 'rt-1')}?refresh=true`)).status).toBe(200);
    expect(clock.count()).toBe(before + 1);
    expect(await listed('elastic/fleet-server')).toContain('rt-1');
  });

  it('a refresh makes every earlier unrefreshed write visible, whoever forced it', async () => {
    await h.call('POST', `${tokenPath('elastic/kibana', 'batch-1')}?refresh=false`);
    await h.call('POST', `${tokenPath('elastic/kibana', 'batch-2')}?refresh=false`);
    expect(await listed('elastic/kibana')).toEqual([]);
    await h.call('POST', `${tokenPath('elastic/kibana', 'batch-3')}?refresh=true`);
    expect(await listed('elastic/kibana')).toEqual(['batch-1', 'batch-2', 'batch-3']);
  });

  it('delete refresh=false: authentication fails at once, the listing still shows the token until the next refresh', async () => {
    const created = await h.call('POST', `${tokenPath('elastic/fleet-server', 'del-nf')}?refresh=true`);
    expect((await h.call('DELETE', `${tokenPath('elastic/fleet-server', 'del-nf')}?refresh=false`)).json).toEqual({ found: true });
    expect(await whoIs(created.json.token.value)).toBe(401);
    expect(await listed('elastic/fleet-server')).toContain('del-nf');
    clock.refreshNow();
    expect(await listed('elastic/fleet-server')).not.toContain('del-nf');
  });

  it('delete (default wait_for) waits for the next refresh too', async () => {
    await h.call('POST', `${tokenPath('elastic/fleet-server', 'del-wf')}?refresh=true`);
    const pending = h.call('DELETE', tokenPath('elastic/fleet-server', 'del-wf'));
    await until(() => clock.waiting() === 1);
    clock.refreshNow();
    expect((await pending).json).toEqual({ found: true });
    expect(await listed('elastic/fleet-server')).not.toContain('del-wf');
  });

  it('user-managed account PUT refresh=false: the type=user_managed listing misses it until a refresh; its tokens work at once', async () => {
    expect((await h.call('PUT', `${SA_PATH}/apps/fresh?refresh=false`, json({ roles: [] }))).json).toEqual({ created: true });
    expect((await h.call('GET', `${SA_PATH}?type=user_managed`)).json).toEqual({});
    const token = await h.call('POST', `${tokenPath('apps/fresh', 't')}?refresh=false`);
    expect(await whoIs(token.json.token.value)).toBe(200);
    clock.refreshNow();
    expect(Object.keys((await h.call('GET', `${SA_PATH}?type=user_managed`)).json)).toEqual(['apps/fresh']);
  });

  it('the leftover-token check is a search: tokens deleted with refresh=false still block the account delete until a refresh', async () => {
    await h.call('PUT', `${SA_PATH}/apps/leftover?refresh=true`, json({ roles: [] }));
    await h.call('POST', `${tokenPath('apps/leftover', 't')}?refresh=true`);
    await h.call('DELETE', `${tokenPath('apps/leftover', 't')}?refresh=false`);
    const blocked = await h.call('DELETE', `${SA_PATH}/apps/leftover?refresh=true`);
    expect([blocked.status, blocked.json.error.reason]).toEqual([400, expect.stringContaining('because it has service tokens')]);
    clock.refreshNow();
    expect((await h.call('DELETE', `${SA_PATH}/apps/leftover?refresh=true`)).json).toEqual({ found: true });
  });
});

describe('the periodic refresh', () => {
  it("defaults to Elasticsearch's 1 s (index.refresh_interval of the security index)", async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dataDir = mkdtempSync(join(tmpdir(), 'escred-refresh-'));
    const emu = await startEmulator({ dataDir, isTls: false });
    try {
      expect(emu.securityRefresh.intervalMs).toBe(1000);
    } finally {
      await emu.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('a refresh=false write reaches the listing by itself at the next scheduled refresh', async () => {
    const h = await startHarness({ ...PROFILE_9_6, refreshIntervalMs: 20 });
    try {
      await h.call('POST', `${tokenPath('elastic/fleet-server', 'tick')}?refresh=false`);
      await until(async () => Object.keys((await h.call('GET', credentialPath('elastic/fleet-server'))).json.tokens).includes('tick'));
      expect((h.emu as unknown as RunningEmulator).securityRefresh.count()).toBeGreaterThan(0);
    } finally {
      await h.close();
    }
  });

  it(`past ${MAX_REFRESH_LISTENERS} waiting wait_for writes, the next one forces a refresh that releases them all (too_many_listeners)`, async () => {
    const clock = new SecurityIndexRefresh(HOUR_MS);
    try {
      let released = 0;
      const waits = Array.from({ length: MAX_REFRESH_LISTENERS }, () => {
        clock.noteWrite();
        return clock.afterWrite('wait_for').then(() => void (released += 1));
      });
      await Promise.resolve();
      expect([clock.waiting, released, clock.refreshes]).toEqual([MAX_REFRESH_LISTENERS, 0, 0]);
      clock.noteWrite();
      await clock.afterWrite('wait_for');
      await Promise.all(waits);
      expect([clock.waiting, released, clock.refreshes]).toEqual([0, MAX_REFRESH_LISTENERS, 1]);
    } finally {
      clock.stop();
    }
  });
});

describe('escred emulator --refresh-interval', () => {
  const parse = async (args: string[]) => {
    const { Command } = await import('commander');
    const { registerEmulatorCommand } = await import('../../../src/cli/commands/emulator-command.js');
    const program = new Command('escred').exitOverride();
    let text = '';
    registerEmulatorCommand(program);
    const command = program.commands.find((c) => c.name() === 'emulator');
    command?.exitOverride().configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
    try {
      program.parse(['emulator', ...args], { from: 'user' });
    } catch (error) {
      return { text, error: error as Error };
    }
    return { text, error: undefined };
  };

  it('is in --help, with the refresh rules', async () => {
    const { text } = await parse(['--help']);
    expect(text).toContain('--refresh-interval <time>');
    expect(text).toContain('refresh=false answers at once and the listings');
  });

  it.each(['0s', '1m', 'soon', '-1'])('%j is refused with a clear message', async (value) => {
    const { error } = await parse(['--refresh-interval', value]);
    expect(error?.message).toContain(`--refresh-interval must be a positive time such as 1s or 200ms, got '${value}'`);
  });
});
