import path from 'node:path';
import type { Diagnostic } from './diagnostic.js';
import type { ManifestFile } from './generated/manifest-types.js';
import { findInlineSecrets } from './inline-secrets.js';
import { pathFromPointer, type ManifestLocator } from './manifest-locator.js';
import type { NormalizeContext } from './normalize-context.js';
import { normalizeManifest, type ManifestFragment } from './normalize-manifest.js';
import { schemaDiagnostics } from './schema-diagnostics.js';

export interface AccountsInfo {
  knownAccounts: string[];
  versionLabel: string;
}

/**
 * One parsed file's data -> its fragment, whichever reader parsed it: inline secrets, the schema,
 * then the normalize rules; problems are appended to `diagnostics`.
 */
export function normalizeFile(data: unknown, locator: ManifestLocator, accounts: AccountsInfo, diagnostics: Diagnostic[]): ManifestFragment | undefined {
  const inline = findInlineSecrets(data, locator);
  const schema = schemaDiagnostics(data, locator, inline.pointers);
  diagnostics.push(...inline.diagnostics, ...schema);
  if (schema.length > 0) return undefined;
  // An inline secret is reported once; the rest of the file is still checked, with a stand-in
  // reference (the result is never used: the error already makes `desired` null).
  for (const pointer of inline.pointers) replaceAt(data, pointer, { env: 'ESCRED_INLINE_SECRET' });
  const context: NormalizeContext = { locator, directory: path.dirname(locator.file), diagnostics, ...accounts };
  return normalizeManifest(context, data as ManifestFile);
}

function replaceAt(data: unknown, pointer: string, value: unknown): void {
  const segments = pathFromPointer(pointer);
  const last = segments.pop();
  const parent = segments.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], data);
  if (last !== undefined && typeof parent === 'object' && parent !== null) (parent as Record<string, unknown>)[last] = value;
}
