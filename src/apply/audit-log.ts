import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface AuditEntry {
  cluster: string;
  account: string;
  /** absent for a call on a user-managed account itself */
  token?: string;
  action: 'create' | 'delete' | 'put-account' | 'delete-account';
  /** refused: the write gate said no, nothing was sent */
  outcome: 'ok' | 'not-found' | 'conflict' | 'failed' | 'unknown' | 'refused';
  detail?: string;
}

/** JSON lines, one per mutating call: when, where, what, how it went. Never a secret. */
export class AuditLog {
  constructor(private readonly path: string, private readonly clock: () => Date) {}

  async record(entry: AuditEntry): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    await appendFile(this.path, JSON.stringify({ time: this.clock().toISOString(), ...entry }) + '\n', { mode: 0o600 });
  }
}
