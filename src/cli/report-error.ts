import { readFileSync } from 'node:fs';
import { codeOf, errorMessage } from '../errors.js';
import type { Diagnostic } from '../manifest/diagnostic.js';
import { ManifestInvalidError } from '../reconcile/load-desired.js';
import { renderDiagnostics } from './render-diagnostics.js';
import { isColorWanted, writeErr, writeOut } from './terminal.js';
import { errorDocument } from './views/json-output.js';

export interface ReportErrorOptions {
  /** json: the error is the command's one JSON document on stdout (with the manifest's diagnostics, if any); the line on stderr stays */
  output?: 'human' | 'json';
}

/** Manifest problems as `file:line:col` with the source line; anything else as one line. */
export function reportError(error: unknown, options: ReportErrorOptions = {}): void {
  const diagnostics = error instanceof ManifestInvalidError ? error.diagnostics : undefined;
  if (options.output === 'json') writeOut(JSON.stringify(errorDocument(error, diagnostics), null, 2));
  if (diagnostics) {
    printDiagnostics(diagnostics);
    writeErr(`escred: ${errorMessage(error)}`);
    return;
  }
  const code = codeOf(error);
  writeErr(`escred: ${errorMessage(error)}${code ? ` [${code}]` : ''}`);
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
