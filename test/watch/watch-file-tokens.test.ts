/** The daemon in node mode: a service_tokens file edited by hand on its node is found at resync and restored. */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startWatchE2e, type WatchE2e } from './watch-harness.js';

const KIBANA = 'elastic/kibana';

describe('escred watch --apply --node', () => {
  let e2e: WatchE2e | undefined;
  afterEach(async () => {
    await e2e?.closeAll();
    e2e = undefined;
  });

  it('restores a file token removed by hand from the node file, and leaves other lines alone', async () => {
    e2e = await startWatchE2e({ nodeCount: 2, serviceTokensReloadMs: 50 });
    const file = e2e.emulator.serviceTokensPath('node-1');
    e2e.writeManifest({ [KIBANA]: { fileTokens: [{ name: 'kibana-file', nodes: ['node-1'] }] } });
    const watch = await e2e.watch({ isApplying: true, resyncMs: 300, jitter: 0, fileTokens: { kind: 'node', nodeName: 'node-1', path: file } });
    const nodeHasToken = async () => {
      const { json } = await e2e!.es('GET', `/_security/service/${KIBANA}/credential`);
      return (json.nodes_credentials.file_tokens['kibana-file']?.nodes ?? []).includes('node-1');
    };
    await watch.waitForPass((p) => p.verdict === 'ok' && !p.hasRemainingChanges && readFileSync(file, 'utf8').includes(`${KIBANA}/kibana-file:`));
    await e2e.emulator.reloadServiceTokens();
    expect(await nodeHasToken()).toBe(true);

    // someone edits the node's file by hand: the line goes, a comment of theirs stays
    const edited = readFileSync(file, 'utf8').split('\n').filter((l) => !l.startsWith(`${KIBANA}/`)).join('\n') + '# added by hand\n';
    writeFileSync(file, edited);
    await e2e.emulator.reloadServiceTokens();
    expect(await nodeHasToken()).toBe(false);

    await watch.waitForPass((p) => p.trigger === 'resync' && readFileSync(file, 'utf8').includes(`${KIBANA}/kibana-file:`));
    await e2e.emulator.reloadServiceTokens();
    expect(await nodeHasToken()).toBe(true);
    expect(readFileSync(file, 'utf8')).toContain('# added by hand');
    expect(e2e.events().some((e) => e.event === 'file-drift' && e.token === 'kibana-file')).toBe(true);
    expect(e2e.events().some((e) => e.event === 'file-tokens-written')).toBe(true);
  });
});
