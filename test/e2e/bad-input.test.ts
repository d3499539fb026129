/** Issue 20, "bad input, smaller items", through the CLI against the emulator. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startE2e, type E2e } from '../support/e2e-harness.js';

const FLEET = 'elastic/fleet-server';

describe('bad input through the CLI', () => {
  let e2e: E2e | undefined;
  afterEach(async () => {
    await e2e?.close();
    e2e = undefined;
  });

  it('tls.insecure: true is warned once per run, like http://', async () => {
    const env = (e2e = await startE2e());
    env.writeManifest({ [FLEET]: { tokens: [{ name: 'gitops-a' }] } }, { tls: { insecure: true } });
    const apply = await env.cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(0);
    const output = apply.stdout + apply.stderr;
    expect(output.match(/tls\.insecure: true turns certificate verification off/g)).toHaveLength(1);
    expect(output).toMatch(/escred\.yaml:\d+:\d+: warning: tls\.insecure: true turns certificate verification off/);
  });

  it('a corrupt journal.json: plan and apply fail naming the file and what to do, and change nothing', async () => {
    const env = (e2e = await startE2e());
    env.writeManifest({ [FLEET]: { tokens: [{ name: 'gitops-a' }] } });
    const journal = join(env.work, '.escred', 'journal.json');
    mkdirSync(join(env.work, '.escred'), { recursive: true });
    writeFileSync(journal, '{"pending": [');
    for (const args of [['plan'], ['apply', '--auto-approve']]) {
      const result = await env.cli(args);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`apply journal ${journal} cannot be read: it is not valid JSON (`);
      expect(result.stderr).toContain('Repair it, or delete it');
    }
    expect(await env.indexTokens(FLEET)).toEqual([]);
  });
});
