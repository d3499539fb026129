import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors.js';

const MANIFEST_EXTENSION = /\.ya?ml$/i;

/**
 * Command-line arguments -> absolute manifest files, sorted and de-duplicated: a file as given, a
 * directory as its *.yaml and *.yml files (not recursive: subfolders can hold other things).
 */
export async function resolveManifestPaths(args: string[], cwd: string): Promise<string[]> {
  const files = new Set<string>();
  for (const arg of args) {
    const absolute = path.resolve(cwd, arg);
    let info;
    try {
      info = await stat(absolute);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ConfigError(`manifest path ${arg}: ${code === 'ENOENT' ? 'no such file or directory' : `cannot read (${code})`}`,
        { cause: error });
    }
    if (!info.isDirectory()) {
      files.add(absolute);
      continue;
    }
    const entries = await readdir(absolute, { withFileTypes: true });
    const manifests = entries.filter((e) => !e.isDirectory() && MANIFEST_EXTENSION.test(e.name));
    if (manifests.length === 0) throw new ConfigError(`manifest directory ${arg} has no *.yaml or *.yml files`);
    for (const entry of manifests) files.add(path.join(absolute, entry.name));
  }
  return [...files].sort();
}
