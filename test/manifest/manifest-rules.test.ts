import { describe, expect, it } from 'vitest';
import { invalidTokenNameMessage } from '../../src/es/token-name.js';
import { CLUSTER, HEAD, loadText, yamlLines } from './manifest-fixture.js';

interface RuleCase {
  rule: string;
  text: string;
  knownVersion?: string;
  expected: { severity: 'error' | 'warning'; code: string; message: string; line: number; col: number };
  related?: { line: number; col: number; message: string };
}

/** Lines 9-10 open the fleet-server account; what follows starts on line 11. */
const fleet = (...lines: string[]) => yamlLines(...HEAD, ...CLUSTER, '    serviceAccounts:', '      elastic/fleet-server:', ...lines);
const cluster = (...lines: string[]) => yamlLines(...HEAD, ...CLUSTER, ...lines);
/** Lines 5-6 name the cluster and its URL; auth starts on line 7. */
const withAuth = (...lines: string[]) => yamlLines(...HEAD, '  - name: prod', '    url: https://es:9200', ...lines);
const ACCOUNT_PATH = 'clusters[0].serviceAccounts["elastic/fleet-server"]';
const ALL_ACCOUNTS = 'elastic/auto-ops, elastic/enterprise-search-server, elastic/fleet-server, elastic/fleet-server-remote, elastic/kibana';
const INLINE = 'a secret written inline; write {env: VARIABLE} or {file: path} and keep the value out of the manifest';
const error = (code: string, message: string, line: number, col: number) => ({ severity: 'error' as const, code, message, line, col });
const rotationKept = (name: string, why: string) => `older generations of ${name} (${name}-<timestamp>) will never be deleted: ${why}. ` +
  `Rotation deletes only what the account owns, under prune: owned; add "${name}-*" to owns and set prune: owned, or delete them by hand`;
const warning = (code: string, message: string, line: number, col: number) => ({ severity: 'warning' as const, code, message, line, col });

