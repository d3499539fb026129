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
  /** why a token was deleted: the write gate's purpose (prune, replace, revoke, ...) */
  purpose?: string;
}

/** JSON lines, one per mutating call: when, where, what, how it went. Never a secret. */
export class AuditLog {
  /** `reason`: the person's words for the whole run (`escred revoke --reason`), on every line */
  constructor(private readonly path: string, private readonly clock: () => Date, private readonly reason?: string) {}

  async record(entry: AuditEntry): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const line = { time: this.clock().toISOString(), ...entry, ...(this.reason === undefined ? {} : { reason: this.reason }) };
    await appendFile(this.path, JSON.stringify(line) + '\n', { mode: 0o600 });
  }
}
