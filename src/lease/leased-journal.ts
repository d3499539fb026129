/**
 * The apply journal's surface (begin / finish / pendingKeys / settle) with the intents of leased
 * clusters kept in their lease record in the cluster itself (issue 15), so that a replica or a
 * fresh CI runner sees them; clusters without a lease keep using the local journal.
 * begin() is a CAS write on the lease: when the lease was lost it throws LeaseLostError before
 * the create call is made.
 */
import type { IntentJournal } from '../apply/apply-ports.js';
import type { TokenKey } from '../plan/plan-types.js';
import { securedKey } from '../plan/secured-tokens.js';
import type { LeaseManager } from './lease-manager.js';

type Lease = Pick<LeaseManager, 'addIntent' | 'clearIntent' | 'clearIntents' | 'heldIntents'>;

export class LeasedJournal implements IntentJournal {
  /** leases: by the manifest's cluster name (TokenKey.cluster) */
  constructor(
    private readonly local: IntentJournal,
    private readonly leases: ReadonlyMap<string, Lease>,
  ) {}

  /** Under this manifest's name of each cluster: an intent another manifest's name left in the cluster's lease is this cluster's too (issue 21). */
  pendingKeys(): Set<string> {
    const keys = this.local.pendingKeys();
    for (const [cluster, lease] of this.leases) {
      for (const intent of lease.heldIntents()) keys.add(securedKey(cluster, intent.principal, intent.token));
    }
    return keys;
  }

  begin(key: TokenKey): Promise<void> {
    const lease = this.leases.get(key.cluster);
    return lease ? lease.addIntent(key) : this.local.begin(key);
  }

  finish(key: TokenKey): Promise<void> {
    const lease = this.leases.get(key.cluster);
    return lease ? lease.clearIntent(key) : this.local.finish(key);
  }

  /** Drops harmless intents: each lease's in one CAS write, the rest from the local journal. */
  async settle(keys: Iterable<string>): Promise<void> {
    const wanted = new Set(keys);
    const writes: Array<Promise<void>> = [];
    for (const [cluster, lease] of this.leases) {
      const mine = lease.heldIntents().filter((intent) => wanted.delete(securedKey(cluster, intent.principal, intent.token)));
      if (mine.length > 0) writes.push(lease.clearIntents(mine));
    }
    writes.push(this.local.settle(wanted));
    await Promise.all(writes);
  }
}
