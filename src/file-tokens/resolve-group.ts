/**
 * Resolves a group option (name or gid) to a gid: `getent group` first (it sees LDAP/NSS groups),
 * then /etc/group when getent is missing (minimal containers).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { ConfigError } from '../errors.js';

const execFileAsync = promisify(execFile);

export async function resolveGroup(group: string | number): Promise<number> {
  if (typeof group === 'number') return checkedGid(group, String(group));
  if (/^\d+$/.test(group)) return checkedGid(Number(group), group);
  const gid = (await fromGetent(group)) ?? (await fromEtcGroup(group));
  if (gid === null) throw new ConfigError(`unknown group ${JSON.stringify(group)} for the service_tokens file`);
  return gid;
}

function checkedGid(gid: number, text: string): number {
  if (!Number.isSafeInteger(gid) || gid < 0) throw new ConfigError(`invalid group id ${text} for the service_tokens file`);
  return gid;
}

async function fromGetent(name: string): Promise<number | null> {
  try {
    const { stdout } = await execFileAsync('getent', ['group', name], { timeout: 5_000 });
    return gidOfLine(stdout.split('\n')[0] ?? '', name);
  } catch {
    // exit 2 = not found; ENOENT = no getent: both fall back to /etc/group
    return null;
  }
}

async function fromEtcGroup(name: string): Promise<number | null> {
  let text: string;
  try {
    text = await readFile('/etc/group', 'utf8');
  } catch {
    return null;
  }
  for (const line of text.split('\n')) {
    const gid = gidOfLine(line, name);
    if (gid !== null) return gid;
  }
  return null;
}

/** `name:x:gid:members` */
function gidOfLine(line: string, name: string): number | null {
  const [groupName, , gid] = line.split(':');
  return groupName === name && gid !== undefined && /^\d+$/.test(gid) ? Number(gid) : null;
}
