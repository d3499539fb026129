import { describe, expect, it } from 'vitest';
import { parseServiceTokens } from '../../src/file-tokens/service-tokens-parser.js';

const H1 = '{PBKDF2_STRETCH}10000$Pa3oNkj8xTD8j2gTgjWnTvnE6jseKApWMFjcNCLxX1U=$84ECweHFZQ2DblHEjHTRWA+fG6h5bVMyTSJUmFvTo1o=';
const H2 = '{PBKDF2}10000$0N2h5/AsDS5uO0/A+B6y8AnTCJ3Tqo8nygbzu1gkgpo=$5aTcCtteHf2g2ye7Y3p6jSZBoGhNJ7l6F3tmUhPTwRo=';

describe('parseServiceTokens', () => {
  it('skips comments at column 0 and blank lines, trims lines, splits at the first colon', () => {
    const text = `# comment: with colon\n\n   \n  elastic/fleet-server/token1:${H1}  \r\nfoo/bar/x:${H2}\n`;
    const parsed = parseServiceTokens(text);
    expect(parsed.isValid).toBe(true);
    expect([...parsed.tokens]).toEqual([
      ['elastic/fleet-server/token1', H1],
      ['foo/bar/x', H2],
    ]);
    expect(parsed.problems).toEqual([]);
  });

  it('keeps everything after the first colon as the hash (so a hash with a colon is unrecognised)', () => {
    const parsed = parseServiceTokens(`a/b/c::${H1}\n`);
    expect(parsed.isValid).toBe(true);
    expect(parsed.tokens.size).toBe(0);
    expect(parsed.problems).toEqual([{ line: 1, message: expect.stringContaining('a/b/c') }]);
  });

  it('skips lines with an unrecognised hash prefix and keeps the rest', () => {
    const parsed = parseServiceTokens(`a/b/plain:{plain}secret\na/b/ok:${H1}\na/b/text:notahash\n`);
    expect(parsed.isValid).toBe(true);
    expect([...parsed.tokens.keys()]).toEqual(['a/b/ok']);
    expect(parsed.problems.map((p) => p.line)).toEqual([1, 3]);
  });

  it('a later duplicate wins, with a warning', () => {
    const parsed = parseServiceTokens(`a/b/c:${H1}\na/b/c:${H2}\n`);
    expect(parsed.tokens.get('a/b/c')).toBe(H2);
    expect(parsed.problems).toEqual([{ line: 2, message: expect.stringContaining('duplicate') }]);
  });

  it.each([
    ['a line without a colon', `a/b/c:${H1}\nthis line is broken\n`, 2],
    ['an indented comment (only column-0 # is a comment)', `a/b/c:${H1}\n  # indented\n`, 2],
  ])('%s empties the whole set', (_label, text, line) => {
    const parsed = parseServiceTokens(text);
    expect(parsed.isValid).toBe(false);
    expect(parsed.tokens.size).toBe(0);
    expect(parsed.problems).toEqual([{ line, message: expect.any(String) }]);
  });

  it('an empty file is valid and empty', () => {
    expect(parseServiceTokens('')).toEqual({ tokens: new Map(), problems: [], isValid: true });
  });
});