const cases: RuleCase[] = [
  { rule: 'token name: Elasticsearch rule and message', text: fleet('        tokens:', '          - name: bad.name'),
    expected: error('ESCRED_INVALID_TOKEN_NAME', invalidTokenNameMessage('bad.name'), 12, 19) },
  { rule: 'token name: no leading underscore', text: fleet('        tokens:', '          - name: _hidden'),
    expected: error('ESCRED_INVALID_TOKEN_NAME', invalidTokenNameMessage('_hidden'), 12, 19) },
  { rule: 'file token name: same rule', text: fleet('        fileTokens:', '          - { name: "a b", nodes: ["*"] }'),
    expected: error('ESCRED_INVALID_TOKEN_NAME', invalidTokenNameMessage('a b'), 12, 21) },
  { rule: 'principal is namespace/service', text: yamlLines(...HEAD, ...CLUSTER, '    serviceAccounts:', '      fleet-server: {}'),
    expected: error('ESCRED_INVALID_PRINCIPAL', 'service account "fleet-server" must be written namespace/service, e.g. elastic/fleet-server', 10, 7) },
  { rule: 'unknown built-in account (any version)', text: yamlLines(...HEAD, ...CLUSTER, '    serviceAccounts:', '      elastic/fleet: {}'),
    expected: warning('ESCRED_UNKNOWN_ACCOUNT', `"elastic/fleet" is not a built-in service account of any Elasticsearch version; known: ${ALL_ACCOUNTS}`, 10, 7) },
  { rule: 'unknown built-in account (for the version)', knownVersion: '7.14.2',
    text: yamlLines(...HEAD, ...CLUSTER, '    serviceAccounts:', '      elastic/kibana: {}'),
    expected: warning('ESCRED_UNKNOWN_ACCOUNT', '"elastic/kibana" is not a built-in service account of Elasticsearch 7.14.2; known: elastic/fleet-server', 10, 7) },
  { rule: 'duplicate token in an account', text: fleet('        tokens:', '          - name: a', '          - name: a'),
    expected: error('ESCRED_DUPLICATE_TOKEN', 'duplicate token name "a" in this service account', 13, 19),
    related: { line: 12, col: 13, message: '"a" first declared here' } },
  { rule: 'duplicate file token in an account',
    text: fleet('        fileTokens:', '          - { name: b, nodes: ["*"] }', '          - { name: b, nodes: [es-0] }'),
    expected: error('ESCRED_DUPLICATE_FILE_TOKEN', 'duplicate file token name "b" in this service account', 13, 21),
    related: { line: 12, col: 13, message: '"b" first declared here' } },
  { rule: 'one name as index token and file token',
    text: fleet('        tokens:', '          - name: c', '        fileTokens:', '          - { name: c, nodes: ["*"] }'),
    expected: error('ESCRED_TOKEN_KIND_CLASH',
      '"c" is both an index token and a file token of this service account; their secrets would share one place in the sink: rename one', 14, 13),
    related: { line: 12, col: 13, message: 'index token "c" declared here' } },
  { rule: 'rotated file token: overlap shorter than every',
    text: fleet('        prune: owned', '        owns: [d-*]', '        fileTokens:', '          - { name: d, nodes: ["*"], rotate: { every: 2d, overlap: 3d } }'),
    expected: error('ESCRED_INVALID_ROTATION', 'rotate.overlap must be shorter than rotate.every, or older generations would never be deleted', 14, 68) },
  { rule: 'duplicate cluster name', text: yamlLines(...HEAD, ...CLUSTER, ...CLUSTER),
    expected: error('ESCRED_DUPLICATE_CLUSTER', 'duplicate cluster name "prod"', 9, 5),
    related: { line: 5, col: 5, message: 'cluster "prod" first defined here' } },
  { rule: 'inline password', text: withAuth('    auth:', '      basic:', '        username: elastic', '        password: hunter2'),
    expected: error('ESCRED_INLINE_SECRET', `clusters[0].auth.basic.password: ${INLINE}`, 10, 19) },
  { rule: 'inline API key', text: withAuth('    auth:', '      apiKey: "abc-secret"'),
    expected: error('ESCRED_INLINE_SECRET', `clusters[0].auth.apiKey: ${INLINE}`, 8, 15) },
  { rule: 'inline bearer token (a number)', text: withAuth('    auth:', '      bearer: 12345'),
    expected: error('ESCRED_INLINE_SECRET', `clusters[0].auth.bearer: ${INLINE}`, 8, 15) },
  { rule: 'credentials in the URL', text: yamlLines(...HEAD, '  - name: prod', '    url: https://user:pw@es:9200', '    auth:', '      apiKey: { env: K }'),
    expected: error('ESCRED_INLINE_SECRET', 'credentials written into the URL; remove them and use auth with {env} or {file}', 6, 10) },
  { rule: 'prune: owned without owns', text: fleet('        prune: owned'),
    expected: error('ESCRED_PRUNE_WITHOUT_OWNS', 'prune: owned needs owns (the token names this manifest owns); without it nothing could be pruned safely', 11, 16) },
  { rule: 'tls: caFile and insecure', text: cluster('    tls: { caFile: ./ca.pem, insecure: true }'),
    expected: error('ESCRED_TLS_CONFLICT', 'tls: choose one of caFile, caFingerprint or insecure: true (found caFile and insecure: true)', 9, 5) },
  { rule: 'token not matched by owns under prune: owned',
    text: fleet('        prune: owned', '        owns: gitops-*', '        tokens:', '          - name: manual'),
    expected: warning('ESCRED_NOT_OWNED', 'token manual is not matched by owns (gitops-*): once removed from the manifest, it will never be pruned', 14, 19) },
  { rule: 'rotated token whose generations owns does not match',
    text: fleet('        prune: owned', '        owns: [gitops-*]', '        tokens:', '          - name: ci', '            rotate: { every: 30d, overlap: 2d }'),
    expected: warning('ESCRED_ROTATION_NOT_PRUNED', rotationKept('ci', 'no owns pattern matches them'), 15, 13) },
  { rule: 'rotated token without prune: old generations are kept',
    text: fleet('        owns: [ci-*]', '        tokens:', '          - name: ci', '            rotate: { every: 30d, overlap: 2d }'),
    expected: warning('ESCRED_ROTATION_NOT_PRUNED', rotationKept('ci', 'prune is not owned'), 14, 13) },
  { rule: 'rotated file token whose generations are protected',
    text: fleet('        prune: owned', '        owns: [d-*]', '        protect: [d-*]', '        fileTokens:', '          - { name: d, nodes: ["*"], rotate: { every: 2d, overlap: 1d } }'),
    expected: warning('ESCRED_ROTATION_NOT_PRUNED', rotationKept('d', "protect 'd-*' matches them"), 15, 38) },
  { rule: 'protect on a token: an error that says what to write instead',
    text: fleet('        tokens:', '          - name: ci', '            protect: true'),
    expected: error('ESCRED_TOKEN_PROTECT', 'protect on a token is no longer supported: the flag would leave the manifest together with the token. ' +
      'Remove it and add "ci" to this account\'s protect list (protect: ["ci"]), which keeps the token even after it leaves the manifest', 13, 13) },
  { rule: 'a declared name that is a generation of a rotating token',
    text: fleet('        prune: owned', '        owns: [ci-*]', '        tokens:', '          - name: ci', '            rotate: { every: 30d, overlap: 2d }',
      '          - name: ci-20261201T000000Z'),
    expected: error('ESCRED_GENERATION_NAME_CLASH', '"ci-20261201T000000Z" is declared, and it is also a generation name of rotating token "ci": ' +
      'rotation would retire it while the manifest keeps it. Rename it (generation names are <name>-<UTC timestamp>)', 16, 13),
    related: { line: 14, col: 13, message: 'rotating token "ci" declared here' } },
  { rule: 'rotate: overlap not shorter than every',
    text: fleet('        tokens:', '          - name: ci', '            rotate: { every: 1d, overlap: 1d }'),
    expected: error('ESCRED_INVALID_ROTATION', 'rotate.overlap must be shorter than rotate.every, or older generations would never be deleted', 13, 43) },
  { rule: 'rotate: every zero', text: fleet('        tokens:', '          - name: ci', '            rotate: { every: 0d, overlap: 0s }'),
    expected: error('ESCRED_INVALID_ROTATION', 'rotate.every must be longer than 0', 13, 30) },
  { rule: 'rotate: name too long for generations',
    text: fleet('        tokens:', `          - name: ${'a'.repeat(240)}`, '            rotate: { every: 2d, overlap: 1d }'),
    expected: error('ESCRED_INVALID_ROTATION', "a rotated token's name may have at most 239 characters: generations add 17 (-YYYYMMDDTHHMMSSZ)", 12, 19) },
  { rule: 'url and urls together', text: yamlLines(...HEAD, '  - name: prod', '    url: https://a:9200', '    urls: [https://b:9200]', '    auth:', '      apiKey: { env: K }'),
    expected: error('ESCRED_URL_CONFLICT', 'give either url or urls (a failover list), not both', 7, 5) },
  { rule: 'neither url nor urls', text: yamlLines(...HEAD, '  - name: prod', '    auth:', '      apiKey: { env: K }'),
    expected: error('ESCRED_URL_CONFLICT', 'cluster prod needs url or urls', 5, 5) },
  { rule: 'url that is not a URL', text: yamlLines(...HEAD, '  - name: prod', '    url: https://[::1', '    auth:', '      apiKey: { env: K }'),
    expected: error('ESCRED_INVALID_URL', 'not a valid URL', 6, 10) },
  { rule: 'plain http (allowed, warned)', text: yamlLines(...HEAD, '  - name: prod', '    url: http://es:9200', '    auth:', '      apiKey: { env: K }'),
    expected: warning('ESCRED_PLAIN_HTTP', 'http:// sends credentials and new token values unencrypted; use https://', 6, 10) },
  { rule: 'tls: insecure (allowed, warned)', text: cluster('    tls: { insecure: true }'),
    expected: warning('ESCRED_TLS_INSECURE', 'tls.insecure: true turns certificate verification off: anyone between escred and the cluster ' +
      'can read the credentials and new token values; use caFile or caFingerprint', 9, 22) },
  { rule: 'owns "*" under prune: owned (allowed, warned)', text: fleet('        prune: owned', '        owns: "*"'),
    expected: warning('ESCRED_OWNS_EVERYTHING', 'owns "*" claims every token of this account, also those made outside escred (by Fleet, Kibana or by hand): with prune: owned, any token not listed here is deleted', 12, 15) },
  { rule: 'file token nodes: "*" mixed with names', text: fleet('        fileTokens:', '          - name: b', '            nodes: ["*", es-0]'),
    expected: error('ESCRED_FILE_TOKEN_NODES', 'nodes: "*" means every node and must stand alone; list node names or write ["*"]', 13, 20) },
  { rule: 'secrets missing from every file', text: yamlLines('apiVersion: escred/v1', 'clusters: []'),
    expected: error('ESCRED_MISSING_SECRETS', 'no secrets sink: one manifest file must define secrets (directory: path, or exec: [command, ...])', 1, 1) },
  { rule: 'schema: unknown key', text: cluster('    colour: red'),
    expected: error('ESCRED_SCHEMA', 'clusters[0]: unknown key "colour"; expected one of: name, url, urls, clusterUuid, maxDeletions, timeout, auth, tls, userManagedAccounts, lease, serviceAccounts, policy', 9, 5) },
  { rule: 'schema: missing apiVersion', text: yamlLines('secrets:', '  directory: ./s'),
    expected: error('ESCRED_SCHEMA', 'manifest: missing required key "apiVersion"', 1, 1) },
  { rule: 'schema: wrong apiVersion', text: yamlLines('apiVersion: escred/v2', 'secrets:', '  directory: ./s'),
    expected: error('ESCRED_SCHEMA', 'apiVersion: must be "escred/v1"', 1, 13) },
  { rule: 'schema: cluster name pattern', text: yamlLines(...HEAD, '  - name: Prod!', ...CLUSTER.slice(1)),
    expected: error('ESCRED_SCHEMA', "clusters[0].name: must be 1-63 lower-case letters, digits, '_' or '-', starting with a letter or digit", 5, 11) },
  { rule: 'schema: prune value', text: fleet('        prune: all'),
    expected: error('ESCRED_SCHEMA', `${ACCOUNT_PATH}.prune: must be one of: none, owned`, 11, 16) },
  { rule: 'schema: two auth methods', text: withAuth('    auth:', '      apiKey: { env: A }', '      bearer: { env: B }'),
    expected: error('ESCRED_SCHEMA', 'clusters[0].auth: needs exactly one of: apiKey, basic, bearer', 7, 5) },
  { rule: 'schema: no auth method', text: withAuth('    auth: {}'),
    expected: error('ESCRED_SCHEMA', 'clusters[0].auth: needs exactly one of: apiKey, basic, bearer', 7, 5) },
  { rule: 'schema: secrets directory and exec', text: yamlLines('apiVersion: escred/v1', 'secrets:', '  directory: ./s', '  exec: [x]'),
    expected: error('ESCRED_SCHEMA', 'secrets: needs exactly one of: directory, exec', 2, 1) },
  { rule: 'schema: fingerprint format', text: cluster('    tls: { caFingerprint: "AB:CD" }'),
    expected: error('ESCRED_SCHEMA', 'clusters[0].tls.caFingerprint: must be a SHA-256 fingerprint: 64 hex digits, optionally as 32 colon-separated pairs', 9, 27) },
  { rule: 'schema: owns is a glob or a list', text: fleet('        owns: 5'),
    expected: error('ESCRED_SCHEMA', `${ACCOUNT_PATH}.owns: must be a string or a list of strings`, 11, 15) },
  { rule: 'schema: environment variable name', text: withAuth('    auth:', '      apiKey: { env: "1BAD" }'),
    expected: error('ESCRED_SCHEMA', "clusters[0].auth.apiKey.env: must be an environment variable name: letters, digits and '_', not starting with a digit", 8, 22) },
  { rule: 'schema: duration format', text: fleet('        tokens:', '          - name: ci', '            rotate: { every: 30days, overlap: 1d }'),
    expected: error('ESCRED_SCHEMA', `${ACCOUNT_PATH}.tokens[0].rotate.every: must be a duration like 30d, 12h, 90m or 1d12h (units d, h, m, s, largest first)`, 13, 30) },
  { rule: 'schema: maxDeletions not negative', text: cluster('    maxDeletions: -1'),
    expected: error('ESCRED_SCHEMA', 'clusters[0].maxDeletions: must be at least 0', 9, 19) },
  { rule: 'schema: serviceAccounts is a mapping', text: cluster('    serviceAccounts: []'),
    expected: error('ESCRED_SCHEMA', 'clusters[0].serviceAccounts: must be a mapping (key: value)', 9, 22) },
  { rule: 'schema: token without a name', text: fleet('        tokens:', '          - protect: true'),
    expected: error('ESCRED_SCHEMA', `${ACCOUNT_PATH}.tokens[0]: missing required key "name"`, 12, 13) },
];

