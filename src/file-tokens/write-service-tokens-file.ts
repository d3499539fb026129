/**
 * Writes one `service_tokens` file the way a node must get it: atomically (temp file in the same
 * folder, fsync, rename, fsync the folder), mode 0640, owner and group kept from the file it
 * replaces (as ES's SecurityFiles.writeFileAtomically does) or the group given, never readable by
 * others, not even for a moment. A wrong mode on an unchanged file is fixed and reported.
 * Dry run returns the same result without touching anything (plan shows the diff).
 */
import { createTwoFilesPatch } from 'diff';
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { chmod, chown, mkdir, open, readFile, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { EscredError } from '../errors.js';
import { syncDirectory } from '../support/write-file-atomic.js';
import { resolveGroup } from './resolve-group.js';
import { shortenServiceTokensHashes } from './shorten-hashes.js';

export const SERVICE_TOKENS_MODE = 0o640;

export interface WriteServiceTokensFileOptions {
  path: string;
  content: string;
  /** the group that may read the file (Elasticsearch's); default: the replaced file's group */
  group?: string | number;
  isDryRun?: boolean;
  /** create missing parent folders (out-dir mode); node mode expects the config folder to exist */
  isCreatingParents?: boolean;
}

export interface WriteServiceTokensFileResult {
  path: string;
  /** the content differs (dry run: would differ) */
  isChanged: boolean;
  /** unified diff, hashes shortened; '' when the content is unchanged */
  diff: string;
  /** permission and ownership fixes made (dry run: needed), e.g. "mode 0644 -> 0640 (was world-readable)" */
  fixes: string[];
}

export async function writeServiceTokensFile(options: WriteServiceTokensFileOptions): Promise<WriteServiceTokensFileResult> {
  const gid = options.group === undefined ? undefined : await resolveGroup(options.group);
  // A symlinked file (config management, k8s mounts) keeps its link: the target is replaced.
  const path = await realpath(options.path).catch(() => options.path);
  const current = await stat(path).catch(ignoreMissing);
  const old = current ? await readFile(path, 'utf8') : null;
  const isChanged = old !== options.content;
  const fixes = current ? neededFixes(current, gid) : [];
  const result = { path: options.path, isChanged, diff: isChanged ? diffOf(options.path, old, options.content) : '', fixes };
  if (options.isDryRun) return result;
  try {
    if (isChanged) {
      if (options.isCreatingParents) await mkdir(dirname(path), { recursive: true, mode: 0o750 });
      await replaceFile(path, options.content, { uid: current?.uid, gid: gid ?? current?.gid, isGroupRequired: gid !== undefined });
    } else if (fixes.length > 0) {
      if (gid !== undefined) await chown(path, -1, gid);
      await chmod(path, SERVICE_TOKENS_MODE);
    }
  } catch (error) {
    if (error instanceof EscredError) throw error;
    throw new EscredError('ESCRED_SERVICE_TOKENS_WRITE', `cannot write ${options.path}: ${(error as Error).message}`, { cause: error });
  }
  return result;
}

function ignoreMissing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT') return undefined;
  throw error;
}

function neededFixes(current: Stats, gid: number | undefined): string[] {
  const fixes: string[] = [];
  const mode = current.mode & 0o7777;
  if (mode !== SERVICE_TOKENS_MODE) {
    const why = mode & 0o007 ? ' (was world-accessible)' : '';
    fixes.push(`mode 0${mode.toString(8).padStart(3, '0')} -> 0640${why}`);
  }
  if (gid !== undefined && current.gid !== gid) fixes.push(`group ${current.gid} -> ${gid}`);
  return fixes;
}

function diffOf(path: string, old: string | null, next: string): string {
  const header = old === null ? 'new file' : undefined;
  return createTwoFilesPatch(path, path, shortenServiceTokensHashes(old ?? ''), shortenServiceTokensHashes(next), header, undefined);
}

interface Ownership {
  uid: number | undefined;
  gid: number | undefined;
  /** the group was asked for: failing to set it is an error, not a best effort */
  isGroupRequired: boolean;
}

async function replaceFile(path: string, content: string, owner: Ownership): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  // 0600 until owner and group are right, then 0640: the group never sees a foreign file.
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await setOwner(handle, owner);
    await handle.chmod(SERVICE_TOKENS_MODE);
    await handle.sync();
    await handle.close();
    await rename(temp, path);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(path));
}

async function setOwner(handle: { chown(uid: number, gid: number): Promise<void> }, owner: Ownership): Promise<void> {
  if (owner.uid === undefined && owner.gid === undefined) return;
  try {
    await handle.chown(owner.uid ?? -1, owner.gid ?? -1);
    return;
  } catch {
    // Not root: the owner cannot be kept, the group may still be set (when we are a member).
  }
  if (owner.gid === undefined) return;
  try {
    await handle.chown(-1, owner.gid);
  } catch (error) {
    if (owner.isGroupRequired) {
      throw new EscredError('ESCRED_SERVICE_TOKENS_GROUP', `cannot give the service_tokens file group ${owner.gid}`, { cause: error });
    }
  }
}
