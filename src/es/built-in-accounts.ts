/**
 * Which built-in service accounts exist in which Elasticsearch version (spec section 5).
 * Role descriptors are version data owned by the emulator; this module only answers "does
 * version X have account Y", which the manifest checks and the planner need too.
 *
 * Where the spec is unsure of the first release we take the later candidate, so that a
 * warning is never missing for a version that may lack the account:
 * kibana 7.15 vs 7.16 -> 7.15 (backport merged 2021-08-13, before the 7.15 branch cut; [unsure]),
 * enterprise-search-server 8.0 vs 8.1 -> 8.1, fleet-server-remote 8.11 vs 8.12 -> 8.12,
 * auto-ops 8.15 vs 8.16 -> 8.16.
 */
export interface VersionRange {
  /** inclusive, e.g. [7, 13] */
  since: readonly [number, number];
  /** exclusive; absent = still present */
  until?: readonly [number, number];
}

export const BUILT_IN_ACCOUNTS: Readonly<Record<string, VersionRange>> = {
  'elastic/fleet-server': { since: [7, 13] },
  'elastic/kibana': { since: [7, 15] },
  'elastic/enterprise-search-server': { since: [8, 1], until: [9, 0] },
  'elastic/fleet-server-remote': { since: [8, 12] },
  'elastic/auto-ops': { since: [8, 16] },
};

export function parseVersion(version: string): [number, number, number] {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  if (!match) throw new Error(`not an Elasticsearch version: ${version}`);
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

function isAtLeast(version: readonly number[], bound: readonly [number, number]): boolean {
  const [major = 0, minor = 0] = version;
  return major !== bound[0] ? major > bound[0] : minor >= bound[1];
}

export function builtInAccountsFor(version: string): string[] {
  const parsed = parseVersion(version);
  return Object.entries(BUILT_IN_ACCOUNTS)
    .filter(([, range]) => isAtLeast(parsed, range.since) && !(range.until && isAtLeast(parsed, range.until)))
    .map(([principal]) => principal)
    .sort();
}

/** Every account any released version has; used when the manifest does not say which version it targets. */
export function allBuiltInAccounts(): string[] {
  return Object.keys(BUILT_IN_ACCOUNTS).sort();
}
