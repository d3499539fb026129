import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';

export interface PathWatcherOptions {
  /** manifest files or folders, as given on the command line */
  paths: readonly string[];
  cwd: string;
  /** a relevant file event: the caller marks its state dirty */
  onChange: (path: string) => void;
  onError?: (error: Error) => void;
}

export interface PathWatcher {
  close(): Promise<void>;
}

const MANIFEST_FILE = /\.ya?ml$/i;

/**
 * Watches what a pass reads. Events only say "look again"; which file changed does not matter,
 * because a pass rereads the whole manifest.
 *
 * - A folder argument: its *.yaml/*.yml files, one level deep, as the loader reads them.
 * - A file argument: its parent folder, one level deep, filtered to that name. Watching the folder
 *   rather than the file survives editors that write a temp file and rename it over the original
 *   (the old inode's watch would go quiet).
 * - In both: names starting with `..` count too. Kubernetes ConfigMaps and git-sync update by
 *   writing a new folder and swapping a symlink (`..data`), so the files we read never get a
 *   write event of their own; the swap is the only signal.
 * Other entries (the `.escred` state folder, the secret sink, an emulator's data) are ignored, so
 * a pass's own writes never wake the loop up again.
 */
export async function watchPaths(options: PathWatcherOptions): Promise<PathWatcher> {
  const folders = new Map<string, Set<string> | 'manifests'>();
  for (const arg of options.paths.length > 0 ? options.paths : ['escred.yaml']) {
    const absolute = resolve(options.cwd, arg);
    if (await isDirectory(absolute)) {
      folders.set(absolute, 'manifests');
      continue;
    }
    const parent = dirname(absolute);
    const existing = folders.get(parent);
    if (existing === 'manifests') continue;
    folders.set(parent, new Set([...(existing ?? []), basename(absolute)]));
  }
  const isRelevant = (path: string) => {
    const folder = folders.get(dirname(path));
    const name = basename(path);
    if (folder === undefined) return folders.has(path); // the watched folder itself was replaced
    if (name.startsWith('..')) return true;
    return folder === 'manifests' ? MANIFEST_FILE.test(name) : folder.has(name);
  };
  const watcher: FSWatcher = watch([...folders.keys()], {
    ignoreInitial: true,
    followSymlinks: true,
    depth: 0,
    // unlink followed by add within a moment is reported once, as a change
    atomic: true,
  });
  watcher.on('all', (_event, path) => {
    if (isRelevant(resolve(options.cwd, path))) options.onChange(path);
  });
  watcher.on('error', (error) => options.onError?.(error instanceof Error ? error : new Error(String(error))));
  await new Promise<void>((resolveReady) => watcher.once('ready', () => resolveReady()));
  return { close: () => watcher.close() };
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    // a file that does not exist yet is watched through its folder, like any file
    return false;
  }
}
