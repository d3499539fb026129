/**
 * Identity that must survive restarts: cluster uuid, node ids, the .security index uuid and the
 * superuser password (the only secret the emulator keeps on disk, mode 0600, like ES's keystore; also
 * alone in elastic-password, which a manifest can read).
 */
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeFileAtomic } from '../support/write-file-atomic.js';
import { randomId } from './ids.js';
import { readTextIfExists } from '../support/read-text-if-exists.js';

/** `<data-dir>/elastic-password`: the superuser's password and a newline, mode 0600. */
export const SUPERUSER_PASSWORD_FILE = 'elastic-password';

export interface ClusterState {
  clusterUuid: string;
  securityIndexUuid: string;
  nodeIds: Record<string, string>;
  superuserPassword: string;
}

export interface LoadClusterStateOptions {
  dataDir: string;
  nodeNames: string[];
  superuserPassword?: string;
}

async function readState(file: string): Promise<Partial<ClusterState>> {
  const text = await readTextIfExists(file);
  return text === null ? {} : (JSON.parse(text) as Partial<ClusterState>);
}

export async function loadClusterState(options: LoadClusterStateOptions): Promise<ClusterState> {
  const file = join(options.dataDir, 'cluster.json');
  const stored = await readState(file);
  const nodeIds: Record<string, string> = { ...stored.nodeIds };
  for (const name of options.nodeNames) nodeIds[name] ??= randomId();
  const state: ClusterState = {
    clusterUuid: stored.clusterUuid ?? randomId(),
    securityIndexUuid: stored.securityIndexUuid ?? randomId(),
    nodeIds,
    superuserPassword: options.superuserPassword ?? stored.superuserPassword ?? randomBytes(15).toString('base64url'),
  };
  // Written only when something new was generated, so a restart does not touch the file.
  if (JSON.stringify(state) !== JSON.stringify(stored)) {
    await writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  }
  // The password alone as well, for a manifest's `password: { file: ... }` (examples/quickstart.yaml).
  const passwordFile = join(options.dataDir, SUPERUSER_PASSWORD_FILE);
  if ((await readTextIfExists(passwordFile)) !== `${state.superuserPassword}\n`) {
    await writeFileAtomic(passwordFile, `${state.superuserPassword}\n`, { mode: 0o600 });
  }
  return state;
}
