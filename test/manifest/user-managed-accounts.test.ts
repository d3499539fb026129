/** Issue 14: user-managed service accounts in the manifest (spec user-managed-service-accounts.md, sections 1-2). */
import { describe, expect, it } from 'vitest';
import { CLUSTER, HEAD, loadText, yamlLines } from './manifest-fixture.js';

/** Line 9 is `serviceAccounts:`, line 10 the account key, its fields from line 11. */
const account = (principal: string, ...lines: string[]) => yamlLines(...HEAD, ...CLUSTER, '    serviceAccounts:', `      ${principal}:`, ...lines);

describe('user-managed service accounts in the manifest', () => {
  it('an account outside the elastic namespace with roles: roles sorted and distinct, enabled only where declared, tokens as usual', async () => {
    const result = await loadText(account('team/ingest', '        roles: [logs-writer, audit, logs-writer]', '        tokens:', '          - name: t1'));
    expect(result.diagnostics).toEqual([]);
    const desired = result.desired!.clusters[0]!.serviceAccounts[0]!;
    // enabled left out: not declared (a new account is created enabled, an existing one keeps its flag)
    expect(desired.userManaged).toEqual({ roles: ['audit', 'logs-writer'] });
    expect(desired.tokens.map((t) => t.name)).toEqual(['t1']);
  });

  it('a declared description is kept as written, "" included (issue 22)', async () => {
    for (const [yaml, description] of [['description: Ships logs', 'Ships logs'], ['description: ""', '']] as const) {
      const result = await loadText(account('team/idle', '        roles: []', `        ${yaml}`));
      expect(result.diagnostics).toEqual([]);
      expect(result.desired!.clusters[0]!.serviceAccounts[0]!.userManaged).toEqual({ roles: [], description });
    }
  });

  it('roles: [] is valid and enabled: false is kept', async () => {
    const result = await loadText(account('team/idle', '        roles: []', '        enabled: false'));
    expect(result.diagnostics).toEqual([]);
    expect(result.desired!.clusters[0]!.serviceAccounts[0]!.userManaged).toEqual({ roles: [], isEnabled: false });
  });

  it('built-in accounts have no spec, and no unknown-account warning is given for user-managed ones', async () => {
    const result = await loadText(account('elastic/kibana', '        tokens: [{ name: k }]'));
    expect(result.desired!.clusters[0]!.serviceAccounts[0]!.userManaged).toBeUndefined();
  });

  it.each([
    ['roles missing', account('team/ingest', '        tokens: [{ name: t }]'), 'ESCRED_USER_MANAGED_ROLES', 10, 7,
      'team/ingest is a user-managed service account (its namespace is not elastic): declare its roles, e.g. roles: [logs-writer] (roles: [] grants nothing)'],
    ['file tokens', account('team/ingest', '        roles: []', '        fileTokens: [{ name: f, nodes: ["*"] }]'), 'ESCRED_USER_MANAGED_FILE_TOKENS', 12, 9,
      'team/ingest is a user-managed service account: Elasticsearch never authenticates file tokens for it; declare index tokens (tokens:) instead'],
    ['roles on a built-in', account('elastic/kibana', '        roles: [x]'), 'ESCRED_BUILT_IN_ACCOUNT_SPEC', 11, 9,
      'roles is for user-managed service accounts; built-in elastic/kibana has fixed privileges and is always enabled'],
    ['a description on a built-in', account('elastic/kibana', '        description: x'), 'ESCRED_BUILT_IN_ACCOUNT_SPEC', 11, 9,
      'description is for user-managed service accounts; built-in elastic/kibana has fixed privileges and is always enabled'],
    ['a description over 1000 characters', account('team/ingest', '        roles: []', `        description: ${'d'.repeat(1001)}`), 'ESCRED_USER_MANAGED_DESCRIPTION', 12, 22,
      'a service account description may not be more than 1000 characters long, but [1001] were given'],
    ['the reserved namespace in another case', account('ELASTIC/foo', '        tokens: [{ name: t }]'), 'ESCRED_INVALID_PRINCIPAL', 10, 7,
      'the [elastic] namespace is reserved for built-in service accounts: write elastic/foo in lower case'],
    ['a namespace Elasticsearch rejects', account('my*team/ingest', '        roles: []'), 'ESCRED_INVALID_PRINCIPAL', 10, 7,
      'service account namespace [my*team] must begin with a letter or digit and may contain only letters, digits, hyphens (-) and underscores (_)'],
    ['a role name with a leading space', account('team/ingest', '        roles: [" x"]'), 'ESCRED_SCHEMA', 11, 17,
      'clusters[0].serviceAccounts["team/ingest"].roles[0]: must be a role name: 1-507 printable ASCII characters, no leading or trailing space (Elasticsearch\'s rule)'],
  ])('%s is an error at file:line:col', async (_, text, code, line, col, message) => {
    const result = await loadText(text);
    expect(result.desired).toBeNull();
    expect(result.diagnostics.map((d) => ({ code: d.code, line: d.line, col: d.col, message: d.message }))).toEqual([{ code, line, col, message }]);
  });

  it('account ownership: prune: owned without owns is an error; patterns are kept', async () => {
    const bad = await loadText(yamlLines(...HEAD, ...CLUSTER, '    userManagedAccounts:', '      prune: owned'));
    expect(bad.diagnostics.map((d) => [d.code, d.line, d.col])).toEqual([['ESCRED_PRUNE_WITHOUT_OWNS', 10, 14]]);
    const good = await loadText(yamlLines(...HEAD, ...CLUSTER, '    userManagedAccounts: { prune: owned, owns: "team/*", protect: [team/keep] }'));
    expect(good.desired!.clusters[0]!.userManagedAccounts).toEqual({ prune: 'owned', owns: ['team/*'], protect: ['team/keep'] });
  });

  it('a userManagedAccounts.owns pattern that can match the kibana namespace is a warning at the pattern (issue 22)', async () => {
    const result = await loadText(yamlLines(...HEAD, ...CLUSTER, '    userManagedAccounts:', '      owns: [team/*, "*"]'));
    expect(result.desired).not.toBeNull();
    expect(result.diagnostics.map((d) => ({ severity: d.severity, code: d.code, line: d.line, col: d.col, message: d.message }))).toEqual([{
      severity: 'warning', code: 'ESCRED_OWNS_KIBANA_ACCOUNTS', line: 10, col: 22,
      message: "owns '*' can match Kibana's own accounts (namespace kibana): Kibana creates them on its Service accounts page and keeps their " +
        'credentials itself; escred never deletes one Kibana created or last changed unless owns names it without a wildcard' }]);
    const scalar = await loadText(yamlLines(...HEAD, ...CLUSTER, '    userManagedAccounts: { owns: "kibana/*" }'));
    expect(scalar.diagnostics.map((d) => d.code)).toEqual(['ESCRED_OWNS_KIBANA_ACCOUNTS']);
  });
});
