import { describe, expect, it } from 'vitest';
import { renderDiagnostics } from '../../src/cli/render-diagnostics.js';
import type { Diagnostic } from '../../src/manifest/diagnostic.js';

const cwd = '/work/repo';
const sources: Record<string, string> = {
  '/work/repo/a.yaml': 'apiVersion: escred/v1\n\tkey: value\nname: x\n',
  '/work/repo/b.yaml': `long: ${'x'.repeat(300)}Y${'z'.repeat(300)}\n`,
  '/elsewhere/c.yaml': 'evil: "\u001b[31mred"\n',
};
const read = (file: string) => sources[file];
const diagnostic = (file: string, line: number, col: number, message: string, extra: Partial<Diagnostic> = {}): Diagnostic =>
  ({ severity: 'error', code: 'ESCRED_SCHEMA', message, file, line, col, ...extra });

describe('renderDiagnostics', () => {
  it('prints path:line:col: severity: message, the line and a caret; notes for related places', () => {
    const text = renderDiagnostics([
      diagnostic('/work/repo/a.yaml', 3, 7, 'duplicate cluster name "x"', {
        related: [{ file: '/work/repo/a.yaml', line: 1, col: 1, message: 'first defined here' }] }),
      diagnostic('/work/repo/a.yaml', 2, 7, 'a warning', { severity: 'warning' }),
    ], read, { isColor: false, cwd });
    expect(text).toBe([
      'a.yaml:3:7: error: duplicate cluster name "x"',
      '  name: x',
      '        ^',
      '  a.yaml:1:1: note: first defined here',
      '',
      'a.yaml:2:7: warning: a warning',
      '  \tkey: value',
      '  \t     ^',
      '',
    ].join('\n'));
  });

  it('cuts long lines to a window around the column', () => {
    const text = renderDiagnostics([diagnostic('/work/repo/b.yaml', 1, 307, 'here')], read, { isColor: false, cwd });
    const [, line = '', caret = ''] = text.split('\n');
    expect(line.length).toBeLessThan(170);
    expect(line[caret.indexOf('^')]).toBe('Y');
  });

  it('shows control characters from the file as escapes and keeps paths outside cwd absolute', () => {
    const text = renderDiagnostics([diagnostic('/elsewhere/c.yaml', 1, 7, 'bad \u001b[2J name')], read, { isColor: false, cwd });
    expect(text).not.toContain('\u001b');
    expect(text).toContain('/elsewhere/c.yaml:1:7: error: bad \\x1b[2J name\n  evil: "\\x1b[31mred"\n');
  });

  it('masks the rest of the line for an inline secret', () => {
    const text = renderDiagnostics([diagnostic('/work/repo/a.yaml', 2, 7, 'inline', { code: 'ESCRED_INLINE_SECRET' })], read, { isColor: false, cwd });
    expect(text).toContain('  \tkey: <redacted>\n');
    expect(text).not.toContain('value');
  });

  it('without a readable source only the header line is printed', () => {
    expect(renderDiagnostics([diagnostic('/work/repo/gone.yaml', 1, 1, 'm')], read, { isColor: false, cwd })).toBe('gone.yaml:1:1: error: m\n');
    expect(renderDiagnostics([], read, { isColor: true, cwd })).toBe('');
  });

  it('colours severity and caret only when asked', () => {
    const text = renderDiagnostics([diagnostic('/work/repo/a.yaml', 1, 1, 'm')], read, { isColor: true, cwd });
    expect(text).toContain('\u001b[1;31merror\u001b[0m');
  });
});
