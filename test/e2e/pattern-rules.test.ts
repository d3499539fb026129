/**
 * Issue 20, item 6, through the CLI: `protect: ["keep-?", "keep-[12]"]` beside `owns: [keep-*]`
 * meant to keep keep-1 and keep-2. escred's patterns only know `*`, so validate names the file,
 * line and column, and apply refuses before any request reaches the cluster: both tokens stay.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startE2e, type E2e } from '../support/e2e-harness.js';

const FLEET = 'elastic/fleet-server';

describe('owns/protect patterns with characters a token name cannot contain', () => {
  let e2e: E2e | undefined;
  afterEach(async () => {
    await e2e?.close();
    e2e = undefined;
  });

  it('validate reports them at file:line:col; apply changes nothing', async () => {
    const env = (e2e = await startE2e());
    for (const name of ['keep-1', 'keep-2']) await env.es('POST', `/_security/service/${FLEET}/credential/token/${name}`);
    env.writeManifest({ [FLEET]: { prune: 'owned', owns: ['keep-*'], protect: ['keep-?', 'keep-[12]'], tokens: [] } });
    const lines = readFileSync(env.manifestPath, 'utf8').split('\n');
    const at = (text: string) => `escred.yaml:${lines.findIndex((l) => l.includes(text)) + 1}:${lines.find((l) => l.includes(text))!.indexOf(text) + 1}`;

    const validate = await env.cli(['validate']);
    expect(validate.code).toBe(1);
    expect(validate.stderr + validate.stdout).toContain(`${at('keep-?')}: error: protect pattern "keep-?" contains "?", which no token name can contain: ` +
      "escred's patterns only know * (any run of characters)");
    expect(validate.stderr + validate.stdout).toContain(`${at('keep-[12]')}: error: protect pattern "keep-[12]" contains "[", "]"`);

    const before = env.emulator.requests().length;
    const apply = await env.cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(1);
    expect(env.emulator.requests().slice(before)).toEqual([]);
    expect(await env.indexTokens(FLEET)).toEqual(['keep-1', 'keep-2']);
  });
});
