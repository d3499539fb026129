/**
 * The rules every write to a cluster is judged by, at the moment of sending (src/apply/write-gate.ts
 * asks them): pure, from the manifest as loaded for this run and what this run knows. The planner
 * proposes; these dispose. A saved plan, a 409, `rotate` or an account deletion can only ask.
 */
import type { ErrorCode } from '../error-codes.js';
import { isReservedNamespace, namespaceOf } from '../es/principal.js';
import type { DesiredAccount, DesiredCluster } from '../model.js';
import { deletionVerdict, describeVerdict, type DeletionVerdict } from './deletion-verdict.js';
import { generationTime } from './generation-name.js';

/** Why a token is to be deleted: each producer of a delete says which, and each has its own rule. */
export type TokenDeletePurpose =
  /** the planner's delete of an undeclared token or a rotated-out generation (of an undeclared account: as 'account-removal') */
  | 'prune'
  /** delete-then-create of a declared plain token: `escred rotate`, a value an interrupted apply lost, a value the sink lost (onValueLost: replace) */
  | 'replace'
  /** a create answered 409: a token of that name exists that the plan did not see */
  | 'conflict'
  /** the answer to escred's own create was lost, and the token exists */
  | 'lost-answer'
  /** the token this run just made, whose value could not be stored */
  | 'rollback'
  /** a token of a user-managed account the manifest no longer declares, deleted before the account */
  | 'account-removal'
  /** a token left from before of a declared user-managed account that is missing: Elasticsearch refuses its create until it goes */
  | 'leftover'
  /** `escred revoke` named this token (a leaked credential): deleted at once, replaced first where declared */
  | 'revoke';

export type WriteVerdict = { isAllowed: true } | { isAllowed: false; code: ErrorCode; reason: string };

/** What the run knows besides the manifest. */
export interface WriteFacts {
  /** this run created the token (and still holds its value in memory) */
  isMadeThisRun(principal: string, token: string): boolean;
  /** the sink holds a value for the token: escred made it; null when the sink cannot tell */
  isInSink(principal: string, token: string): boolean | null;
  /** this run is an `escred revoke` that names the token; absent or undefined: it does not */
  revocation?(principal: string, token: string): { includeProtected: boolean } | undefined;
}

const ALLOWED: WriteVerdict = { isAllowed: true };

function refuse(code: ErrorCode, reason: string): WriteVerdict {
  return { isAllowed: false, code, reason };
}

function accountOf(cluster: DesiredCluster, principal: string): DesiredAccount | undefined {
  return cluster.serviceAccounts.find((a) => a.principal === principal);
}

function isDeclaredPlain(account: DesiredAccount, token: string): boolean {
  return account.tokens.some((t) => !t.rotate && t.name === token);
}

function isGenerationOfDeclared(account: DesiredAccount, token: string): boolean {
  return account.tokens.some((t) => t.rotate !== undefined && generationTime(t.name, token) !== null);
}

/** A token is created only where the manifest declares it: a plain name, or a generation of a rotating one. */
export function judgeTokenCreate(cluster: DesiredCluster, principal: string, token: string): WriteVerdict {
  const account = accountOf(cluster, principal);
  if (!account) return refuse('ESCRED_GATE_UNDECLARED', `the manifest declares no account ${principal} on cluster ${cluster.name}`);
  if (isDeclaredPlain(account, token) || isGenerationOfDeclared(account, token)) return ALLOWED;
  return refuse('ESCRED_GATE_UNDECLARED', `the manifest declares no token ${token} (nor a rotating token it is a generation of) for ${principal}`);
}

/** May this token be deleted, for this purpose? */
export function judgeTokenDelete(
  cluster: DesiredCluster, principal: string, token: string, purpose: TokenDeletePurpose, facts: WriteFacts,
): WriteVerdict {
  if (purpose === 'rollback') {
    return facts.isMadeThisRun(principal, token) ? ALLOWED
      : refuse('ESCRED_GATE_NOT_MADE_HERE', `${token} was not created by this run, so it is not escred's to roll back`);
  }
  const account = accountOf(cluster, principal);
  if (purpose === 'account-removal' || (purpose === 'prune' && !account)) return judgeAccountRemovalToken(cluster, account, principal, token, facts);
  if (!account) return refuse('ESCRED_GATE_UNDECLARED', `the manifest declares no account ${principal} on cluster ${cluster.name}`);
  const verdict = deletionVerdict(account, token);
  if (purpose === 'revoke') return judgeRevoke(principal, token, verdict, facts);
  if (verdict.kind === 'protected') return refuse('ESCRED_GATE_PROTECTED', `${token} is protected: ${describeVerdict(verdict)}`);
  switch (purpose) {
    case 'replace':
    case 'lost-answer':
      return isDeclaredPlain(account, token) ? ALLOWED
        : refuse('ESCRED_GATE_UNDECLARED', `${token} is not a declared token of ${principal}, so escred does not replace it`);
    case 'prune':
      if (isDeclaredPlain(account, token)) return refuse('ESCRED_GATE_DECLARED', `${token} is declared in the manifest, so it is never pruned`);
      return verdict.kind === 'allowed' ? ALLOWED : refuse(refusalCode(verdict.kind), `${token}: ${describeVerdict(verdict)}`);
    case 'conflict':
      // a token escred did not see made: replacing it revokes somebody's value, so only what the rules let it delete
      return verdict.kind === 'allowed' ? ALLOWED : refuse(refusalCode(verdict.kind), `${token} already exists and ${describeVerdict(verdict)}`);
    case 'leftover':
      // declared or not, it blocks the account's create: it goes only under the account's own deletion rule
      if (!account.userManaged) return refuse('ESCRED_GATE_UNDECLARED', `${principal} is not a declared user-managed account, so it has no leftovers`);
      return verdict.kind === 'allowed' ? ALLOWED : refuse(refusalCode(verdict.kind), `leftover ${token} of ${principal}: ${describeVerdict(verdict)}`);
  }
}

