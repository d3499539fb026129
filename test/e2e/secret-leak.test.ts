/**
 * The leak check that every e2e harness runs in close() (all CLI output, audit log, journal, plan
 * files and the emulator's store, against every value in the sink) must be able to fail:
 * `--show-secrets` prints values on purpose, and the check catches exactly that.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSecretLeaked, sinkValues, startE2e, type E2e } from '../support/e2e-harness.js';

describe('no secret outside the sink', () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e({ nodeCount: 1 });
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('apply prints no value by default; --show-secrets prints each one, and the leak check catches it', async () => {
    e2e.writeManifest({ 'elastic/kibana': { tokens: [{ name: 'quiet' }] } });
    const quiet = await e2e.cli(['apply', '--auto-approve']);
    expect(quiet.code).toBe(0);
    e2e.writeManifest({ 'elastic/kibana': { tokens: [{ name: 'quiet' }, { name: 'loud' }] } });
    const { runCliUnrecorded } = await import('../support/e2e-harness.js');
    const loud = await runCliUnrecorded(e2e, ['apply', '--auto-approve', '--show-secrets']);
    expect(loud.code).toBe(0);
    const loudValue = e2e.sinkValue('elastic/kibana', 'loud')!;
    expect(loud.stdout).toContain(`secret e2e elastic/kibana loud: ${loudValue}`);
    expect(() => expectNoSecretLeaked(e2e.sinkDir, [loud.stdout])).toThrow(/a secret value appeared outside the secret sink/);
    expect(() => expectNoSecretLeaked(e2e.sinkDir, [quiet.stdout, quiet.stderr])).not.toThrow();
    expect(sinkValues(e2e.sinkDir)).toHaveLength(2);
  });
});
