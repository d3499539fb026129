/** Many user-managed accounts in one write, for tests and benchmarks (a PUT each would rewrite the store each time). */
import type { EmulatorState } from '../emulator-state.js';
import { authorOf } from '../principal-view.js';
import { isValidPrincipal, sortedDistinct, type StoredAccount } from './user-managed-accounts.js';

export async function seedAccounts(state: EmulatorState, accounts: ReadonlyArray<{ principal: string; roles?: string[]; description?: string }>): Promise<void> {
  if (!state.profile.hasUserManagedAccounts) throw new Error(`Elasticsearch ${state.profile.version} has no user-managed service accounts`);
  const superuser = state.users.get('elastic');
  if (!superuser) throw new Error('the emulator has no superuser');
  const creator = authorOf({ kind: 'user', user: superuser }, state.profile);
  const createdAt = Date.now();
  await state.userManagedAccounts.putMany(accounts.map(({ principal, roles = [], description }): [string, StoredAccount] => {
    if (!isValidPrincipal(principal)) throw new Error(`not a user-managed account principal: ${principal}`);
    return [principal, { username: principal, roles: sortedDistinct(roles), enabled: true, ...(description === undefined ? {} : { description }), creator, created_at: createdAt }];
  }));
}
