import { DIAGNOSTIC_CODES, errorAt, type Diagnostic } from './diagnostic.js';
import type { ManifestLocator } from './manifest-locator.js';
import { describePath } from './schema-diagnostics.js';

export interface InlineSecretResult {
  diagnostics: Diagnostic[];
  /** JSON pointers of the reported values; their schema errors are suppressed */
  pointers: string[];
}

/**
 * Finds secrets written where a reference ({env} or {file}) is required, e.g. `password: hunter2`
 * or `apiKey: "abc"`, before the schema runs, so the user gets one clear error instead of "must be
 * a mapping". The message names the place, never the value (renderDiagnostics masks the line too).
 */
export function findInlineSecrets(data: unknown, locator: ManifestLocator): InlineSecretResult {
  const result: InlineSecretResult = { diagnostics: [], pointers: [] };
  const clusters = isRecord(data) && Array.isArray(data['clusters']) ? data['clusters'] : [];
  clusters.forEach((cluster, index) => {
    const auth = isRecord(cluster) ? cluster['auth'] : undefined;
    if (!isRecord(auth)) return;
    const candidates: Array<Array<string | number>> = [['apiKey'], ['bearer'], ['basic', 'password']];
    for (const relative of candidates) {
      const value = relative.reduce<unknown>((node, key) => (isRecord(node) ? node[String(key)] : undefined), auth);
      if (!isInlineValue(value)) continue;
      const path = ['clusters', index, 'auth', ...relative];
      result.pointers.push(`/${path.join('/')}`);
      result.diagnostics.push(errorAt(locator.value(path), DIAGNOSTIC_CODES.inlineSecret,
        `${describePath(path)}: a secret written inline; write {env: VARIABLE} or {file: path} and keep the value out of the manifest`));
    }
  });
  return result;
}

function isInlineValue(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
