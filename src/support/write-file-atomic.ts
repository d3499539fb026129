import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface WriteFileAtomicOptions {
  mode: number;
}

/**
 * Write, fsync, rename, fsync the folder: after this resolves the content survives a crash, and
 * a reader never sees a half-written file. The temp file is created with the final mode, so a
 * secret is never readable by others, not even for a moment.
 */
export async function writeFileAtomic(path: string, content: string | Buffer, options: WriteFileAtomicOptions): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  trackUnfinished(temp);
  try {
    await writeAndRename(temp, path, content, options);
  } finally {
    unfinishedTempFiles.delete(temp);
  }
  await syncDirectory(dirname(path));
}

async function writeAndRename(temp: string, path: string, content: string | Buffer, options: WriteFileAtomicOptions): Promise<void> {
  const handle = await open(temp, 'wx', options.mode);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/**
 * Temp files of writes still under way. A process that exits in the middle of one (a second
 * Ctrl-C calls process.exit) removes them on its way out: the old file is intact, the new
 * content was never promised, and no `.<name>.<random>.tmp` is left behind.
 */
const unfinishedTempFiles = new Set<string>();
let isExitHookInstalled = false;

function trackUnfinished(temp: string): void {
  unfinishedTempFiles.add(temp);
  if (isExitHookInstalled) return;
  isExitHookInstalled = true;
  process.on('exit', removeUnfinishedTempFiles);
}

/** Synchronous, as an 'exit' listener must be; a temp file not created yet or already renamed is fine. */
export function removeUnfinishedTempFiles(): void {
  for (const temp of unfinishedTempFiles) {
    try {
      unlinkSync(temp);
    } catch {
      // ENOENT: not created yet, or already renamed into place
    }
  }
  unfinishedTempFiles.clear();
}

export async function syncDirectory(path: string): Promise<void> {
  const dir = await open(path, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
