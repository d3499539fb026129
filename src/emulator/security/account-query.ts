/**
 * The query DSL subset of GET|POST /_security/_query/service (user-managed-service-accounts.md 1.4,
 * 22_user_managed_query.yml@187391d1 and 23_user_managed_attribution.yml@31080cc5 [test],
 * ServiceAccountBoolQueryBuilderTests [test]; docs/user-managed-accounts-es-main.md): an allowlist of fields and
 * of query types, as the API-key query does it. Pure: a query becomes a predicate over accounts.
 */
import { illegalArgument } from '../es-errors.js';
import { accountView, type StoredAccount } from './user-managed-accounts.js';

export type AccountPredicate = (account: StoredAccount) => boolean;
type Json = Record<string, unknown>;
export type SortValue = string | number | boolean | null;

const AUTHOR_FIELDS = ['principal', 'full_name', 'email', 'realm', 'realm_type', 'api_key.id', 'api_key.name'];
/** Query-level names; `<author>.realm_domain` is the domain's name (the index-level `.realm_domain.name` is refused). */
const FIELDS = [
  'username', 'roles', 'enabled', 'description', 'created_at', 'edited_at',
  ...['creator', 'editor'].flatMap((author) => [...AUTHOR_FIELDS, 'realm_domain'].map((field) => `${author}.${field}`)),
];
/** [inferred] the query types the API-key query allows; regexp, query_string, fuzzy, script and others are refused. */
const SUPPORTED = ['match_all', 'bool', 'term', 'terms', 'prefix', 'wildcard', 'exists', 'match', 'range'];

export function checkField(field: string): void {
  if (field.includes('*')) throw illegalArgument(`Field name pattern [${field}] is not allowed for querying or aggregation`);
  if (!FIELDS.includes(field)) throw illegalArgument(`Field [${field}] is not allowed for querying or aggregation`);
}

/** The values an account has for a field, as the response reports them; none for an absent field. */
function valuesOf(account: StoredAccount, field: string): Array<string | number | boolean> {
  let value: unknown = { username: account.username, ...accountView(account) };
  for (const part of field.split('.')) value = typeof value === 'object' && value !== null ? (value as Json)[part] : undefined;
  if (value === undefined || value === null || typeof value === 'object' && !Array.isArray(value)) return [];
  return (Array.isArray(value) ? value : [value]) as Array<string | number | boolean>;
}

function singleField(body: unknown): [string, unknown] {
  const entries = Object.entries((body ?? {}) as Json);
  const [entry] = entries;
  if (!entry || entries.length !== 1) throw illegalArgument('a field query names exactly one field');
  checkField(entry[0]);
  return entry;
}

/** `{"term": {"f": v}}`, `{"term": {"f": {"value": v}}}`, `{"match": {"f": {"query": v}}}`: compared as text. */
function termValue(raw: unknown): string {
  if (typeof raw === 'object' && raw !== null) return String((raw as Json).value ?? (raw as Json).query);
  return String(raw);
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

function rangePredicate(field: string, bounds: Json): AccountPredicate {
  // numbers (created_at, edited_at) and keywords alike compare with < and >
  const checks: Array<(value: number) => boolean> = [];
  for (const [op, raw] of Object.entries(bounds)) {
    const bound = raw as number;
    if (op === 'gt') checks.push((v) => v > bound);
    else if (op === 'gte') checks.push((v) => v >= bound);
    else if (op === 'lt') checks.push((v) => v < bound);
    else if (op === 'lte') checks.push((v) => v <= bound);
  }
  return (account) => valuesOf(account, field).some((value) => checks.every((check) => check(value as number)));
}

export function toPredicate(query: unknown): AccountPredicate {
  if (query === undefined || query === null) return () => true;
  const entries = Object.entries(query as Json);
  const [entry] = entries;
  if (!entry || entries.length !== 1) throw illegalArgument('a query names exactly one query type');
  const [type, body] = entry;
  if (!SUPPORTED.includes(type)) throw illegalArgument(`Query type [${type}] is not currently supported in this context`);
  if (type === 'match_all') return () => true;
  if (type === 'bool') return boolPredicate(body as Json);
  if (type === 'exists') {
    const field = String((body as Json).field);
    checkField(field);
    return (account) => valuesOf(account, field).length > 0;
  }
  const [field, raw] = singleField(body);
  switch (type) {
    case 'terms': {
      if (!Array.isArray(raw)) throw illegalArgument('terms query with terms lookup is not currently supported in this context');
      const wanted = raw.map(String);
      return (account) => valuesOf(account, field).some((value) => wanted.includes(String(value)));
    }
    case 'range':
      return rangePredicate(field, raw as Json);
    case 'prefix':
      return (account) => valuesOf(account, field).some((value) => String(value).startsWith(termValue(raw)));
    case 'wildcard':
      return (account) => valuesOf(account, field).some((value) => wildcardRegex(termValue(raw)).test(String(value)));
    default:
      // term, and match on these keyword fields
      return (account) => valuesOf(account, field).some((value) => String(value) === termValue(raw));
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

/** The first value of the field (a multi-valued field sorts on its minimum [unsure]); null when absent. */
export function sortValue(account: StoredAccount, field: string): SortValue {
  const values = [...valuesOf(account, field)].sort();
  return values[0] ?? null;
}

/** Ascending order of one key; an absent value sorts last in either direction (ES's `missing: _last`). */
export function compareValues(left: SortValue, right: SortValue, isDescending: boolean): number {
  if (left === right) return 0;
  if (left === null) return 1;
  if (right === null) return -1;
  const order = left < right ? -1 : 1;
  return isDescending ? -order : order;
}
