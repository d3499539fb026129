/**
 * Two clusters at one URL (issue 12 item 10): validate warns, naming both places file:line:col;
 * the manifest stays valid (a warning, not an error).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDiagnostics } from '../../src/cli/render-diagnostics.js';
import { loadFiles, yamlLines } from './manifest-fixture.js';

const HEAD = yamlLines('apiVersion: escred/v1', 'secrets:', '  directory: ./secrets', 'clusters:');
function cluster(name: string, url: string): string {
  return yamlLines(`  - name: ${name}`, `    url: ${url}`, '    auth:', '      apiKey: { env: K }');
}

describe('clusters that share a URL', () => {
  it('warns at the later cluster with a note at the first, across files, and the manifest stays valid', async () => {
    const result = await loadFiles({
      'a.yaml': HEAD + cluster('prod', 'https://ES.example.com:9200/'),
      'b.yaml': yamlLines('apiVersion: escred/v1', 'clusters:') + cluster('prod-again', 'https://es.example.com:9200'),
    });
    expect(result.desired?.clusters).toHaveLength(2);
    expect(result.diagnostics).toEqual([{
      severity: 'warning', code: 'ESCRED_SHARED_URL', file: path.join(result.dir, 'b.yaml'), line: 3, col: 5,
      message: 'cluster "prod-again" has the same URL as cluster "prod" (https://es.example.com:9200): one Elasticsearch cluster ' +
        "managed twice, where each plan sees the other's tokens and prune may delete them",
      related: [{ file: path.join(result.dir, 'a.yaml'), line: 5, col: 5, message: 'cluster "prod" is declared here with that URL' }],
    }]);
    const shown = renderDiagnostics(result.diagnostics, () => undefined, { isColor: false, cwd: result.dir });
    expect(shown).toMatch(/^b\.yaml:3:5: warning: cluster "prod-again" has the same URL/);
    expect(shown).toContain('\n  a.yaml:5:5: note: cluster "prod" is declared here with that URL');
  });

  it.each([
    ['a failover list that includes the other URL', 'urls: [https://es-2:9200, https://es-1]', 1],
    ['https with and without the default port', 'url: https://es-1:443', 1],
    ['another port', 'url: https://es-1:9201', 0],
    ['http instead of https', 'url: http://es-1', 0],
    ['another path (a proxy prefix)', 'url: https://es-1/other', 0],
  ])('%s (%s): %s warning(s)', async (_what, second, expected) => {
    const text = HEAD + cluster('one', 'https://es-1') + yamlLines('  - name: two', `    ${second}`, '    auth:', '      apiKey: { env: K }');
    const result = await loadFiles({ 'escred.yaml': text });
    expect(result.diagnostics.filter((d) => d.code === 'ESCRED_SHARED_URL')).toHaveLength(expected);
  });
});
