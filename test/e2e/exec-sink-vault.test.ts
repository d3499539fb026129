/**
 * The Vault KV v2 adapter end to end, as the docs tell users to configure it
 * (`exec: [escred, sink, vault-kv2, --mount, secret, --prefix, escred]`), against the stand-in
 * `vault` of test/sinks/stand-ins.ts (it checks the argv and stdin Vault's docs give) and the emulator.
 * The stand-in keeps its values in the harness's sink folder, so close() checks none leaked.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, startE2e, type E2e } from '../support/e2e-harness.js';
import { installStandIns, type StandIns } from '../sinks/stand-ins.js';

const FLEET = 'elastic/fleet-server';
const KIBANA = 'elastic/kibana';
// the sink exactly as examples/multi-cluster/secrets.yaml configures it, so the example is what runs here
const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'multi-cluster', 'secrets.yaml');
const SINK = (parse(readFileSync(EXAMPLE, 'utf8')) as { secrets: { exec: string[] } }).secrets.exec;

describe('exec sink: escred sink vault-kv2', () => {
  let e2e: E2e;
  let vault: StandIns;
  const vaultFile = (principal: string, token: string) => join(e2e.sinkDir, 'secret', 'escred', 'e2e', principal, `${token}.secret`);
  const vaultValue = (principal: string, token: string) => (existsSync(vaultFile(principal, token)) ? readFileSync(vaultFile(principal, token), 'utf8') : undefined);
  // VAULT_ADDR reaches the vault CLI through escred and the adapter (the stand-in refuses a call without it)
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    e2e.cli(args, { env: { ...vault.env, VAULT_ADDR: 'https://vault.example:8200', STANDIN_EXPECT_VAULT_ADDR: 'https://vault.example:8200', ...env } });
  const writeManifest = (fleetTokens: string[]) => {
    e2e.writeManifest({
      [FLEET]: { prune: 'owned', owns: 'gitops-*', tokens: fleetTokens.map((name) => ({ name })) },
      [KIBANA]: { tokens: [{ name: 'gitops-k' }] },
    });
    const text = readFileSync(e2e.manifestPath, 'utf8').replace(/secrets:\n\s+directory: .*\n/, `secrets:\n  exec: ${JSON.stringify(SINK)}\n`);
    writeFileSync(e2e.manifestPath, text);
  };
  beforeAll(async () => {
    e2e = await startE2e({ nodeCount: 1 });
    vault = installStandIns(join(e2e.work, 'stand-in'), { escredCli: CLI, stateDir: e2e.sinkDir });
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('the example configures the Vault adapter', () => {
    expect(SINK).toEqual(['escred', 'sink', 'vault-kv2', '--mount', 'secret', '--prefix', 'escred']);
  });

  it('apply puts every token at its own path, the value on stdin only, and each value authenticates as its token', async () => {
    writeManifest(['gitops-a', 'gitops-b']);
    const apply = await cli(['apply', '--auto-approve']);
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    const stored = [[FLEET, 'gitops-a'], [FLEET, 'gitops-b'], [KIBANA, 'gitops-k']] as const;
    const values = stored.map(([principal, token]) => vaultValue(principal, token));
    expect(new Set(values).size).toBe(3);
    for (const [index, [principal, token]] of stored.entries()) {
      expect(await e2e.whoIs(values[index])).toMatchObject({ status: 200, username: principal, token: { name: token, type: '_service_account_index' } });
    }
    const puts = vault.calls().filter((argv) => argv[2] === 'put').map((argv) => argv.join(' ')).sort();
    expect(puts).toEqual([
      'vault kv put -mount=secret escred/e2e/elastic/fleet-server/gitops-a value=-',
      'vault kv put -mount=secret escred/e2e/elastic/fleet-server/gitops-b value=-',
      'vault kv put -mount=secret escred/e2e/elastic/kibana/gitops-k value=-',
    ]);
    expect(vault.calls().flat().some((arg) => values.some((v) => v !== undefined && arg.includes(v)))).toBe(false);
    expect((await cli(['plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it('a delete removes only its own path; the other values stay as they were', async () => {
    const keptA = vaultValue(FLEET, 'gitops-a');
    const keptK = vaultValue(KIBANA, 'gitops-k');
    const from = vault.calls().length;
    writeManifest(['gitops-a']);
    const apply = await cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(0);
    expect(await e2e.indexTokens(FLEET)).toEqual(['gitops-a']);
    expect(vault.calls().slice(from).filter((argv) => argv[2] === 'metadata').map((argv) => argv.join(' ')))
      .toEqual(['vault kv metadata delete -mount=secret escred/e2e/elastic/fleet-server/gitops-b']);
    expect(vaultValue(FLEET, 'gitops-b')).toBeUndefined();
    expect(vaultValue(FLEET, 'gitops-a')).toBe(keptA);
    expect(vaultValue(KIBANA, 'gitops-k')).toBe(keptK);
    expect((await e2e.whoIs(keptA)).status).toBe(200);
  });

  it('plan lists the sink: a token whose value Vault lost is flagged', async () => {
    rmSync(vaultFile(KIBANA, 'gitops-k'));
    const plan = await cli(['plan']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('gitops-k exists but the secret sink has no value for it');
  });

  it('Vault refusing a store: apply fails loudly and revokes the token it just made', async () => {
    writeManifest(['gitops-a', 'gitops-c']);
    const apply = await cli(['apply', '--auto-approve'], { STANDIN_FAIL: 'kv put' });
    expect(apply.code).toBe(1);
    expect(`${apply.stdout}${apply.stderr}`).toMatch(/secret sink command escred sink vault-kv2 exited with 1 \(store\): escred sink: store failed: vault kv put -mount=secret exited with 2: stand-in vault: refused.*the new token was deleted again/s);
    expect(await e2e.indexTokens(FLEET)).toEqual(['gitops-a']);
    expect(vaultValue(FLEET, 'gitops-c')).toBeUndefined();
  });

  it('the command the old example gave, vault kv put used directly, is refused before any cluster write', async () => {
    writeManifest(['gitops-a', 'gitops-old']);
    const text = readFileSync(e2e.manifestPath, 'utf8').replace(/exec: .*\n/, `exec: ${JSON.stringify(['vault', 'kv', 'put', '-mount=secret', 'escred/tokens', 'value=-'])}\n`);
    writeFileSync(e2e.manifestPath, text);
    const apply = await cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain("secret sink command vault kv put does not speak escred's exec-sink protocol 1: its answer to check is not one JSON object");
    expect(await e2e.indexTokens(FLEET)).toEqual(['gitops-a']);
  });

  it('Vault refusing the list: plan fails instead of taking the sink as empty', async () => {
    writeManifest(['gitops-a']);
    const plan = await cli(['plan'], { STANDIN_FAIL: 'kv list' });
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('list failed: vault kv list -format=json exited with 2: stand-in vault: refused');
  });
});
