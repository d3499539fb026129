/**
 * The one gate every write to a cluster passes (shared/design.md: the planner proposes, the gate
 * disposes). Whatever produced the write (the planner, a saved plan, a 409 answer, `rotate`, an
 * account deletion), the gate decides at the moment of sending, from the manifest as loaded for
 * this run (src/ownership/write-rules.ts), counts deletions against `maxDeletions`, and refuses
 * with a WriteRefusedError naming the rule; nothing is sent then. The connections under it are the
 * pass's, which the lease pass fences (src/reconcile/lease-pass.ts): a write to a cluster whose
 * lease this run no longer holds fails there, before it is sent. apply/ holds no other road: it is
 * given this gate, never a connection. A service_tokens line escred removes is judged by the same
 * rule (deletionVerdict) in src/ownership/file-token-ownership.ts, which file-token delivery asks.
 */
import type { ErrorCode } from '../error-codes.js';
import type { BearerIdentity } from '../cluster/authenticate-bearer.js';
import { SafetyError } from '../errors.js';
import type { DesiredCluster, DesiredState, ObservedAccount, UserManagedAccountSpec } from '../model.js';
import {
  countsAsDeletion, judgeAccountDelete, judgeAccountPut, judgeTokenCreate, judgeTokenDelete,
  type TokenDeletePurpose, type WriteFacts, type WriteVerdict,
} from '../ownership/write-rules.js';
import { namesToken, revocationOf, type Revocation } from '../plan/plan-revocations.js';
import { securedKey } from '../plan/secured-tokens.js';
import type { TokenApi, WriteOptions } from './apply-ports.js';

export type { TokenDeletePurpose } from '../ownership/write-rules.js';

/** A write the gate refused: nothing was sent. `code` names the rule (ERROR_CODES.gate*, or ESCRED_MAX_DELETIONS). */
export class WriteRefusedError extends SafetyError {
  constructor(code: ErrorCode, message: string) {
    super(code, message);
  }
}

export interface WriteGateOptions {
  /** the manifest as loaded for this run: the only source of what may be written */
  desired: DesiredState;
  /** the pass's connections (lease-fenced where the cluster has a lease) */
  apis: ReadonlyMap<string, TokenApi>;
  /** keys (`cluster/principal/token`) the sink held when the plan was made; null when it cannot tell */
  sinkKeys?: ReadonlySet<string> | null;
  /** --max-deletions, after a human reviewed the plan */
  maxDeletionsOverride?: number;
  /** `escred revoke`: the tokens this run was asked to revoke, the only ones the 'revoke' purpose may delete */
  revocations?: readonly Revocation[];
  /** `cluster/principal` of the user-managed accounts the plan saw disabled (the manifest may leave `enabled` out) */
  disabledAccounts?: ReadonlySet<string>;
}

/** One cluster's writes through the gate: what apply code calls instead of a connection. */
export interface GatedClusterApi {
  readonly cluster: string;
  createToken(principal: string, name: string, options?: WriteOptions): Promise<{ name: string; value: string }>;
  deleteToken(principal: string, name: string, purpose: TokenDeletePurpose, options?: WriteOptions): Promise<{ found: boolean }>;
  /** asks without sending: may this token be deleted for this purpose? (a 409 decides between replacing and adopting) */
  judgeDelete(principal: string, name: string, purpose: TokenDeletePurpose): WriteVerdict;
  putUserManagedAccount(principal: string, spec: UserManagedAccountSpec): Promise<{ created: boolean }>;
  deleteUserManagedAccount(principal: string): Promise<{ found: boolean }>;
  getCredentials(principal: string): Promise<ObservedAccount>;
  /** GET /_security/_authenticate as this bearer: a read, judged by no rule (verified rotation, src/apply/verify-stored-token.ts) */
  authenticate(bearer: string): Promise<BearerIdentity>;
  /** this user-managed account is disabled (as this run wrote it, else as the plan saw it): none of its tokens can authenticate */
  isAccountDisabled(principal: string): boolean;
}

export class WriteGate {
  private readonly clusters: Map<string, DesiredCluster>;
  private readonly made = new Set<string>();
  private readonly deletions = new Map<string, number>();
  /** the enabled flag of each account this run wrote (`cluster/principal`): what its tokens now meet */
  private readonly enabledWritten = new Map<string, boolean>();

