/**
 * Which escred replicas are alive (issue 15: spread the clusters over the live replicas). One
 * membership document in the lease index holds a beat counter per replica, written with
 * compare-and-set. Liveness follows the lease's rule, never another machine's clock: a member is
 * dead once this replica has seen its counter unchanged for the member's leaseDurationMs on its own
 * monotonic clock; then it is dropped from the document.
 */
import type { ClusterConnection } from '../cluster/cluster-connection.js';
import { createDocument, getDocument, replaceDocument, type DocumentVersion } from '../cluster/document-calls.js';
import { isRecord } from '../cluster/elasticsearch-error.js';
import { SYSTEM_CLOCK, type LeaseClock } from './lease-clock.js';
import { DEFAULT_LEASE_DURATION_MS, DEFAULT_LEASE_INDEX } from './lease-manager.js';
import { REPLICA_REGISTRY_ID } from '../manifest/reserved-cluster-names.js';

export interface ReplicaMember {
  host: string;
  pid: number;
  beats: number;
  leaseDurationMs: number;
}

interface Members {
  formatVersion: 1;
  members: Record<string, ReplicaMember>;
}

export interface ReplicaRegistryOptions {
  connection: Pick<ClusterConnection, 'clusterName' | 'send'>;
  holderId: string;
  host: string;
  pid: number;
  index?: string;
  /** the fleet whose replicas this registry counts (issue 21: daemons of other manifests are never counted); '' = the registry of escred before fleets */
  fleet: string;
  leaseDurationMs?: number;
  clock?: LeaseClock;
}

const MAX_ATTEMPTS = 5;

/** `escred-replicas.<fleet>`: a dot no manifest cluster name can hold, so no fleet's registry meets a lease kept under a name */
export function registryIdOf(fleet: string): string {
  return fleet === '' ? REPLICA_REGISTRY_ID : `${REPLICA_REGISTRY_ID}.${fleet}`;
}

function parseMembers(source: unknown): Members {
  if (!isRecord(source) || source.formatVersion !== 1 || !isRecord(source.members)) return { formatVersion: 1, members: {} };
  return source as unknown as Members;
}

export class ReplicaRegistry {
  private readonly seen = new Map<string, { beats: number; sinceMs: number }>();
  private live: string[] = [];
  private readonly headers: Record<string, string>;

  constructor(private readonly options: ReplicaRegistryOptions) {
    this.headers = { 'x-opaque-id': `escred/${options.holderId}` };
  }

  /** This replica's heartbeat: one CAS write that also drops the members seen dead. Returns the live members. */
  async beat(): Promise<string[]> {
    const { connection, holderId } = this.options;
    const index = this.options.index ?? DEFAULT_LEASE_INDEX;
    const id = registryIdOf(this.options.fleet);
    for (let attempt = 1; ; attempt += 1) {
      const got = await getDocument(connection, index, id, { headers: this.headers });
      const current = got.found ? parseMembers(got.source) : { formatVersion: 1 as const, members: {} };
      const next = this.nextMembers(current);
      const written = got.found
        ? await replaceDocument(connection, index, id, next, got.version as DocumentVersion, { headers: this.headers })
        : await createDocument(connection, index, id, next, { headers: this.headers });
      if (written.ok) {
        this.live = Object.keys(next.members).sort();
        return [...this.live];
      }
      // another replica beat at the same moment: read again (a bounded number of times)
      if (attempt >= MAX_ATTEMPTS) throw new Error(`cluster ${connection.clusterName}: the replica registry ${index}/${id} kept changing under ${holderId}`);
    }
  }

  /** Live replicas as of the last beat (this one included). */
  liveCount(): number {
    return Math.max(1, this.live.length);
  }

  private nextMembers(current: Members): Members {
    const nowMs = (this.options.clock ?? SYSTEM_CLOCK).monotonicMs();
    const members: Record<string, ReplicaMember> = {};
    for (const [holder, member] of Object.entries(current.members)) {
      if (holder === this.options.holderId) continue;
      const seen = this.seen.get(holder);
      if (!seen || seen.beats !== member.beats) this.seen.set(holder, { beats: member.beats, sinceMs: nowMs });
      const since = this.seen.get(holder)?.sinceMs ?? nowMs;
      if (nowMs - since < member.leaseDurationMs) members[holder] = member;
    }
    const mine = current.members[this.options.holderId];
    members[this.options.holderId] = {
      host: this.options.host, pid: this.options.pid, beats: (mine?.beats ?? 0) + 1,
      leaseDurationMs: this.options.leaseDurationMs ?? DEFAULT_LEASE_DURATION_MS,
    };
    return { formatVersion: 1, members };
  }
}
