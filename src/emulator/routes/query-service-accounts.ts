/**
 * GET|POST /_security/_query/service (RestQueryServiceAccountAction.java@187391d1 [code]): user-managed
 * accounts only (built-ins live outside the security index), from/size/sort/search_after, `_sort` on
 * each hit when sorted. In the 9.6 profile; [unsure] whether it shipped in 9.6 or later (spec section 0).
 */
import { ACTIONS } from '../privileges.js';
import type { RequestContext } from '../request-context.js';
import type { Reply, Route } from '../router.js';
import { parseSort, sortValue, toPredicate, type SortKey } from '../security/account-query.js';
import { readJsonObject, validationFailed, type JsonObject } from '../security/json-body.js';
import type { StoredAccount } from '../security/user-managed-accounts.js';
import { USER_MANAGED_CAPABILITY } from './user-managed-accounts.js';

function compare(a: StoredAccount, b: StoredAccount, keys: SortKey[]): number {
  for (const key of keys) {
    const left = sortValue(a, key.field);
    const right = sortValue(b, key.field);
    if (left === right) continue;
    const order = left < right ? -1 : 1;
    return key.isDescending ? -order : order;
  }
  return 0;
}

function pageNumber(body: JsonObject, field: 'from' | 'size', fallback: number): number {
  const value = body[field] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw validationFailed([`[${field}] parameter cannot be negative but was [${String(value)}]`]);
  }
  return value;
}

async function queryAccounts(ctx: RequestContext): Promise<Reply> {
  const body = ctx.readBody().length > 0 ? readJsonObject(ctx) : {};
  ctx.checkParams();
  const matches = toPredicate(body.query);
  const sort = parseSort(body.sort);
  const from = pageNumber(body, 'from', 0);
  const size = pageNumber(body, 'size', 10);
  ctx.authorize(ACTIONS.queryAccounts);
  // A search: the refreshed view of the security index.
  let hits = ctx.state.userManagedAccounts.search().map(([, account]) => account).filter(matches);
  if (sort.length > 0) hits.sort((a, b) => compare(a, b, sort));
  const total = hits.length;
  if (Array.isArray(body.search_after) && sort.length > 0) {
    const after = body.search_after as unknown[];
    hits = hits.filter((account) => sort.some((key, i) => {
      const value = sortValue(account, key.field);
      return key.isDescending ? value < (after[i] as string) : value > (after[i] as string);
    }));
  }
  const page = hits.slice(from, from + size).map((account) => ({
    username: account.username,
    type: 'user_managed',
    roles: [...account.roles],
    enabled: account.enabled,
    ...(sort.length > 0 ? { _sort: sort.map((key) => sortValue(account, key.field)) } : {}),
  }));
  return { status: 200, body: { total, count: page.length, service_accounts: page } };
}

export const QUERY_SERVICE_ACCOUNT_ROUTES: Route[] = (['GET', 'POST'] as const).map((method) => ({
  method,
  template: '/_security/_query/service',
  handle: queryAccounts,
  params: [],
  capabilities: [USER_MANAGED_CAPABILITY],
}));
