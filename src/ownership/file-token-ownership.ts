/**
 * Which `service_tokens` keys escred owns for one cluster: the same rule as the file-token drift
 * plan (src/plan/plan-account-file-tokens.ts), so that the file never loses a line the plan did
 * not announce. A key is owned when its account is in the manifest and the token is declared, or
 * when deletionVerdict (src/ownership/deletion-verdict.ts, the planner's and the write gate's one
 * rule) allows removing it.
 */
import type { DesiredAccount, DesiredCluster } from '../model.js';
import { deletionVerdict } from './deletion-verdict.js';

export function fileTokenKey(principal: string, tokenName: string): string {
  return `${principal}/${tokenName}`;
}

/** Splits `ns/svc/name` into principal and name; null when the key has not three parts. */
export function splitFileTokenKey(key: string): { principal: string; tokenName: string } | null {
  const parts = key.split('/');
  if (parts.length !== 3) return null;
  return { principal: `${parts[0]}/${parts[1]}`, tokenName: parts[2] ?? '' };
}

export function isOwnedByAccount(account: DesiredAccount, tokenName: string): boolean {
  // `account` is realised (see realise-file-tokens.ts): the generations to keep are declared here;
  // a retired generation is removed only through the general rule below, as any other line
  if (account.fileTokens.some((token) => token.name === tokenName)) return true;
  return deletionVerdict(account, tokenName).kind === 'allowed';
}

export function ownedFileTokenKeys(cluster: Pick<DesiredCluster, 'serviceAccounts'>): (key: string) => boolean {
  const accounts = new Map(cluster.serviceAccounts.map((account) => [account.principal, account]));
  return (key) => {
    const parts = splitFileTokenKey(key);
    const account = parts ? accounts.get(parts.principal) : undefined;
    return account !== undefined && parts !== null && isOwnedByAccount(account, parts.tokenName);
  };
}