  constructor(private readonly options: WriteGateOptions) {
    this.clusters = new Map(options.desired.clusters.map((c) => [c.name, c]));
  }

  /** The gated calls of one cluster; undefined when the manifest does not declare it or there is no connection. */
  cluster(name: string): GatedClusterApi | undefined {
    const desired = this.clusters.get(name);
    const api = this.options.apis.get(name);
    if (!desired || !api) return undefined;
    const facts = this.factsOf(name);
    const check = (verdict: WriteVerdict): void => {
      if (!verdict.isAllowed) throw new WriteRefusedError(verdict.code, `refused by the write gate on cluster ${name}: ${verdict.reason}`);
    };
    return {
      cluster: name,
      createToken: async (principal, token, options) => {
        check(judgeTokenCreate(desired, principal, token));
        const created = await api.createToken(principal, token, options);
        this.made.add(securedKey(name, principal, token));
        return created;
      },
      deleteToken: async (principal, token, purpose, options) => {
        check(judgeTokenDelete(desired, principal, token, purpose, facts));
        if (countsAsDeletion(purpose)) this.countDeletion(desired);
        return api.deleteToken(principal, token, options);
      },
      judgeDelete: (principal, token, purpose) => judgeTokenDelete(desired, principal, token, purpose, facts),
      putUserManagedAccount: async (principal, spec) => {
        check(judgeAccountPut(desired, principal));
        const written = await this.accountApi(api).putUserManagedAccount(principal, spec);
        this.enabledWritten.set(`${name}/${principal}`, spec.isEnabled);
        return written;
      },
      deleteUserManagedAccount: async (principal) => {
        check(judgeAccountDelete(desired, principal));
        this.countDeletion(desired);
        return this.accountApi(api).deleteUserManagedAccount(principal);
      },
      getCredentials: (principal) => api.getCredentials(principal),
      authenticate: async (bearer) => {
        if (!api.authenticateBearer) throw new SafetyError('ESCRED_NO_AUTHENTICATE_API', 'this connection cannot authenticate a token');
        return api.authenticateBearer(bearer);
      },
      isAccountDisabled: (principal) => {
        const written = this.enabledWritten.get(`${name}/${principal}`);
        return written === undefined ? this.options.disabledAccounts?.has(`${name}/${principal}`) === true : !written;
      },
    };
  }

  private factsOf(cluster: string): WriteFacts {
    return {
      isMadeThisRun: (principal, token) => this.made.has(securedKey(cluster, principal, token)),
      isInSink: (principal, token) => {
        const keys = this.options.sinkKeys;
        if (keys === undefined || keys === null) return null;
        return keys.has(securedKey(cluster, principal, token));
      },
      revocation: (principal, token) => {
        const revocation = revocationOf(this.options.revocations, { cluster, principal });
        const account = this.clusters.get(cluster)?.serviceAccounts.find((a) => a.principal === principal);
        if (!revocation || !account) return undefined;
        const isInSink = this.options.sinkKeys ? this.options.sinkKeys.has(securedKey(cluster, principal, token)) : null;
        return namesToken(revocation, account, token, isInSink) ? { includeProtected: revocation.includeProtected } : undefined;
      },
    };
  }

  /** maxDeletions holds whatever the plan said: a plan with more deletions than the limit is cut off here. */
  private countDeletion(cluster: DesiredCluster): void {
    const limit = this.options.maxDeletionsOverride ?? cluster.maxDeletions;
    const count = (this.deletions.get(cluster.name) ?? 0) + 1;
    if (count > limit) {
      throw new WriteRefusedError('ESCRED_MAX_DELETIONS', `refused by the write gate on cluster ${cluster.name}: ` +
        `deletion ${count} is over the limit of ${limit} (maxDeletions, or --max-deletions)`);
    }
    this.deletions.set(cluster.name, count);
  }

  private accountApi(api: TokenApi): Required<Pick<TokenApi, 'putUserManagedAccount' | 'deleteUserManagedAccount'>> {
    if (!api.putUserManagedAccount || !api.deleteUserManagedAccount) {
      throw new SafetyError('ESCRED_NO_ACCOUNT_API', 'this connection cannot write user-managed service accounts');
    }
    return { putUserManagedAccount: api.putUserManagedAccount.bind(api), deleteUserManagedAccount: api.deleteUserManagedAccount.bind(api) };
  }
}
