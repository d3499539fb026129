/**
 * A problem found in a manifest, with the place it was written (Terraform-style diagnostics):
 * collected for every file, then reported together, sorted by file, line and column.
 */
import type { DiagnosticCode } from '../error-codes.js';

export interface DiagnosticPosition {
  file: string;
  /** 1-based */
  line: number;
  /** 1-based */
  col: number;
}

export interface RelatedInformation extends DiagnosticPosition {
  message: string;
}

export interface Diagnostic extends DiagnosticPosition {
  severity: 'error' | 'warning';
  /** stable, e.g. ESCRED_DUPLICATE_CLUSTER; see DIAGNOSTIC_CODES */
  code: DiagnosticCode;
  /** never contains a secret value */
  message: string;
  related?: RelatedInformation[];
}

export { DIAGNOSTIC_CODES, type DiagnosticCode } from '../error-codes.js';

export function errorAt(position: DiagnosticPosition, code: DiagnosticCode, message: string): Diagnostic {
  return { severity: 'error', code, message, file: position.file, line: position.line, col: position.col };
}

export function warningAt(position: DiagnosticPosition, code: DiagnosticCode, message: string): Diagnostic {
  return { severity: 'warning', code, message, file: position.file, line: position.line, col: position.col };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** By file, line, column; errors before warnings at the same place; otherwise stable. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.col - b.col ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1),
  );
}
