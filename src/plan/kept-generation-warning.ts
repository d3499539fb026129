import type { DesiredAccount } from '../model.js';
import { deletionVerdict, describeVerdict } from '../ownership/deletion-verdict.js';
import type { RetiringGeneration } from './plan-rotation.js';
import type { PlanWarning } from './plan-types.js';

/**
 * A generation rotation retires is deleted (index token) or its line removed (file token) only when
 * the deletion rule allows; otherwise this is the warning that says why it stays. Undefined: allowed.
 */
export function keptGenerationWarning(
  account: Pick<DesiredAccount, 'principal' | 'owns' | 'prune' | 'protect'>, base: string, generation: RetiringGeneration,
  kind: 'token' | 'file token',
): PlanWarning | undefined {
  const verdict = deletionVerdict(account, generation.name);
  if (verdict.kind === 'allowed') return undefined;
  return { principal: account.principal, token: generation.name, code: 'ESCRED_GENERATION_KEPT',
    message: `${kind === 'file token' ? 'file token ' : ''}${generation.name} is no longer needed by rotating ${kind} ${base} ` +
      `(${generation.reason}), but ${describeVerdict(verdict)}: rotation deletes only under prune: owned what owns matches and protect does not; it stays` };
}
