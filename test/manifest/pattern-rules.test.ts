/**
 * Issue 20, item 6: owns/protect patterns speak only `*`. A character no name can contain is an
 * error at file:line:col; a pattern no possible name matches is a warning.
 */
import { describe, expect, it } from 'vitest';
import { CLUSTER, HEAD, loadText, yamlLines } from './manifest-fixture.js';

/** Lines 9-10 open the fleet-server account; its fields start on line 11. */
const fleet = (...lines: string[]) => yamlLines(...HEAD, ...CLUSTER, '    serviceAccounts:', '      elastic/fleet-server:', ...lines);
/** Line 9 is `userManagedAccounts:`, its fields from line 10. */
const accounts = (...lines: string[]) => yamlLines(...HEAD, ...CLUSTER, '    userManagedAccounts:', ...lines);

const ONLY_STAR = "escred's patterns only know * (any run of characters), not ?, [...] or {a,b}; write the names out or use *";
const TOKEN_RULE = 'token names are 1-256 of A-Z a-z 0-9 - _ and do not begin with _';
const ACCOUNT_RULE = 'accounts are namespace/service, each part 1-128 of A-Z a-z 0-9 - _ beginning with a letter or digit, never in the elastic namespace';
const long = 'a'.repeat(257);

interface PatternCase {
  case: string;
  text: string;
  expected: Array<[severity: 'error' | 'warning', code: string, line: number, col: number, message: string]>;
}

const cases: PatternCase[] = [
  { case: 'the issue: protect with ? and [...] beside owns keep-*',
    text: fleet('        prune: owned', '        owns: [keep-*]', '        protect: ["keep-?", "keep-[12]"]'),
    expected: [
      ['error', 'ESCRED_PATTERN_CHARACTER', 13, 19, `protect pattern "keep-?" contains "?", which no token name can contain: ${ONLY_STAR}`],
      ['error', 'ESCRED_PATTERN_CHARACTER', 13, 29, `protect pattern "keep-[12]" contains "[", "]", which no token name can contain: ${ONLY_STAR}`],
    ] },
  { case: 'braces in owns written as one string', text: fleet('        owns: "{a,b}-*"'),
    expected: [['error', 'ESCRED_PATTERN_CHARACTER', 11, 15, `owns pattern "{a,b}-*" contains "{", ",", "}", which no token name can contain: ${ONLY_STAR}`]] },
  { case: 'a space inside a token pattern', text: fleet('        owns: ["gitops *"]'),
    expected: [['error', 'ESCRED_PATTERN_CHARACTER', 11, 16, `owns pattern "gitops *" contains " ", which no token name can contain: ${ONLY_STAR}`]] },
  { case: 'a / is a principal character, not a token-name one', text: fleet('        protect: [team/x]'),
    expected: [['error', 'ESCRED_PATTERN_CHARACTER', 11, 19, `protect pattern "team/x" contains "/", which no token name can contain: ${ONLY_STAR}`]] },
  { case: 'a token pattern starting with _', text: fleet('        protect: [_keep*]'),
    expected: [['warning', 'ESCRED_PATTERN_MATCHES_NOTHING', 11, 19, `protect pattern "_keep*" can never match: ${TOKEN_RULE}`]] },
  { case: 'a token pattern longer than any name', text: fleet(`        owns: ["${long}*"]`),
    expected: [['warning', 'ESCRED_PATTERN_MATCHES_NOTHING', 11, 16, `owns pattern "${long}*" can never match: ${TOKEN_RULE}`]] },
  { case: 'an empty pattern in a list says so (not "must be a string or a list of strings")', text: fleet('        owns: ["gitops-*", ""]'),
    expected: [['error', 'ESCRED_SCHEMA', 11, 28,
      'clusters[0].serviceAccounts["elastic/fleet-server"].owns[1]: must not be empty or blank: such a pattern matches no name']] },
  { case: 'a blank pattern alone', text: fleet('        protect: "  "'),
    expected: [['error', 'ESCRED_SCHEMA', 11, 18,
      'clusters[0].serviceAccounts["elastic/fleet-server"].protect: must not be empty or blank: such a pattern matches no name']] },
  { case: 'an account pattern with ?', text: accounts('      owns: ["team/?"]'),
    expected: [['error', 'ESCRED_PATTERN_CHARACTER', 10, 14,
      `userManagedAccounts.owns pattern "team/?" contains "?", which no user-managed service account can contain: ${ONLY_STAR}`]] },
  { case: 'an account pattern without / or *', text: accounts('      protect: [team]'),
    expected: [['warning', 'ESCRED_PATTERN_MATCHES_NOTHING', 10, 17, `userManagedAccounts.protect pattern "team" can never match: ${ACCOUNT_RULE}`]] },
  { case: 'an account pattern whose service name starts with _', text: accounts('      protect: [team/_x]'),
    expected: [['warning', 'ESCRED_PATTERN_MATCHES_NOTHING', 10, 17, `userManagedAccounts.protect pattern "team/_x" can never match: ${ACCOUNT_RULE}`]] },
  { case: 'an account pattern with two /', text: accounts('      owns: [a/b/*]'),
    expected: [['warning', 'ESCRED_PATTERN_MATCHES_NOTHING', 10, 14, `userManagedAccounts.owns pattern "a/b/*" can never match: ${ACCOUNT_RULE}`]] },
  { case: 'an account pattern in the elastic namespace (any case)', text: accounts('      owns: [Elastic/*]'),
    expected: [['warning', 'ESCRED_PATTERN_MATCHES_NOTHING', 10, 14, `userManagedAccounts.owns pattern "Elastic/*" can never match: ${ACCOUNT_RULE}`]] },
  { case: 'an account pattern with a namespace longer than 128', text: accounts(`      owns: ["${'n'.repeat(129)}/*"]`),
    expected: [['warning', 'ESCRED_PATTERN_MATCHES_NOTHING', 10, 14, `userManagedAccounts.owns pattern "${'n'.repeat(129)}/*" can never match: ${ACCOUNT_RULE}`]] },
  { case: 'userManagedAccounts owns "*" under prune: owned (allowed, warned like owns "*" on tokens)',
    text: accounts('      prune: owned', '      owns: ["*"]'),
    expected: [['warning', 'ESCRED_OWNS_EVERYTHING', 11, 13,
      'owns "*" claims every user-managed service account of this cluster, also those made outside escred (by hand or by other tools): ' +
      'with prune: owned, any such account not declared here is deleted']] },
  { case: 'userManagedAccounts owns "*/*" is the same claim', text: accounts('      prune: owned', '      owns: "*/*"'),
    expected: [['warning', 'ESCRED_OWNS_EVERYTHING', 11, 13, expect.stringContaining('owns "*" claims every user-managed service account') as unknown as string]] },
];