/**
 * A revoke deletes what a person named on the command line for this run, owned or not (a leaked
 * credential is revoked whoever made it), a protected one only with --include-protected; a saved plan
 * or another producer cannot ask for it, since only `escred revoke` gives the gate its revocations.
 */
function judgeRevoke(principal: string, token: string, verdict: DeletionVerdict, facts: WriteFacts): WriteVerdict {
  const asked = facts.revocation?.(principal, token);
  if (!asked) return refuse('ESCRED_GATE_NOT_REVOKED', `${token} of ${principal} is not named by this run's escred revoke`);
  if (verdict.kind === 'protected' && !asked.includeProtected) {
    return refuse('ESCRED_GATE_PROTECTED', `${token} is protected (${describeVerdict(verdict)}): escred revoke deletes it only with --include-protected`);
  }
  return ALLOWED;
}

function refusalCode(kind: 'unowned' | 'not-pruned'): ErrorCode {
  return kind === 'unowned' ? 'ESCRED_GATE_UNOWNED' : 'ESCRED_GATE_NOT_PRUNED';
}

/**
 * A removed account's own token rules left the manifest with it, so escred deletes only the tokens
 * it can prove it made (their values are in its sink); the account itself must be deletable.
 */
function judgeAccountRemovalToken(
  cluster: DesiredCluster, account: DesiredAccount | undefined, principal: string, token: string, facts: WriteFacts,
): WriteVerdict {
  if (account) return refuse('ESCRED_GATE_DECLARED', `account ${principal} is declared in the manifest, so it is not being removed`);
  const accountVerdict = judgeAccountDelete(cluster, principal);
  if (!accountVerdict.isAllowed) return accountVerdict;
  return facts.isInSink(principal, token) === true ? ALLOWED
    : refuse('ESCRED_GATE_NOT_ESCREDS', `${token} of removed account ${principal} has no value in escred's sink: escred cannot tell it made it`);
}

/** An account is written only where the manifest declares it as user-managed, never in `elastic`. */
export function judgeAccountPut(cluster: DesiredCluster, principal: string): WriteVerdict {
  if (isReservedNamespace(namespaceOf(principal))) return refuse('ESCRED_GATE_RESERVED', `${principal} is in the reserved elastic namespace`);
  return accountOf(cluster, principal)?.userManaged ? ALLOWED
    : refuse('ESCRED_GATE_UNDECLARED', `the manifest declares no user-managed account ${principal} on cluster ${cluster.name}`);
}

/** An account is deleted only when not declared, and `userManagedAccounts` owns it, prunes and does not protect it. */
export function judgeAccountDelete(cluster: DesiredCluster, principal: string): WriteVerdict {
  if (isReservedNamespace(namespaceOf(principal))) return refuse('ESCRED_GATE_RESERVED', `${principal} is in the reserved elastic namespace`);
  if (accountOf(cluster, principal)) return refuse('ESCRED_GATE_DECLARED', `account ${principal} is declared in the manifest`);
  const verdict = deletionVerdict(cluster.userManagedAccounts, principal);
  if (verdict.kind === 'allowed') return ALLOWED;
  const code = verdict.kind === 'protected' ? 'ESCRED_GATE_PROTECTED' : refusalCode(verdict.kind);
  return refuse(code, `account ${principal}: userManagedAccounts ${describeVerdict(verdict)}`);
}

/** Which deletes count against `maxDeletions`: those that remove something, not those that make it again. */
export function countsAsDeletion(purpose: TokenDeletePurpose): boolean {
  return purpose === 'prune' || purpose === 'account-removal' || purpose === 'leftover';
}
