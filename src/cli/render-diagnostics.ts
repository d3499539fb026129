import path from 'node:path';
import type { Diagnostic } from '../manifest/diagnostic.js';

export interface RenderDiagnosticsOptions {
  isColor: boolean;
  /** paths are shown relative to this folder when inside it; default process.cwd() */
  cwd?: string;
}

/** Codes whose source line holds a secret: the excerpt is cut at the column. */
const SECRET_CODES = new Set(['ESCRED_INLINE_SECRET']);
const MAX_EXCERPT = 160;
/** Codes whose file is not text: the message holds an escaped excerpt of its bytes, the raw line is never shown. */
const BINARY_CODES = new Set(['ESCRED_NOT_UTF8']);

/**
 * Compiler-style text: `path:line:col: error: message`, then the source line with a caret under
 * the column, then notes for related places. The only text a hostile file controls (messages that
 * quote it, source lines) is stripped of control characters so it cannot drive the terminal.
 */
export function renderDiagnostics(
  diagnostics: Diagnostic[],
  readSource: (file: string) => string | undefined,
  options: RenderDiagnosticsOptions,
): string {
  const paint = painter(options.isColor);
  const cwd = options.cwd ?? process.cwd();
  const lines = (file: string): string[] | undefined => cache.get(file) ?? load(file);
  const cache = new Map<string, string[] | undefined>();
  const load = (file: string): string[] | undefined => {
    const text = readSource(file);
    const split = text?.split(/\r?\n/);
    cache.set(file, split);
    return split;
  };
  const blocks = diagnostics.map((d) => {
    const label = d.severity === 'error' ? paint.error('error') : paint.warning('warning');
    const out = [`${paint.bold(`${displayPath(d.file, cwd)}:${d.line}:${d.col}`)}: ${label}: ${sanitize(d.message)}`];
    const source = BINARY_CODES.has(d.code) ? undefined : lines(d.file)?.[d.line - 1];
    if (source !== undefined) out.push(...excerpt(source, d.col, SECRET_CODES.has(d.code), paint));
    for (const note of d.related ?? []) {
      out.push(`  ${displayPath(note.file, cwd)}:${note.line}:${note.col}: ${paint.note('note')}: ${sanitize(note.message)}`);
    }
    return out.join('\n');
  });
  return blocks.length === 0 ? '' : `${blocks.join('\n\n')}\n`;
}

function excerpt(source: string, col: number, isSecret: boolean, paint: Painter): string[] {
  let text = isSecret ? `${source.slice(0, col - 1)}<redacted>` : source;
  let caretAt = col - 1;
  // Long lines (minified JSON) are cut to a window around the column.
  if (text.length > MAX_EXCERPT) {
    const start = Math.max(0, Math.min(caretAt - MAX_EXCERPT / 2, text.length - MAX_EXCERPT));
    text = `${start > 0 ? '…' : ''}${text.slice(start, start + MAX_EXCERPT)}${start + MAX_EXCERPT < text.length ? '…' : ''}`;
    caretAt = caretAt - start + (start > 0 ? 1 : 0);
  }
  const shown = sanitize(text);
  // Keep tabs under tabs so the caret lines up whatever the tab width.
  const pad = [...shown.slice(0, caretAt)].map((ch) => (ch === '\t' ? '\t' : ' ')).join('');
  return [`  ${shown}`, `  ${pad}${paint.caret('^')}`];
}

function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/** C0 (except tab), DEL and C1 controls become visible escapes, e.g. \x1b. */
function sanitize(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

interface Painter {
  error: (s: string) => string;
  warning: (s: string) => string;
  note: (s: string) => string;
  bold: (s: string) => string;
  caret: (s: string) => string;
}

function painter(isColor: boolean): Painter {
  const sgr = (open: string) => (s: string) => (isColor ? `\u001b[${open}m${s}\u001b[0m` : s);
  return { error: sgr('1;31'), warning: sgr('1;33'), note: sgr('1;36'), bold: sgr('1'), caret: sgr('1;32') };
}
