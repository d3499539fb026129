/**
 * Listing user-managed accounts through the query API (PR #159406) where the cluster has it, paging with
 * `search_after` on a sort by username so that 10,000 accounts cost 10 calls, not one unbounded body
 * (issue 22); the unpaged `GET /_security/service?type=user_managed` where it does not.
 */
import type { ObservedUserManagedAccount } from '../model.js';
import type { ClusterConnection } from './cluster-connection.js';
import { isRecord } from './elasticsearch-error.js';
import { badResponse } from './es-transport.js';
import { parseAccountEntry } from './user-account-entry.js';
import { getUserManagedAccounts, hasCapability } from './user-account-calls.js';

const QUERY_ROUTE = '/_security/_query/service';
/** Accounts per query page: 10,000 accounts cost 10 calls, far under the 10,000 result window. */
export const QUERY_PAGE_SIZE = 1000;

/** The query API (PR #159406) is declared on its own path; a cluster with accounts may predate it. */
export function supportsAccountQuery(connection: ClusterConnection): Promise<boolean> {
  return hasCapability(connection, 'POST', QUERY_ROUTE);
}

/**
 * Every user-managed account through the query API, in pages sorted on username, each page after the last
 * username of the one before (`search_after`): ceil(n / QUERY_PAGE_SIZE) calls, at least one
 * (`total` ends it). GET with a body, so that the transport may retry a page as it retries any read.
 */
export async function queryUserManagedAccounts(connection: ClusterConnection, pageSize = QUERY_PAGE_SIZE): Promise<ObservedUserManagedAccount[]> {
  const accounts: ObservedUserManagedAccount[] = [];
  let after: unknown[] | undefined;
  let seen = 0;
  for (;;) {
    const body = { size: pageSize, sort: ['username'], ...(after ? { search_after: after } : {}) };
    const response = await connection.send('GET', QUERY_ROUTE, { body });
    const page = isRecord(response.body) && Array.isArray(response.body.service_accounts) ? response.body.service_accounts : undefined;
    if (!page) throw badResponse(connection.clusterName, `GET ${QUERY_ROUTE}`, 'no service_accounts list');
    for (const hit of page) {
      if (isRecord(hit) && typeof hit.username === 'string' && hit.type === 'user_managed') accounts.push(parseAccountEntry(hit.username, hit));
    }
    seen += page.length;
    const last = page.at(-1);
    // `total` saves the empty last page when the count is a multiple of the page size
    const total = isRecord(response.body) && typeof response.body.total === 'number' ? response.body.total : undefined;
    if (total === undefined ? page.length < pageSize : seen >= total) return accounts;
    if (page.length < pageSize || !isRecord(last) || !Array.isArray(last._sort)) {
      // an incomplete list would make present accounts look absent, and their create would replace them:
      // e.g. a proxy that drops GET bodies gets the first 10 accounts, unsorted
      throw badResponse(connection.clusterName, `GET ${QUERY_ROUTE}`,
        `${seen} of ${total ?? 'an unknown number of'} accounts came back without the sort values asked for (was the request body dropped on the way?)`);
    }
    after = last._sort;
  }
}

/** Through the query API where the cluster has it, else the one unpaged GET. */
export async function listUserManagedAccounts(connection: ClusterConnection): Promise<ObservedUserManagedAccount[]> {
  return (await supportsAccountQuery(connection)) ? queryUserManagedAccounts(connection) : getUserManagedAccounts(connection);
}
