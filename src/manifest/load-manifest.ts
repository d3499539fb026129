import path from 'node:path';
import { allBuiltInAccounts, builtInAccountsFor } from '../es/built-in-accounts.js';
import type { DesiredState } from '../model.js';
import { DIAGNOSTIC_CODES, hasErrors, sortDiagnostics, type Diagnostic } from './diagnostic.js';
import { sharedUrlWarnings } from './cluster-url-rules.js';
import { findInlineSecrets } from './inline-secrets.js';
import { mergeFragments } from './merge-fragments.js';
import { NodeLocator } from './node-locator.js';
import type { NormalizeContext } from './normalize-context.js';
import { normalizeManifest, type ManifestFragment } from './normalize-manifest.js';
import { parseManifestYaml } from './parse-manifest-yaml.js';
import { readManifestFile } from './read-manifest-file.js';
import { schemaDiagnostics } from './schema-diagnostics.js';
import type { ManifestFile } from './generated/manifest-types.js';

export { resolveManifestPaths } from './resolve-manifest-paths.js';
export type { Diagnostic } from './diagnostic.js';

export interface LoadManifestOptions {
  cwd: string;
  /** Elasticsearch version for the built-in account check; default: accounts of any version */
  knownVersion?: string;
}

export interface LoadManifestResult {
  /** null when any diagnostic is an error */
  desired: DesiredState | null;
  /** all problems of all files, sorted by file, line, column */
  diagnostics: Diagnostic[];
}

/**
 * Reads, parses, schema-checks and normalizes every file, then merges them. Never throws for a
 * bad manifest: every problem becomes a diagnostic, and all files are checked in one run.
 */
export async function loadManifest(paths: string[], options: LoadManifestOptions): Promise<LoadManifestResult> {
  const files = [...new Set(paths.map((p) => path.resolve(options.cwd, p)))].sort();
  const accounts = accountsFor(options.knownVersion);
  const diagnostics: Diagnostic[] = [];
  const fragments: ManifestFragment[] = [];
  let isEveryFileUsable = true;
  for (const file of files) {
    const fragment = await loadFile(file, accounts, diagnostics);
    if (fragment) fragments.push(fragment);
    else isEveryFileUsable = false;
  }
  // Merge rules (duplicate clusters, one secrets sink) only make sense when every file was read.
  const merged = isEveryFileUsable ? mergeFragments(fragments, files) : { diagnostics: [] };
  diagnostics.push(...merged.diagnostics);
  if (merged.desired) diagnostics.push(...sharedUrlWarnings(merged.desired.clusters));
  const sorted = sortDiagnostics(diagnostics);
  return { desired: hasErrors(sorted) ? null : (merged.desired ?? null), diagnostics: limitDiagnostics(sorted) };
}

/** A 10 MB file can hold 400k bad token names; nobody reads past the first few hundred. */
export const MAX_DIAGNOSTICS = 500;

function limitDiagnostics(sorted: Diagnostic[]): Diagnostic[] {
  if (sorted.length <= MAX_DIAGNOSTICS) return sorted;
  const kept = sorted.slice(0, MAX_DIAGNOSTICS);
  const dropped = sorted.slice(MAX_DIAGNOSTICS);
  const last = kept[kept.length - 1]!;
  const severity = hasErrors(dropped) ? 'error' : 'warning';
  kept.push({ severity, code: DIAGNOSTIC_CODES.tooManyDiagnostics, message: `${dropped.length} more problems not shown`,
    file: last.file, line: last.line, col: last.col });
  return kept;
}

async function loadFile(file: string, accounts: AccountsInfo, diagnostics: Diagnostic[]): Promise<ManifestFragment | undefined> {
  const read = await readManifestFile(file);
  if ('diagnostic' in read) {
    diagnostics.push(read.diagnostic);
    return undefined;
  }
  const parsed = parseManifestYaml(file, read.text);
  diagnostics.push(...parsed.diagnostics);
  if (!parsed.parsed) return undefined;
  const locator = new NodeLocator(file, parsed.parsed.document, parsed.parsed.lineCounter);
  const inline = findInlineSecrets(parsed.parsed.data, locator);
  const schema = schemaDiagnostics(parsed.parsed.data, locator, inline.pointers);
  diagnostics.push(...inline.diagnostics, ...schema);
  if (schema.length > 0) return undefined;
  // An inline secret is reported once; the rest of the file is still checked, with a stand-in
  // reference (the result is never used: the error already makes `desired` null).
  for (const pointer of inline.pointers) replaceAt(parsed.parsed.data, pointer, { env: 'ESCRED_INLINE_SECRET' });
  const context: NormalizeContext = { locator, directory: path.dirname(file), diagnostics, ...accounts };
  return normalizeManifest(context, parsed.parsed.data as ManifestFile);
}

function replaceAt(data: unknown, pointer: string, value: unknown): void {
  const segments = NodeLocator.fromPointer(pointer);
  const last = segments.pop();
  const parent = segments.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], data);
  if (last !== undefined && typeof parent === 'object' && parent !== null) (parent as Record<string, unknown>)[last] = value;
}

interface AccountsInfo {
  knownAccounts: string[];
  versionLabel: string;
}

function accountsFor(version: string | undefined): AccountsInfo {
  // Without a version, warn only for names no version has: a warning for an account that the
  // user's (unknown) version does have would teach them to ignore the warning.
  if (version === undefined) return { knownAccounts: allBuiltInAccounts(), versionLabel: 'any Elasticsearch version' };
  return { knownAccounts: builtInAccountsFor(version), versionLabel: `Elasticsearch ${version}` };
}
