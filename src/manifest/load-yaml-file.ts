import type { Diagnostic } from './diagnostic.js';
import { NodeLocator } from './node-locator.js';
import { normalizeFile, type AccountsInfo } from './normalize-file.js';
import type { ManifestFragment } from './normalize-manifest.js';
import { parseManifestYaml } from './parse-manifest-yaml.js';

/**
 * The full path for one file: the `yaml` library's Document, with node ranges for every
 * diagnostic. Its own module so that a process whose manifest the fast reader takes never loads yaml.
 */
export function loadWithYaml(file: string, text: string, accounts: AccountsInfo, diagnostics: Diagnostic[]): ManifestFragment | undefined {
  const parsed = parseManifestYaml(file, text);
  diagnostics.push(...parsed.diagnostics);
  if (!parsed.parsed) return undefined;
  const locator = new NodeLocator(file, parsed.parsed.document, parsed.parsed.lineCounter);
  return normalizeFile(parsed.parsed.data, locator, accounts, diagnostics);
}
