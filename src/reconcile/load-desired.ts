import { EscredError } from '../errors.js';
import type { Diagnostic } from '../manifest/diagnostic.js';
import { loadManifest, resolveManifestPaths } from '../manifest/load-manifest.js';
import type { DesiredState } from '../model.js';

/** The manifest has errors: nothing may be observed or written. The CLI renders the diagnostics. */
export class ManifestInvalidError extends EscredError {
  constructor(readonly diagnostics: Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const first = errors[0];
    const where = first ? `${first.file}:${first.line}:${first.col}: ${first.message}` : 'no manifest';
    super('ESCRED_MANIFEST_INVALID', `the manifest is invalid (${errors.length} error${errors.length === 1 ? '' : 's'}); first: ${where}`);
  }
}

export interface LoadedDesired {
  desired: DesiredState;
  /** warnings only; errors throw */
  diagnostics: Diagnostic[];
}

/** Manifest arguments (files or folders; default ./escred.yaml) -> DesiredState, or ManifestInvalidError. */
export async function loadDesired(args: readonly string[], cwd: string): Promise<LoadedDesired> {
  const paths = await resolveManifestPaths(args.length > 0 ? [...args] : ['escred.yaml'], cwd);
  const { desired, diagnostics } = await loadManifest(paths, { cwd });
  if (!desired || diagnostics.some((d) => d.severity === 'error')) throw new ManifestInvalidError(diagnostics);
  return { desired, diagnostics };
}
