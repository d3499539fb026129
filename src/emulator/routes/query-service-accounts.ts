/**
 * GET|POST /_security/_query/service (RestQueryServiceAccountAction.java@187391d1 [code], PR #159406): user-managed
 * accounts only (built-ins live outside the security index), from/size/sort/search_after, `_sort` on each hit
 * when sorted, the attribution fields on every hit (23_user_managed_attribution.yml@31080cc5 [test]).
 * In the 9.6 profile; [unsure] whether it shipped in 9.6 or later (spec section 0).
 */
import { illegalArgument } from '../es-errors.js';
import { ACTIONS } from '../privileges.js';
import type { RequestContext } from '../request-context.js';
import type { Reply, Route } from '../router.js';
import { compareValues, parseSort, sortValue, toPredicate, type SortKey, type SortValue } from '../security/account-query.js';
import { readJsonObject, validationFailed, type JsonObject } from '../security/json-body.js';
import { accountView, type StoredAccount } from '../security/user-managed-accounts.js';
import { USER_MANAGED_CAPABILITY } from './user-managed-accounts.js';

/** index.max_result_window of the security index (Elasticsearch's default). */
const MAX_RESULT_WINDOW = 10_000;

function compare(a: StoredAccount, b: StoredAccount, keys: SortKey[]): number {
  for (const key of keys) {
    const order = compareValues(sortValue(a, key.field), sortValue(b, key.field), key.isDescending);
    if (order !== 0) return order;
  }
  return 0;
}

/** Strictly after the `search_after` values in the sort's order. */
function isAfter(account: StoredAccount, keys: SortKey[], after: unknown[]): boolean {
  for (const [i, key] of keys.entries()) {
    const order = compareValues(sortValue(account, key.field), (after[i] ?? null) as SortValue, key.isDescending);
    if (order !== 0) return order > 0;
  }
  return false;
}

function pageNumber(body: JsonObject, field: 'from' | 'size', fallback: number): number {
  const value = body[field] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw validationFailed([`[${field}] parameter cannot be negative but was [${String(value)}]`]);
  }
  return value;
}

function parseSearchAfter(body: JsonObject, sort: SortKey[]): unknown[] | undefined {
  if (body.search_after === undefined) return undefined;
  // [inferred] the search layer's own checks, as SearchAfterBuilder words them
  if (!Array.isArray(body.search_after)) throw illegalArgument('[search_after] must be an array of sort values');
  if (body.search_after.length !== sort.length) {
    throw illegalArgument(`search_after has ${body.search_after.length} value(s) but sort has ${sort.length}.`);
  }
  return body.search_after;
}

async function queryAccounts(ctx: RequestContext): Promise<Reply> {
  const body = ctx.readBody().length > 0 ? readJsonObject(ctx) : {};
  ctx.checkParams();
  const matches = toPredicate(body.query);
  const sort = parseSort(body.sort);
  const from = pageNumber(body, 'from', 0);
  const size = pageNumber(body, 'size', 10);
  const after = parseSearchAfter(body, sort);
  if (from + size > MAX_RESULT_WINDOW) {
    // [unsure] ES wraps this in a search_phase_execution_exception; the reason is the search layer's
    throw illegalArgument(`Result window is too large, from + size must be less than or equal to: [${MAX_RESULT_WINDOW}] but was [${from + size}].`);
  }
  ctx.authorize(ACTIONS.queryAccounts);
  // A search: the refreshed view of the security index.
  let hits = ctx.state.userManagedAccounts.search().map(([, account]) => account).filter(matches);
  if (sort.length > 0) hits.sort((a, b) => compare(a, b, sort));
  const total = hits.length;
  if (after) hits = hits.filter((account) => isAfter(account, sort, after));
  const page = hits.slice(from, from + size).map((account) => ({
    username: account.username,
    ...accountView(account),
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
