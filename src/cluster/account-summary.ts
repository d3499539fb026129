import type { AccountAuthor, ObservedUserManagedAccount } from '../model.js';
import { isRecord } from './elasticsearch-error.js';

/** What one service account may do, from its role descriptor (GET /_security/service, spec §1.1 and §5). */
export interface AccountSummary {
  principal: string;
  /** built-in (elastic/*, fixed role descriptor) or user-managed (Elasticsearch 9.6+: roles, enabled) */
  type: 'built_in' | 'user_managed';
  /** user-managed only: the account's roles (its privileges are theirs) and whether its tokens work */
  roles?: string[];
  isEnabled?: boolean;
  /** user-managed only, where the cluster has them (issue 22): the description and who wrote the account, when (epoch ms) */
  description?: string;
  creator?: AccountAuthor;
  createdAt?: number;
  editor?: AccountAuthor;
  editedAt?: number;
  /** the manifest declares this account for the cluster */
  isDeclared: boolean;
  cluster: string[];
  indices: { names: string[]; privileges: string[]; allowRestrictedIndices: boolean }[];
  applications: { application: string; privileges: string[]; resources: string[] }[];
  runAs: string[];
}

export interface ClusterAccounts {
  cluster: string;
  clusterName: string;
  version: string;
  accounts: AccountSummary[];
}

/**
 * Summaries sorted by principal. The descriptor is treated as opaque data (its fields vary by
 * version, spec §1.1): unknown fields are ignored, missing ones read as empty.
 */
export function summarizeAccounts(accounts: Record<string, { role_descriptor: unknown }>, declared: ReadonlySet<string>): AccountSummary[] {
  return Object.keys(accounts).sort().map((principal) => {
    const descriptor = isRecord(accounts[principal]) ? accounts[principal].role_descriptor : undefined;
    const role = isRecord(descriptor) ? descriptor : {};
    return {
      principal,
      type: 'built_in' as const,
      isDeclared: declared.has(principal),
      cluster: strings(role.cluster),
      indices: records(role.indices).map((group) => ({
        names: strings(group.names),
        privileges: strings(group.privileges),
        allowRestrictedIndices: group.allow_restricted_indices === true,
      })),
      applications: records(role.applications).map((app) => ({
        application: typeof app.application === 'string' ? app.application : '',
        privileges: strings(app.privileges),
        resources: strings(app.resources),
      })),
      runAs: strings(role.run_as),
    };
  });
}

/** User-managed accounts have roles instead of a role descriptor: what they may do is those roles' business. */
export function summarizeUserManaged(accounts: readonly ObservedUserManagedAccount[], declared: ReadonlySet<string>): AccountSummary[] {
  return accounts.map((account) => ({
    principal: account.principal, type: 'user_managed' as const, roles: account.roles, isEnabled: account.isEnabled,
    ...(account.description === undefined ? {} : { description: account.description }),
    ...(account.creator ? { creator: account.creator } : {}), ...(account.createdAt === undefined ? {} : { createdAt: account.createdAt }),
    ...(account.editor ? { editor: account.editor } : {}), ...(account.editedAt === undefined ? {} : { editedAt: account.editedAt }),
    isDeclared: declared.has(account.principal), cluster: [], indices: [], applications: [], runAs: [],
  }));
}

/** Plain text, one block per cluster; indented for a terminal, no colour needed. */
export function renderAccounts(clusters: readonly ClusterAccounts[]): string {
  const lines: string[] = [];
  for (const cluster of clusters) {
    if (lines.length > 0) lines.push('');
    lines.push(`cluster ${cluster.cluster} (${cluster.clusterName}, Elasticsearch ${cluster.version}): ${plural(cluster.accounts.length, 'service account')}`);
    for (const account of cluster.accounts) lines.push(...renderAccount(account));
  }
  return lines.join('\n');
}

function renderAccount(account: AccountSummary): string[] {
  if (account.type === 'user_managed') {
    const state = `user-managed, ${account.isEnabled ? 'enabled' : 'disabled'}${account.isDeclared ? ', in the manifest' : ''}`;
    return [`  ${account.principal}  (${state})`, `    roles: ${list(account.roles ?? [])}`,
      ...(account.description === undefined ? [] : [`    description: ${JSON.stringify(account.description)}`]), ...attributionLines(account)];
  }
  const lines = [`  ${account.principal}${account.isDeclared ? '  (in the manifest)' : ''}`];
  lines.push(`    cluster: ${list(account.cluster)}`);
  if (account.indices.length === 0) lines.push('    indices: none');
  for (const group of account.indices) {
    const restricted = group.allowRestrictedIndices ? ' (restricted indices too)' : '';
    lines.push(`    indices ${group.names.join(', ')}: ${list(group.privileges)}${restricted}`);
  }
  for (const app of account.applications) {
    lines.push(`    application ${app.application}: ${list(app.privileges)} on ${list(app.resources)}`);
  }
  if (account.runAs.length > 0) lines.push(`    run as: ${account.runAs.join(', ')}`);
  return lines;
}

/** `created by alice (native) at <ISO time>`, then `changed by ...` when the account was replaced since. */
export function attributionLines(account: Pick<AccountSummary, 'creator' | 'createdAt' | 'editor' | 'editedAt'>, indent = '    '): string[] {
  const line = (verb: string, author: AccountAuthor | undefined, atMs: number | undefined) => {
    if (!author) return [];
    const key = author.apiKey ? `, API key ${author.apiKey.name ?? author.apiKey.id}` : '';
    const at = atMs === undefined ? '' : ` at ${new Date(atMs).toISOString()}`;
    return [`${indent}${verb} by ${author.principal} (${author.realmType}${key})${at}`];
  };
  return [...line('created', account.creator, account.createdAt), ...line('changed', account.editor, account.editedAt)];
}

function list(values: readonly string[]): string {
  return values.length === 0 ? 'none' : values.join(', ');
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}
