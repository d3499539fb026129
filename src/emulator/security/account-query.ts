/**
 * The query DSL subset of GET|POST /_security/_query/service (user-managed-service-accounts.md 1.4,
 * 22_user_managed_query.yml@187391d1 [test]): an allowlist of fields (username, roles, enabled) and of
 * query types, as the API-key query does it. Pure: a query becomes a predicate over accounts.
 */
import { illegalArgument } from '../es-errors.js';
import type { StoredAccount } from './user-managed-accounts.js';

export type AccountPredicate = (account: StoredAccount) => boolean;
type Json = Record<string, unknown>;

const FIELDS = ['username', 'roles', 'enabled'];
/** [inferred] the query types the API-key query allows; regexp and others are refused. */
const QUERY_TYPES = ['match_all', 'bool', 'term', 'terms', 'prefix', 'wildcard', 'exists', 'ids', 'match', 'range', 'simple_query_string'];
const SUPPORTED_HERE = ['match_all', 'bool', 'term', 'terms', 'prefix', 'wildcard', 'exists', 'match'];

export function checkField(field: string): void {
  if (!FIELDS.includes(field)) throw illegalArgument(`Field [${field}] is not allowed for querying or aggregation`);
}

function valuesOf(account: StoredAccount, field: string): string[] {
  if (field === 'username') return [account.username];
  if (field === 'roles') return account.roles;
  return [String(account.enabled)];
}

function singleField(body: unknown): [string, unknown] {
  const entries = Object.entries((body ?? {}) as Json);
  const [entry] = entries;
  if (!entry || entries.length !== 1) throw illegalArgument('a field query names exactly one field');
  checkField(entry[0]);
  return entry;
}

/** `{"term": {"f": v}}` and `{"term": {"f": {"value": v}}}`. */
function termValue(raw: unknown): string {
  const value = typeof raw === 'object' && raw !== null && 'value' in raw ? (raw as Json).value : raw;
  return String(value);
}

function wildcardRegex(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&').replace(/\\\?/g, '.')).join('.*')}$`);
}

function boolPredicate(body: Json): AccountPredicate {
  const clauses = (key: string): AccountPredicate[] => {
    const value = body[key];
    if (value === undefined) return [];
    return (Array.isArray(value) ? value : [value]).map((clause) => toPredicate(clause));
  };
  const required = [...clauses('must'), ...clauses('filter')];
  const excluded = clauses('must_not');
  const optional = clauses('should');
  return (account) =>
    required.every((p) => p(account)) &&
    !excluded.some((p) => p(account)) &&
    (optional.length === 0 || required.length > 0 || optional.some((p) => p(account)));
}

export function toPredicate(query: unknown): AccountPredicate {
  if (query === undefined || query === null) return () => true;
  const entries = Object.entries(query as Json);
  const [entry] = entries;
  if (!entry || entries.length !== 1) throw illegalArgument('a query names exactly one query type');
  const [type, body] = entry;
  if (!QUERY_TYPES.includes(type) || !SUPPORTED_HERE.includes(type)) {
    throw illegalArgument(`Query type [${type}] is not currently supported in this context`);
  }
  if (type === 'match_all') return () => true;
  if (type === 'bool') return boolPredicate(body as Json);
  if (type === 'exists') {
    checkField(String((body as Json).field));
    return () => true;
  }
  const [field, raw] = singleField(body);
  switch (type) {
    case 'terms': {
      const wanted = (Array.isArray(raw) ? raw : []).map(String);
      return (account) => valuesOf(account, field).some((value) => wanted.includes(value));
    }
    case 'prefix':
      return (account) => valuesOf(account, field).some((value) => value.startsWith(termValue(raw)));
    case 'wildcard':
      return (account) => valuesOf(account, field).some((value) => wildcardRegex(termValue(raw)).test(value));
    default:
      // term, and match on these keyword fields
      return (account) => valuesOf(account, field).includes(termValue(typeof raw === 'object' && raw !== null && 'query' in raw ? (raw as Json).query : raw));
  }
}

export interface SortKey {
  field: string;
  isDescending: boolean;
}

export function parseSort(sort: unknown): SortKey[] {
  if (sort === undefined) return [];
  return (Array.isArray(sort) ? sort : [sort]).map((item) => {
    if (typeof item === 'string') {
      checkField(item);
      return { field: item, isDescending: false };
    }
    const [field = '', spec] = Object.entries(item as Json)[0] ?? [];
    checkField(field);
    const order = typeof spec === 'string' ? spec : (spec as Json | undefined)?.order;
    return { field, isDescending: order === 'desc' };
  });
}

export function sortValue(account: StoredAccount, field: string): string | boolean {
  if (field === 'enabled') return account.enabled;
  if (field === 'roles') return account.roles[0] ?? '';
  return account.username;
}