describe('manifest rules', () => {
  it.each(cases)('$rule', async ({ text, knownVersion, expected, related }) => {
    const result = await loadText(text, knownVersion);
    const { severity, code, message, line, col } = result.diagnostics[0] ?? {};
    expect({ severity, code, message, line, col }).toEqual(expected);
    expect(result.diagnostics).toHaveLength(1);
    expect(result.desired === null).toBe(expected.severity === 'error');
    if (related) {
      expect(result.diagnostics[0]?.related).toEqual([{ file: expect.stringMatching(/escred\.yaml$/), ...related }]);
    }
  });

  it('never echoes an inline secret in any diagnostic', async () => {
    const result = await loadText(withAuth('    auth:', '      basic:', '        username: elastic', '        password: hunter2'));
    expect(JSON.stringify(result.diagnostics)).not.toContain('hunter2');
  });

  it('an inline secret does not hide the other problems of the file', async () => {
    const result = await loadText(withAuth('    auth:', '      bearer: abc', '    tls: { caFile: ./ca, insecure: true }'));
    expect(result.diagnostics.map((d) => [d.code, d.line])).toEqual([['ESCRED_INLINE_SECRET', 8], ['ESCRED_TLS_CONFLICT', 9]]);
  });

  it('reports every problem of a file in one run, sorted by position', async () => {
    const result = await loadText(fleet('        prune: owned', '        tokens:', '          - name: bad.name', '          - name: _x'));
    expect(result.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['ESCRED_PRUNE_WITHOUT_OWNS', 11], ['ESCRED_INVALID_TOKEN_NAME', 13], ['ESCRED_INVALID_TOKEN_NAME', 14],
    ]);
  });
});
