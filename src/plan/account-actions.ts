/** Plan entries for user-managed service accounts themselves (issue 14); present tense, like token actions. */
export type AccountAction =
  | { kind: 'create-account'; principal: string; roles: string[]; isEnabled: boolean; reason: string }
  | {
    kind: 'update-account'; principal: string; roles: string[]; isEnabled: boolean;
    rolesAdded: string[]; rolesRemoved: string[]; enabledBefore: boolean; reason: string;
  }
  | { kind: 'delete-account'; principal: string; reason: string };

export function describeAccountAction(action: AccountAction): string {
  switch (action.kind) {
    case 'create-account':
      return `roles: [${action.roles.join(', ')}]${action.isEnabled ? '' : ', disabled'}`;
    case 'update-account': {
      const parts: string[] = [];
      const roleChanges = [...action.rolesAdded.map((r) => `+${r}`), ...action.rolesRemoved.map((r) => `-${r}`)];
      if (roleChanges.length > 0) parts.push(`roles: ${roleChanges.join(' ')}`);
      if (action.enabledBefore !== action.isEnabled) parts.push(`enabled: ${action.enabledBefore} -> ${action.isEnabled}`);
      return parts.join(', ');
    }
    case 'delete-account':
      return action.reason;
  }
}
