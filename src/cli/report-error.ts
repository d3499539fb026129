import { readFileSync } from 'node:fs';
import { errorMessage } from '../errors.js';
import type { Diagnostic } from '../manifest/diagnostic.js';
import { ManifestInvalidError } from '../reconcile/load-desired.js';
import { renderDiagnostics } from './render-diagnostics.js';
import { isColorWanted, writeErr } from './terminal.js';

/** Manifest problems as `file:line:col` with the source line; anything else as one line. */
export function reportError(error: unknown): void {
  if (error instanceof ManifestInvalidError) {
    printDiagnostics(error.diagnostics);
    writeErr(`escred: ${error.message}`);
    return;
  }
  const code = (error as { code?: unknown }).code;
  writeErr(`escred: ${errorMessage(error)}${typeof code === 'string' && code.startsWith('ESCRED_') ? ` [${code}]` : ''}`);
}

export function printDiagnostics(diagnostics: Diagnostic[]): void {
  if (diagnostics.length === 0) return;
  writeErr(renderDiagnostics(diagnostics, readSourceOrUndefined, { isColor: isColorWanted(process.stderr) }));
}

function readSourceOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
