import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadManifest, type LoadManifestResult } from '../../src/manifest/load-manifest.js';

/** Lines 1-4 of most test manifests; the first cluster starts on line 5. */
export const HEAD = ['apiVersion: escred/v1', 'secrets:', '  directory: ./secrets', 'clusters:'];
/** Lines 5-8: a valid cluster without accounts. */
export const CLUSTER = ['  - name: prod', '    url: https://es:9200', '    auth:', '      apiKey: { env: ES_API_KEY }'];

export function yamlLines(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

export interface TempDir {
  dir: string;
  write: (name: string, content: string | Uint8Array) => Promise<string>;
  remove: () => Promise<void>;
}

export async function tempDir(): Promise<TempDir> {
  const dir = await mkdtemp(path.join(tmpdir(), 'escred-manifest-'));
  return {
    dir,
    write: async (name, content) => {
      const file = path.join(dir, name);
      await writeFile(file, content);
      return file;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Writes `files` (name -> content) to a fresh folder and loads them all. */
export async function loadFiles(files: Record<string, string | Uint8Array>, knownVersion?: string): Promise<LoadManifestResult & { dir: string }> {
  const temp = await tempDir();
  try {
    const paths = await Promise.all(Object.entries(files).map(([name, content]) => temp.write(name, content)));
    const result = await loadManifest(paths, knownVersion === undefined ? { cwd: temp.dir } : { cwd: temp.dir, knownVersion });
    return { ...result, dir: temp.dir };
  } finally {
    await temp.remove();
  }
}

export async function loadText(text: string | Uint8Array, knownVersion?: string): Promise<LoadManifestResult & { dir: string }> {
  return loadFiles({ 'escred.yaml': text }, knownVersion);
}