function patternDiagnostics<T extends { code: string }>(diagnostics: T[]): T[] {
  return diagnostics.filter((d) => d.code !== 'ESCRED_OWNS_KIBANA_ACCOUNTS');
}

describe('owns/protect patterns', () => {
  it.each(cases)('$case', async ({ text, expected }) => {
    const result = await loadText(text);
    // the Kibana-namespace warning on account patterns is its own rule (test/manifest/user-managed-accounts.test.ts)
    expect(patternDiagnostics(result.diagnostics).map((d) => [d.severity, d.code, d.line, d.col, d.message])).toEqual(expected);
    expect(result.desired === null).toBe(expected.some(([severity]) => severity === 'error'));
  });

  it.each([
    ['token patterns that can match', fleet('        prune: owned', '        owns: [gitops-*, "*-ci", "-x", "*_tail", a_b*]', '        protect: ["*"]')],
    ['a token pattern of exactly 256 characters', fleet(`        owns: ["${'a'.repeat(256)}"]`)],
    ['a * before _ lets the name begin with something else', fleet('        owns: ["*_x"]')],
    ['account patterns that can match', accounts('      owns: [team/*, "*-ops/*", "*/ingest", "t*m"]', '      protect: [team/keep, elastic-ish/*]')],
    ['a namespace pattern that only starts like elastic', accounts('      owns: [elastic*/x]')],
  ])('%s: no diagnostic', async (_, text) => {
    const result = await loadText(text);
    expect(patternDiagnostics(result.diagnostics)).toEqual([]);
  });
});
