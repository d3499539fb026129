import path from 'node:path';
import type { SecretRef } from '../model.js';
import type { Diagnostic } from './diagnostic.js';
import type { ManifestLocator } from './manifest-locator.js';

/** What normalizing one file needs; diagnostics are appended, never thrown. */
export interface NormalizeContext {
  locator: ManifestLocator;
  /** absolute folder of the file: relative paths in it resolve against this */
  directory: string;
  /** built-in accounts of the target version, sorted */
  knownAccounts: readonly string[];
  /** "Elasticsearch 8.17" or "any Elasticsearch version", for the unknown-account warning */
  versionLabel: string;
  diagnostics: Diagnostic[];
}

export function resolvePath(context: NormalizeContext, file: string): string {
  return path.resolve(context.directory, file);
}

export function resolveSecretRef(context: NormalizeContext, ref: { env?: string; file?: string }): SecretRef {
  // The schema guarantees exactly one of the two.
  return ref.env !== undefined ? { env: ref.env } : { file: resolvePath(context, ref.file ?? '') };
}

export function toList(globs: string | string[] | undefined): string[] {
  if (globs === undefined) return [];
  return typeof globs === 'string' ? [globs] : [...globs];
}
