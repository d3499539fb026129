/**
 * REST authentication (spec section 7): Basic users, ApiKey, and Bearer service-account tokens
 * (file store of the coordinating node first, then the index store). Pure apart from hashing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { decodeBearer } from '../file-tokens/bearer.js';
import { verifyServiceTokenHashAsync } from '../file-tokens/hasher.js';
import { unauthorized, type EsHttpError } from './es-errors.js';
import { isPasswordOf, type UserRecord } from './security/native-users.js';
import type { RecordStore } from './security/record-store.js';
import { isValidPrincipal, type StoredAccount } from './security/user-managed-accounts.js';
import type { IndexTokenStore } from './index-token-store.js';
import type { NodeFileTokens } from './node-file-tokens.js';
import type { AccessTokens } from './security/access-tokens.js';
import type { VersionProfile } from './version-profile.js';

/** Who can authenticate with Basic credentials (and own API keys). */
export interface UserLookup {
  get(username: string): UserRecord | undefined;
}

export interface ApiKeyRecord {
  id: string;
  name: string;
  /** sha256 hex of the key; the key itself is not kept */
  keyDigest: string;
  owner: string;
}

export type Principal =
  | { kind: 'user'; user: UserRecord }
  | { kind: 'api_key'; apiKey: ApiKeyRecord; user: UserRecord }
  | {
      kind: 'service_account';
      principal: string;
      tokenName: string;
      source: 'file' | 'index';
      /** set for a user-managed account (9.6+): its roles, resolved through the role stores at each request */
      userManagedRoles?: string[];
      /** set when the request came with an OAuth2 access token granted for this account */
      isAccessToken?: boolean;
    };

