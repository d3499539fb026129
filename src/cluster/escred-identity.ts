/**
 * Who escred's own credentials are on a cluster, so that a drift report can say "by escred" when the last
 * editor of an account is escred itself (issue 22). `_authenticate` is the one answer that holds for every kind
 * of credentials: a Basic username says nothing of its realm, and an API key or a bearer token says nothing of
 * whom it belongs to. Asked once per connection (a watch process asks once per cluster, not once per pass).
 */
import type { CredentialIdentity } from '../model.js';
import type { ClusterConnection } from './cluster-connection.js';
import { ElasticsearchError, isRecord } from './elasticsearch-error.js';

const asked = new WeakMap<ClusterConnection, Promise<CredentialIdentity | null>>();

/** Null when the cluster does not answer it (then no edit is recognised as escred's). */
export function escredIdentity(connection: ClusterConnection): Promise<CredentialIdentity | null> {
  let identity = asked.get(connection);
  if (!identity) {
    identity = askIdentity(connection);
    asked.set(connection, identity);
    // a connection failure is not an answer: the next pass asks again
    identity.catch(() => asked.delete(connection));
  }
  return identity;
}

async function askIdentity(connection: ClusterConnection): Promise<CredentialIdentity | null> {
  try {
    const { body } = await connection.send('GET', '/_security/_authenticate');
    return identityOf(body);
  } catch (error) {
    if (error instanceof ElasticsearchError) return null;
    throw error;
  }
}

/** The effective user (lookup realm, as an account's `editor` records it) and the API key, if any. */
export function identityOf(body: unknown): CredentialIdentity | null {
  if (!isRecord(body) || typeof body.username !== 'string') return null;
  const realmOf = (value: unknown) => (isRecord(value) && typeof value.name === 'string' ? value.name : undefined);
  const realm = realmOf(body.lookup_realm) ?? realmOf(body.authentication_realm) ?? '';
  const apiKeyId = isRecord(body.api_key) && typeof body.api_key.id === 'string' ? body.api_key.id : undefined;
  return { principal: body.username, realm, ...(apiKeyId ? { apiKeyId } : {}) };
}
