import type { UserManagedAccountSpec } from '../model.js';
import { describeChangedBy, type AccountChangedBy } from './account-attribution.js';

/**
 * What a create or update writes. A PUT replaces the account wholesale (issue 22), so `description` and
 * `keptFields` carry what the cluster reported wherever the manifest does not declare them.
 */
interface AccountWrite {
  principal: string;
  roles: string[];
  isEnabled: boolean;
  description?: string;
  keptFields?: Record<string, unknown>;
  reason: string;
}

/** Plan entries for user-managed service accounts themselves (issue 14); present tense, like token actions. */
export type AccountAction =
  | ({
    kind: 'create-account';
    /** tokens the account still has from before (a forced delete): deleted first, since Elasticsearch refuses the create otherwise */
    leftoverTokens?: string[];
  } & AccountWrite)
  | ({
    kind: 'update-account'; rolesAdded: string[]; rolesRemoved: string[]; enabledBefore: boolean;
    /** set when the declared description differs: what the cluster had (null: none) */
    descriptionBefore?: string | null;
    /** who last wrote what the cluster has, when it records it (Elasticsearch with attribution) */
    changedBy?: AccountChangedBy;
  } & AccountWrite)
  | { kind: 'delete-account'; principal: string; reason: string };

/** The body of the PUT a create or update sends. */
export function accountWriteOf(action: AccountWrite): UserManagedAccountSpec {
  return {
    roles: action.roles, isEnabled: action.isEnabled,
    ...(action.description === undefined ? {} : { description: action.description }),
    ...(action.keptFields ? { keptFields: action.keptFields } : {}),
  };
}

const quoted = (description: string | null | undefined): string => (description === null || description === undefined ? 'none' : JSON.stringify(description));

export function describeAccountAction(action: AccountAction): string {
  switch (action.kind) {
    case 'create-account':
      return `roles: [${action.roles.join(', ')}]${action.isEnabled ? '' : ', disabled'}${action.description === undefined ? '' : `, description: ${quoted(action.description)}`}` +
        `${action.leftoverTokens ? `; first deletes its leftover tokens ${action.leftoverTokens.join(', ')}` : ''}`;
    case 'update-account': {
      const parts: string[] = [];
      const roleChanges = [...action.rolesAdded.map((r) => `+${r}`), ...action.rolesRemoved.map((r) => `-${r}`)];
      if (roleChanges.length > 0) parts.push(`roles: ${roleChanges.join(' ')}`);
      if (action.enabledBefore !== action.isEnabled) parts.push(`enabled: ${action.enabledBefore} -> ${action.isEnabled}`);
      if (action.descriptionBefore !== undefined) parts.push(`description: ${quoted(action.descriptionBefore)} -> ${quoted(action.description)}`);
      return `${parts.join(', ')}${action.changedBy ? ` (${describeChangedBy(action.changedBy)})` : ''}`;
    }
    case 'delete-account':
      return action.reason;
  }
}
