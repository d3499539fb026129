import { describe, expect, it } from 'vitest';
import { renderServiceTokens, SERVICE_TOKENS_HEADER } from '../../src/file-tokens/render-service-tokens.js';
import { parseServiceTokens } from '../../src/file-tokens/service-tokens-parser.js';

const H = (n: number) => `{PBKDF2_STRETCH}10000$salt${n}AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=$key${n}AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;
const owned = (...keys: string[]) => new Set(keys);

describe('renderServiceTokens', () => {
  it('writes a new file: header, keys sorted as Java TreeMap (code-unit order), trailing newline', () => {
    const text = renderServiceTokens({
      existing: null,
      desired: [
        { key: 'elastic/kibana/b', hash: H(1) },
        { key: 'elastic/fleet-server/z', hash: H(2) },
        { key: 'elastic/fleet-server/Z', hash: H(3) },
      ],
      owned: () => true,
    });
    expect(text).toBe([
      SERVICE_TOKENS_HEADER,
      `elastic/fleet-server/Z:${H(3)}`,
      `elastic/fleet-server/z:${H(2)}`,
      `elastic/kibana/b:${H(1)}`,
    ].join('\n') + '\n');
    expect(parseServiceTokens(text).isValid).toBe(true);
    expect([...parseServiceTokens(text).tokens.keys()]).toEqual(['elastic/fleet-server/Z', 'elastic/fleet-server/z', 'elastic/kibana/b']);
  });

  it('is a fixed point: rendering its own output with the same lines gives the same bytes', () => {
    const input = { desired: [{ key: 'elastic/kibana/a', hash: H(1) }], owned: owned('elastic/kibana/a') };
    const first = renderServiceTokens({ existing: null, ...input });
    expect(renderServiceTokens({ existing: first, ...input })).toBe(first);
  });

  it('keeps comments, blank lines and unowned lines exactly, edits owned lines in place', () => {
    const existing = [
      '# ops: do not remove the kibana line',
      `elastic/fleet-server/manual:${H(9)}   `,
      '',
      '# escred token below',
      `elastic/kibana/escred:${H(1)}`,
      `  elastic/kibana/indented:${H(8)}`,
    ].join('\n') + '\n';
    const text = renderServiceTokens({
      existing,
      desired: [{ key: 'elastic/kibana/escred', hash: H(2) }],
      owned: owned('elastic/kibana/escred'),
    });
    expect(text).toBe([
      SERVICE_TOKENS_HEADER,
      '# ops: do not remove the kibana line',
      `elastic/fleet-server/manual:${H(9)}   `,
      '',
      '# escred token below',
      `elastic/kibana/escred:${H(2)}`,
      `  elastic/kibana/indented:${H(8)}`,
    ].join('\n') + '\n');
  });

  it('keeps an owned line verbatim when its hash is the desired one (even with odd spacing)', () => {
    const existing = `  elastic/kibana/a:${H(1)}  \n`;
    const text = renderServiceTokens({ existing, desired: [{ key: 'elastic/kibana/a', hash: H(1) }], owned: () => true });
    expect(text).toBe(`${SERVICE_TOKENS_HEADER}\n  elastic/kibana/a:${H(1)}  \n`);
  });

  it('removes owned keys that are no longer desired and never unowned ones', () => {
    const existing = `elastic/kibana/gone:${H(1)}\nelastic/kibana/theirs:${H(2)}\n`;
    const text = renderServiceTokens({ existing, desired: [], owned: (key) => key.endsWith('/gone') });
    expect(text).toBe(`${SERVICE_TOKENS_HEADER}\nelastic/kibana/theirs:${H(2)}\n`);
  });

  it('inserts new keys at their sorted place, above the comment block of the next key', () => {
    const existing = `elastic/a/a:${H(1)}\n\n# about c\n# more\nelastic/c/c:${H(3)}\n`;
    const text = renderServiceTokens({
      existing, desired: [{ key: 'elastic/b/b', hash: H(2) }, { key: 'elastic/d/d', hash: H(4) }], owned: owned('elastic/b/b', 'elastic/d/d'),
    });
    expect(text).toBe([
      SERVICE_TOKENS_HEADER, `elastic/a/a:${H(1)}`, '', `elastic/b/b:${H(2)}`, '# about c', '# more', `elastic/c/c:${H(3)}`, `elastic/d/d:${H(4)}`,
    ].join('\n') + '\n');
  });

  it('replaces the escred header instead of stacking it, and normalises CRLF', () => {
    const existing = `# Managed by escred: an older header\r\n# mine\r\nelastic/x/y:${H(1)}\r\n`;
    const text = renderServiceTokens({ existing, desired: [], owned: () => false });
    expect(text).toBe(`${SERVICE_TOKENS_HEADER}\n# mine\nelastic/x/y:${H(1)}\n`);
  });

  it('collapses duplicate desired keys into one line where the first was', () => {
    const existing = `elastic/k/a:${H(1)}\nelastic/k/b:${H(5)}\nelastic/k/a:${H(2)}\n`;
    const text = renderServiceTokens({ existing, desired: [{ key: 'elastic/k/a', hash: H(3) }], owned: () => true });
    expect(text).toBe(`${SERVICE_TOKENS_HEADER}\nelastic/k/a:${H(3)}\n`);
  });

  it('refuses a file Elasticsearch would ignore entirely (a line without a colon)', () => {
    expect(() => renderServiceTokens({ existing: `elastic/k/a:${H(1)}\nbroken line\n`, desired: [], owned: () => true }))
      .toThrow(expect.objectContaining({ code: 'ESCRED_SERVICE_TOKENS_INVALID', message: expect.stringContaining('line 2') }));
  });

  it.each([
    ['a colon in the key', 'elastic/k/a:b', H(1)],
    ['a newline in the hash', 'elastic/k/a', `${H(1)}\nelastic/k/evil:${H(2)}`],
    ['an empty hash', 'elastic/k/a', ''],
  ])('refuses a desired line with %s', (_what, key, hash) => {
    expect(() => renderServiceTokens({ existing: null, desired: [{ key, hash }], owned: () => true }))
      .toThrow(expect.objectContaining({ code: 'ESCRED_SERVICE_TOKENS_LINE' }));
  });
});
