/**
 * Files that are not manifests (issue 12 item 10): a binary .yaml is described by an escaped
 * excerpt of its bytes, never echoed to the terminal; a file over the 1 MiB limit is told how to
 * get under it (several files make one manifest), and that advice works.
 */
import { describe, expect, it } from 'vitest';
import { renderDiagnostics } from '../../src/cli/render-diagnostics.js';
import { loadManifest, resolveManifestPaths } from '../../src/manifest/load-manifest.js';
import { MAX_MANIFEST_BYTES } from '../../src/manifest/read-manifest-file.js';
import { CLUSTER, HEAD, loadText, tempDir, yamlLines } from './manifest-fixture.js';

/** the first bytes of a PNG, then some of its binary body */
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0xff, 0xd8, 0x9b, 0x1b, 0x5b, 0x32, 0x4a]);

describe('a binary .yaml', () => {
  it('the diagnostic holds an escaped excerpt of the bytes, and the rendering shows no raw byte', async () => {
    const result = await loadText(PNG);
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ code: 'ESCRED_NOT_UTF8', line: 1, col: 1,
      message: 'not UTF-8: invalid byte 0x89 at byte offset 0, in "\\x89PNG\\x0d\\x0a\\x1a\\x0a..."; save the file as UTF-8' });
    const shown = renderDiagnostics(result.diagnostics, () => PNG.toString('utf8'), { isColor: false, cwd: result.dir });
    expect(shown).toBe(`escred.yaml:1:1: error: ${result.diagnostics[0]!.message}\n`);
    expect(/^[\x20-\x7e\n]*$/.test(shown), JSON.stringify(shown)).toBe(true); // printable ASCII only: no U+FFFD, no ESC
  });

  it('a bad byte deep in a line: the excerpt is the bytes around it, quotes and backslashes escaped', async () => {
    const text = Buffer.concat([Buffer.from(yamlLines(...HEAD, ...CLUSTER)), Buffer.from('# a "q" \\ and '), Buffer.from([0xc3, 0x28]), Buffer.from(' tail\n')]);
    const result = await loadText(text);
    expect(result.diagnostics[0]?.message).toBe('not UTF-8: invalid byte 0xc3 at byte offset 162, in "...\\" \\\\ and \\xc3( tail\\x0a"; save the file as UTF-8');
  });
});

describe('the 1 MiB limit per file', () => {
  it('says the limit, and that several files make one manifest', async () => {
    const result = await loadText(`${yamlLines(...HEAD)}#${'x'.repeat(MAX_MANIFEST_BYTES)}\n`);
    expect(result.diagnostics[0]?.code).toBe('ESCRED_FILE_TOO_LARGE');
    expect(result.diagnostics[0]?.message).toMatch(/larger than the 1\.0 MiB a manifest may have; not parsed\. The limit is per file: split the manifest into several files/);
  });

  it('the advice works: two files of a folder, each under the limit, are one manifest', async () => {
    const temp = await tempDir();
    try {
      await temp.write('a.yaml', yamlLines(...HEAD, ...CLUSTER));
      await temp.write('b.yaml', yamlLines('apiVersion: escred/v1', 'clusters:', '  - name: staging', '    url: https://es-staging:9200',
        '    auth:', '      apiKey: { env: ES_API_KEY }'));
      // as the CLI does with a folder argument (reconcile/load-desired)
      const result = await loadManifest(await resolveManifestPaths([temp.dir], temp.dir), { cwd: temp.dir });
      expect(result.diagnostics).toEqual([]);
      expect(result.desired?.clusters.map((c) => c.name).sort()).toEqual(['prod', 'staging']);
    } finally {
      await temp.remove();
    }
  });
});
