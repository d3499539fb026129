/**
 * Verified rotation (issue 23, after AWS Secrets Manager's testSecret step): the value the sink holds
 * for a token is sent to GET /_security/_authenticate as a bearer, through the cluster's own
 * connection, and must come back as that very token. apply-plan.ts asks it once after each create
 * (the value just stored) and once per rotating token whose older generations are to go (the value
 * stored for the generation that stays): nothing older is deleted unless it passes.
 *
 * No refresh is waited for: Elasticsearch authenticates an index token by a realtime GET of its
 * document (IndexServiceAccountTokenStore#doAuthenticate), so a token created with refresh=false
 * authenticates at once; the emulator does the same (src/emulator/auth.ts).
 */
import { EscredError, errorMessage } from '../errors.js';
import type { PlanAction, TokenKey } from '../plan/plan-types.js';
import type { SecretSink } from '../sinks/secret-sink.js';
import type { GatedClusterApi } from './write-gate.js';

/** The code of a create, or of the deletes it held back, whose stored value did not authenticate. */
export const VERIFY_FAILED_CODE = 'ESCRED_VERIFY_FAILED';

export type Verification =
  /** the stored value authenticates as the token; `note` says when it was the value handed to the sink that was checked */
  | { kind: 'verified'; note?: string }
  /** could not be checked, and that is no fault: a disabled account, a sink that cannot read values back */
  | { kind: 'skipped'; note: string }
  /** the stored value does not authenticate as the token: nothing older may be retired */
  | { kind: 'failed'; reason: string };

/**
 * `given`: the value just handed to the sink (after a create); the sink's stored value is what is
 * checked when the sink can read it back, since a sink may store something else than it was given.
 */
export async function verifyStoredToken(key: TokenKey, api: GatedClusterApi, sink: Pick<SecretSink, 'read'>, given?: string): Promise<Verification> {
  if (api.isAccountDisabled(key.principal)) {
    return { kind: 'skipped', note: `not verified: account ${key.principal} is disabled in the manifest, and a disabled account cannot authenticate` };
  }
  let stored: string | null;
  try {
    stored = await sink.read(key);
  } catch (error) {
    // an exec sink may answer read `unsupported` (docs/exec-sink-protocol.md): it cannot give values back, which is no fault
    if (error instanceof EscredError && error.code === 'ESCRED_SINK_NOT_READABLE') stored = null;
    else return { kind: 'failed', reason: `the secret sink could not give the value of ${key.token} back (${errorMessage(error)})` };
  }
  const value = stored ?? given;
  if (value === undefined) {
    return { kind: 'skipped', note: `not verified: the secret sink does not give values back, so the value stored for ${key.token} cannot be checked` };
  }
  let identity;
  try {
    identity = await api.authenticate(value);
  } catch (error) {
    return { kind: 'failed', reason: `GET /_security/_authenticate as ${key.token} failed: ${errorMessage(error)}` };
  }
  if (!identity.isAuthenticated) {
    return { kind: 'failed', reason: `the value stored for ${key.token} does not authenticate (${identity.status}): ` +
      'the sink holds a wrong value, or changed it, or the token is gone' };
  }
  const isThisToken = identity.username === key.principal && (identity.tokenName === undefined || identity.tokenName === key.token);
  if (!isThisToken) {
    return { kind: 'failed', reason: `the value stored for ${key.token} authenticates as ${identity.username}` +
      `${identity.tokenName ? ` token ${identity.tokenName}` : ''}, not as ${key.principal} token ${key.token}` };
  }
  return stored === null ? { kind: 'verified', note: 'verified with the value handed to the sink (the sink does not give values back)' } : { kind: 'verified' };
}

/** Why deletes wait: said on each held-back delete, naming the token whose value failed. */
export function verificationFailedDetail(keeper: string, reason: string): string {
  return `not deleted: verification of ${keeper} failed (${reason}); older generations are kept until its stored value authenticates`;
}

/** `principal/token` of the generation a retiring delete leaves standing (its rotation's current generation). */
export function keeperOf(action: PlanAction): string | undefined {
  const keeper = action.kind === 'delete' ? action.rotation?.generation : undefined;
  return keeper === undefined ? undefined : `${action.principal}/${keeper}`;
}

/**
 * Each generation that stays while older ones retire, checked once, whatever number of deletes it
 * guards. A keeper that is itself deleted in this plan (rotate --revoke-old, revoke) is not one:
 * the create that replaces it was checked instead, and a failed check of it holds every delete back.
 */
export async function verifyKeepers(
  cluster: string, deletes: readonly PlanAction[], api: GatedClusterApi, sink: Pick<SecretSink, 'read'>,
  run: (work: () => Promise<void>) => Promise<void>,
): Promise<Map<string, Verification>> {
  const deleted = new Set(deletes.map((a) => `${a.principal}/${a.token}`));
  const keepers = new Map<string, { principal: string; token: string }>();
  for (const action of deletes) {
    const generation = action.kind === 'delete' ? action.rotation?.generation : undefined;
    const keeper = keeperOf(action);
    if (generation && keeper && !deleted.has(keeper)) keepers.set(keeper, { principal: action.principal, token: generation });
  }
  const verified = new Map<string, Verification>();
  await Promise.all([...keepers].map(([id, key]) => run(async () => {
    verified.set(id, await verifyStoredToken({ cluster, ...key }, api, sink));
  })));
  return verified;
}
