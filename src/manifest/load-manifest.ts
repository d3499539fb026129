import path from 'node:path';
import { allBuiltInAccounts, builtInAccountsFor } from '../es/built-in-accounts.js';
import type { DesiredState } from '../model.js';
import { DIAGNOSTIC_CODES, hasErrors, sortDiagnostics, type Diagnostic } from './diagnostic.js';
import { sharedUrlWarnings } from './cluster-url-rules.js';
import { mergeFragments } from './merge-fragments.js';
import { findExcessiveNesting } from './nesting-depth.js';
import { normalizeFile, type AccountsInfo } from './normalize-file.js';
import type { ManifestFragment } from './normalize-manifest.js';
import { readManifestFile } from './read-manifest-file.js';
import { SimpleLocator } from './simple-locator.js';
import { parseSimpleYaml } from './simple-yaml.js';

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
  const simple = loadSimpleFile(file, read.text, accounts);
  if (simple) return simple;
  const { loadWithYaml } = await import('./load-yaml-file.js');
  return loadWithYaml(file, read.text, accounts, diagnostics);
}

/**
 * The fast path (issue 16): plain block YAML read by simple-yaml.ts, taken only when the file has
 * no problem at all. Any diagnostic, even a warning, sends the file to the yaml path, so every
 * message, position and excerpt a user sees comes from the one full parser.
 */
function loadSimpleFile(file: string, text: string, accounts: AccountsInfo): ManifestFragment | undefined {
  if (findExcessiveNesting(text)) return undefined;
  const simple = parseSimpleYaml(text);
  if (!simple) return undefined;
  const found: Diagnostic[] = [];
  const fragment = normalizeFile(simple.data, new SimpleLocator(file, simple.root), accounts, found);
  return found.length === 0 ? fragment : undefined;
}

function accountsFor(version: string | undefined): AccountsInfo {
  // Without a version, warn only for names no version has: a warning for an account that the
  // user's (unknown) version does have would teach them to ignore the warning.
  if (version === undefined) return { knownAccounts: allBuiltInAccounts(), versionLabel: 'any Elasticsearch version' };
  return { knownAccounts: builtInAccountsFor(version), versionLabel: `Elasticsearch ${version}` };
}
