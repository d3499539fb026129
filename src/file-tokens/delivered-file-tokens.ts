import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DesiredCluster } from '../model.js';
import { readTextIfExists } from '../support/read-text-if-exists.js';
import { SERVICE_TOKENS_FILE, type FileTokensTarget } from './deliver-file-tokens.js';
import { splitFileTokenKey } from '../ownership/file-token-ownership.js';
import { parseServiceTokens } from './service-tokens-parser.js';

/**
 * The file-token names already in the service_tokens files a delivery would rewrite, as
 * `cluster/principal` -> names. With --file-tokens-out the nodes report nothing until the files
 * are shipped, so rotation must count these as existing generations (else every run would start
 * a new generation and drop the previous one at once).
 */
export async function readDeliveredFileTokens(
  clusters: readonly Pick<DesiredCluster, 'name'>[], target: FileTokensTarget,
): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  for (const cluster of clusters) {
    const texts = target.kind === 'node'
      ? (target.cluster === undefined || target.cluster === cluster.name ? [await readTextIfExists(target.path)] : [])
      : await clusterFileTexts(join(target.outDir, cluster.name));
    for (const text of texts) if (text !== null) addNames(result, cluster.name, text);
  }
  return result;
}

async function clusterFileTexts(clusterDir: string): Promise<(string | null)[]> {
  const texts = [await readTextIfExists(join(clusterDir, SERVICE_TOKENS_FILE))];
  const entries = await readdir(clusterDir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.isDirectory()) texts.push(await readTextIfExists(join(clusterDir, entry.name, SERVICE_TOKENS_FILE)));
  }
  return texts;
}

function addNames(result: Map<string, string[]>, cluster: string, text: string): void {
  for (const key of parseServiceTokens(text).tokens.keys()) {
    const parts = splitFileTokenKey(key);
    if (!parts) continue;
    const names = result.get(`${cluster}/${parts.principal}`) ?? [];
    if (!names.includes(parts.tokenName)) names.push(parts.tokenName);
    result.set(`${cluster}/${parts.principal}`, names);
  }
}
