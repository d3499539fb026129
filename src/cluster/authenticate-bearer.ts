/**
 * GET /_security/_authenticate as a token: the check of verified rotation (issue 23). It goes through
 * the cluster's own connection (same URLs, TLS, timeouts, retries); only the Authorization header is
 * the token's. A 401 is an answer (the value does not authenticate), not an error. The value never
 * appears in what this returns or throws: errors name the call, never its headers.
 */
import type { ClusterCaller } from './es-transport.js';
import { isRecord } from './elasticsearch-error.js';

export const AUTHENTICATE_PATH = '/_security/_authenticate';

export type BearerIdentity =
  /** the value authenticates: as this account, with this token name (absent where the cluster does not say) */
  | { isAuthenticated: true; username: string; tokenName?: string }
  | { isAuthenticated: false; status: number };

export async function authenticateBearer(connection: Pick<ClusterCaller, 'send'>, bearer: string): Promise<BearerIdentity> {
  const response = await connection.send('GET', AUTHENTICATE_PATH, { acceptStatuses: [401], headers: { authorization: `Bearer ${bearer}` } });
  if (response.status === 401) return { isAuthenticated: false, status: 401 };
  const body = isRecord(response.body) ? response.body : {};
  const token = isRecord(body.token) ? body.token : {};
  return {
    isAuthenticated: true,
    username: typeof body.username === 'string' ? body.username : '',
    ...(typeof token.name === 'string' ? { tokenName: token.name } : {}),
  };
}
