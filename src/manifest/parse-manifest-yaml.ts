import { LineCounter, parseAllDocuments, type Document, type YAMLError } from 'yaml';
import { findDuplicateKeys } from './duplicate-keys.js';
import { DIAGNOSTIC_CODES, errorAt, warningAt, type Diagnostic } from './diagnostic.js';
import { findExcessiveNesting, MAX_NESTING_DEPTH } from './nesting-depth.js';

/** Aliases a manifest may expand (yaml's own default is 100); enough to share an auth block, not a bomb. */
export const MAX_ALIAS_COUNT = 50;
/** A broken file can produce one error per line; the first ones are the useful ones. */
const MAX_SYNTAX_ERRORS = 20;

export interface ParsedManifest {
  file: string;
  document: Document.Parsed;
  lineCounter: LineCounter;
  /** the document as plain data, for the schema */
  data: unknown;
}

export interface ParseManifestResult {
  parsed?: ParsedManifest;
  diagnostics: Diagnostic[];
}

/**
 * YAML text -> one document with node ranges, or diagnostics (duplicate keys included). Multi-document semantics: a file
 * holds exactly one document; a second non-empty document is an error (merging happens across
 * files, not within one). A trailing `---` with nothing after it is tolerated.
 */
export function parseManifestYaml(file: string, text: string): ParseManifestResult {
  const deep = findExcessiveNesting(text);
  if (deep) {
    return { diagnostics: [errorAt({ file, ...deep }, DIAGNOSTIC_CODES.tooDeep,
      `nesting deeper than ${MAX_NESTING_DEPTH} levels; not parsed`)] };
  }
  const lineCounter = new LineCounter();
  const documents = Array.from(parseAllDocuments(text, { lineCounter, uniqueKeys: false, prettyErrors: true }));
  const first = documents[0];
  if (!first) {
    return { diagnostics: [errorAt({ file, line: 1, col: 1 }, DIAGNOSTIC_CODES.emptyFile,
      'file has no YAML content; a manifest needs at least `apiVersion: escred/v1`')] };
  }
  const diagnostics: Diagnostic[] = [];
  for (const document of documents) {
    for (const error of document.errors) diagnostics.push(yamlDiagnostic(file, error, 'error'));
    diagnostics.push(...findDuplicateKeys(file, document, lineCounter, MAX_SYNTAX_ERRORS + 1));
    for (const warning of document.warnings) diagnostics.push(yamlDiagnostic(file, warning, 'warning'));
  }
  for (const extra of documents.slice(1)) {
    if (isEmptyDocument(extra)) continue;
    const at = lineCounter.linePos(extra.range[0]);
    diagnostics.push(errorAt({ file, ...at }, DIAGNOSTIC_CODES.multiDocument,
      'a second YAML document: a manifest file holds one document; put each in its own file'));
  }
  const limited = limitSyntaxErrors(diagnostics);
  if (limited.some((d) => d.severity === 'error')) return { diagnostics: limited };
  const data = toData(file, first);
  if ('diagnostic' in data) return { diagnostics: [...limited, data.diagnostic] };
  return { parsed: { file, document: first, lineCounter, data: data.value }, diagnostics: limited };
}

function toData(file: string, document: Document.Parsed): { value: unknown } | { diagnostic: Diagnostic } {
  try {
    return { value: document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    const at = { file, line: 1, col: 1 };
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      return { diagnostic: errorAt(at, DIAGNOSTIC_CODES.aliasLimit,
        `aliases expand to too many nodes (limit ${MAX_ALIAS_COUNT}); an alias bomb? not loaded`) };
    }
    if (error instanceof RangeError) {
      return { diagnostic: errorAt(at, DIAGNOSTIC_CODES.tooDeep, 'nesting too deep to load') };
    }
    // e.g. an alias to an anchor defined later; the message names YAML constructs, not values.
    return { diagnostic: errorAt(at, DIAGNOSTIC_CODES.yamlSyntax, firstLine(errorText(error))) };
  }
}

function isEmptyDocument(document: Document.Parsed): boolean {
  const contents = document.contents as { value?: unknown } | null;
  return contents === null || (contents.value === null && document.errors.length === 0);
}

function yamlDiagnostic(file: string, error: YAMLError, severity: 'error' | 'warning'): Diagnostic {
  const position = error.linePos?.[0] ?? { line: 1, col: 1 };
  const at = { file, line: position.line, col: position.col };
  const code = error.code === 'RESOURCE_EXHAUSTION' ? DIAGNOSTIC_CODES.tooDeep : DIAGNOSTIC_CODES.yamlSyntax;
  // prettyErrors appends " at line L, column C:" and a source excerpt; we print our own excerpt.
  // Token echoes (`...token in YAML stream: "x"`) are cut: the source line is shown anyway, and
  // the JSON output should not carry fragments of a file that may hold a misplaced secret.
  const message = firstLine(error.message).replace(/ at line \d+, column \d+:?$/, '').replace(/: ".*"$/, '');
  return severity === 'error' ? errorAt(at, code, message) : warningAt(at, code, message);
}

function limitSyntaxErrors(diagnostics: Diagnostic[]): Diagnostic[] {
  if (diagnostics.length <= MAX_SYNTAX_ERRORS) return diagnostics;
  const kept = diagnostics.slice(0, MAX_SYNTAX_ERRORS);
  const last = kept[kept.length - 1]!;
  kept.push(errorAt(last, DIAGNOSTIC_CODES.yamlSyntax,
    `${diagnostics.length - MAX_SYNTAX_ERRORS} more YAML errors not shown`));
  return kept;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
