import { constants } from 'node:fs';
import { access, chmod, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { EscredError } from '../errors.js';
import type { TokenKey } from '../plan/plan-types.js';
import { writeFileAtomic } from '../support/write-file-atomic.js';
import type { SecretSink, SinkSecret } from '../sinks/secret-sink.js';

/**
 * One file per token: <dir>/<cluster>/<namespace>/<service>/<token>, holding the bearer value
 * only (ready to mount or `cat`), mode 0600 in 0700 folders, written durably (fsync + rename).
 */
export class DirectorySecretSink implements SecretSink {
  constructor(private readonly directory: string) {}

  describe(): string {
    return `directory ${this.directory}`;
  }

  async check(): Promise<void> {
    try {
      await makeFolder(this.directory);
      await access(this.directory, constants.W_OK);
      const mode = (await stat(this.directory)).mode & 0o777;
      if (mode & 0o077) await chmod(this.directory, 0o700);
    } catch (error) {
      const why = error instanceof NotAFolderError ? `: ${error.message}` : ` is not writable: ${(error as Error).message}`;
      throw new EscredError('ESCRED_SINK_UNAVAILABLE', `secret sink ${this.describe()}${why}`, { cause: error });
    }
  }

  async store(secret: SinkSecret): Promise<void> {
    const folder = this.folderOf(secret.key);
    await makeFolder(folder);
    await writeFileAtomic(join(folder, secret.key.token), secret.value, { mode: 0o600 });
  }

  async forget(key: TokenKey): Promise<void> {
    await rm(join(this.folderOf(key), key.token), { force: true });
  }

  async read(key: TokenKey): Promise<string | null> {
    try {
      return await readFile(join(this.folderOf(key), key.token), 'utf8');
    } catch {
      return null;
    }
  }

  async listKeys(): Promise<Set<string>> {
    const keys = new Set<string>();
    for (const cluster of await listDirs(this.directory)) {
      for (const namespace of await listDirs(join(this.directory, cluster))) {
        for (const service of await listDirs(join(this.directory, cluster, namespace))) {
          const entries = await readdir(join(this.directory, cluster, namespace, service), { withFileTypes: true });
          for (const entry of entries) {
            if (entry.isFile() && !entry.name.startsWith('.')) keys.add(`${cluster}/${namespace}/${service}/${entry.name}`);
          }
        }
      }
    }
    return keys;
  }

  private folderOf(key: TokenKey): string {
    // principal is namespace/service: two folder levels, so no name can escape the sink folder
    // (token names, cluster names and principals are validated against [A-Za-z0-9_-] rules).
    return join(this.directory, key.cluster, key.principal);
  }
}

class NotAFolderError extends Error {}

/** mkdir -p, saying which path is in the way instead of "EEXIST: file already exists, mkdir". */
async function makeFolder(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true, mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOTDIR') throw error;
    throw new NotAFolderError(`${await firstFileOnPath(path)} is a file, not a directory`, { cause: error });
  }
}

/** The nearest existing ancestor of `path` (or path itself): the file that stops mkdir. */
async function firstFileOnPath(path: string): Promise<string> {
  for (let at = resolve(path); ; at = dirname(at)) {
    const info = await stat(at).catch(() => undefined);
    if ((info && !info.isDirectory()) || dirname(at) === at) return at;
  }
}

async function listDirs(path: string): Promise<string[]> {
  try {
    return (await readdir(path, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