export interface AuthContext {
  profile: VersionProfile;
  users: UserLookup;
  apiKeys: ReadonlyMap<string, ApiKeyRecord>;
  /** the node handling the request; undefined when every node is failing */
  coordinatingFileTokens(): NodeFileTokens | undefined;
  indexStore: IndexTokenStore;
  /** 9.6+: user-managed service accounts, read by realtime GET at each authentication */
  userManagedAccounts: RecordStore<StoredAccount>;
  /** 7.13-7.15 multi-node on plain HTTP (spec section 9) */
  isTlsCheckFailing: boolean;
  /** successful (store, token, secret digest) verifications, as ES's per-store caches */
  verifiedCache: Set<string>;
  /** OAuth2 access tokens granted by POST /_security/oauth2/token */
  accessTokens: AccessTokens<Principal>;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function isSameSecret(a: string, b: string): boolean {
  const left = Buffer.from(sha256(a), 'hex');
  const right = Buffer.from(sha256(b), 'hex');
  return timingSafeEqual(left, right);
}

export async function authenticate(authorization: string | undefined, requestUri: string, ctx: AuthContext): Promise<Principal> {
  const [scheme = '', ...rest] = (authorization ?? '').trim().split(/\s+/);
  const credentials = rest.join(' ');
  switch (scheme.toLowerCase()) {
    case 'basic':
      return authenticateBasic(credentials, requestUri, ctx);
    case 'apikey':
      return authenticateApiKey(credentials, ctx);
    case 'bearer':
      return authenticateBearer(credentials, ctx);
    default:
      throw unauthorized(`missing authentication credentials for REST request [${requestUri}]`);
  }
}

function authenticateBasic(credentials: string, requestUri: string, ctx: AuthContext): Principal {
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const username = colon < 0 ? decoded : decoded.slice(0, colon);
  const user = ctx.users.get(username);
  // A disabled native user fails like a wrong password (NativeRealm: "User [x] is disabled" stays in the log).
  if (colon < 0 || !user || !user.enabled || !isPasswordOf(decoded.slice(colon + 1), user.passwordHash)) {
    throw unauthorized(`unable to authenticate user [${username}] for REST request [${requestUri}]`);
  }
  return { kind: 'user', user };
}

/** [unsure] exact wording for bad API keys and non-service bearer tokens; ES adds more detail. */
const GENERIC_FAILURE = 'unable to authenticate with provided credentials and anonymous access is not allowed for this request';

function authenticateApiKey(credentials: string, ctx: AuthContext): Principal {
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const apiKey = colon < 0 ? undefined : ctx.apiKeys.get(decoded.slice(0, colon));
  const user = apiKey ? ctx.users.get(apiKey.owner) : undefined;
  if (!apiKey || !user || !isSameSecret(sha256(decoded.slice(colon + 1)), apiKey.keyDigest)) throw unauthorized(GENERIC_FAILURE);
  return { kind: 'api_key', apiKey, user };
}

async function authenticateBearer(value: string, ctx: AuthContext): Promise<Principal> {
  const granted = ctx.accessTokens.lookup(value);
  // [unsure] the reasons of an expired or invalidated access token: ES says "token expired" for both
  if (granted === 'expired' || granted === 'invalidated') throw unauthorized('token expired');
  if (granted !== 'unknown') return granted;
  const token = decodeBearer(value);
  if (!token) throw unauthorized(GENERIC_FAILURE);
  const principal = `${token.namespace}/${token.service}`;
  const failed = (): EsHttpError => unauthorized(`failed to authenticate service account [${principal}] with token name [${token.tokenName}]`);
  if (ctx.isTlsCheckFailing) {
    // [inferred] the TLS failure goes through the failure handler: 401 with the TLS message as cause.
    throw unauthorized('error attempting to authenticate request', {
      type: 'exception',
      reason: '[service account authentication] requires TLS for the HTTP interface',
    });
  }
  if (token.secret.length < 10) throw failed();
  // ServiceAccountService [code]: namespace exactly `elastic` -> built-in path; otherwise (9.6+) a user-managed account.
  if (token.namespace !== 'elastic') {
    if (!ctx.profile.hasUserManagedAccounts) throw failed();
    return authenticateUserManaged(principal, token.tokenName, token.secret, ctx, failed);
  }
  if (!ctx.profile.accounts.includes(principal)) throw failed();
  const qualified = `${principal}/${token.tokenName}`;
  const fileHash = ctx.coordinatingFileTokens()?.get(qualified);
  if (fileHash !== undefined && (await isVerified('file', qualified, token.secret, fileHash, ctx))) {
    return { kind: 'service_account', principal, tokenName: token.tokenName, source: 'file' };
  }
  const indexToken = ctx.indexStore.get(principal, token.tokenName);
  if (indexToken && (await isVerified('index', qualified, token.secret, indexToken.hash, ctx))) {
    return { kind: 'service_account', principal, tokenName: token.tokenName, source: 'index' };
  }
  throw failed();
}

/**
 * A user-managed account: the account must exist (realtime GET), pass validation (`ELASTIC/x` does not)
 * and be enabled; then only the index store is consulted: file tokens never authenticate it [code].
 */
async function authenticateUserManaged(principal: string, tokenName: string, secret: string, ctx: AuthContext, failed: () => EsHttpError): Promise<Principal> {
  const account = ctx.userManagedAccounts.get(principal);
  if (!account || !account.enabled || !isValidPrincipal(principal)) throw failed();
  const indexToken = ctx.indexStore.get(principal, tokenName);
  if (!indexToken || !(await isVerified('index', `${principal}/${tokenName}`, secret, indexToken.hash, ctx))) throw failed();
  return { kind: 'service_account', principal, tokenName, source: 'index', userManagedRoles: [...account.roles] };
}

async function isVerified(store: string, qualified: string, secret: string, hash: string, ctx: AuthContext): Promise<boolean> {
  const cacheKey = `${store}|${qualified}|${sha256(hash)}|${sha256(secret)}`;
  if (ctx.verifiedCache.has(cacheKey)) return true;
  const isValid = await verifyServiceTokenHashAsync(secret, hash);
  if (isValid) ctx.verifiedCache.add(cacheKey);
  return isValid;
}
