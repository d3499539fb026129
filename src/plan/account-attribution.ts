/**
 * Who last wrote a user-managed account, as the cluster records it (Elasticsearch: `editor`/`edited_at`, else
 * `creator`/`created_at`), for drift reports: "changed by alice (native) at <time>", or "by escred" when the
 * author is escred's own credentials (issue 22). Pure: the time is the cluster's, formatted, never a clock.
 */
import type { AccountAuthor, CredentialIdentity, ObservedUserManagedAccount } from '../model.js';

export interface AccountChangedBy {
  principal: string;
  realm: string;
  realmType: string;
  apiKey?: { id: string; name?: string };
  /** epoch ms of the write, when recorded */
  atMs?: number;
  /** true when no one has replaced the account since its creation: the author is its creator */
  isCreation: boolean;
  /** the author is escred's own credentials */
  isEscred: boolean;
}

/** An edit through escred's API key names the key; otherwise the same user from the same realm, not through a key. */
export function isEscredAuthor(author: AccountAuthor, self: CredentialIdentity | null | undefined): boolean {
  if (!self) return false;
  if (self.apiKeyId !== undefined) return author.apiKey?.id === self.apiKeyId;
  return !author.apiKey && author.principal === self.principal && author.realm === self.realm;
}

export function lastChangeOf(account: ObservedUserManagedAccount, self: CredentialIdentity | null | undefined): AccountChangedBy | undefined {
  const author = account.editor ?? account.creator;
  if (!author) return undefined;
  const atMs = account.editor ? account.editedAt : account.createdAt;
  return {
    principal: author.principal, realm: author.realm, realmType: author.realmType,
    ...(author.apiKey ? { apiKey: author.apiKey } : {}), ...(atMs === undefined ? {} : { atMs }),
    isCreation: !account.editor, isEscred: isEscredAuthor(author, self),
  };
}

/** `changed by alice (native) at 2026-12-07T10:00:00.000Z`, `created by kibana/app (service account, API key ci)`, `changed by escred`. */
export function describeChangedBy(changedBy: AccountChangedBy): string {
  const verb = changedBy.isCreation ? 'created' : 'changed';
  const realm = changedBy.realmType === '_service_account' ? 'service account' : changedBy.realmType;
  const key = changedBy.apiKey ? `, API key ${changedBy.apiKey.name ?? changedBy.apiKey.id}` : '';
  const who = changedBy.isEscred ? 'escred' : `${changedBy.principal} (${realm}${key})`;
  const at = changedBy.atMs === undefined ? '' : ` at ${new Date(changedBy.atMs).toISOString()}`;
  return `${verb} by ${who}${at}`;
}
