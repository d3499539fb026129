import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

interface Generator {
  generateAll: () => Promise<Record<string, string>>;
  createAjv: () => { compile: (schema: unknown) => ((data: unknown) => boolean) & { errors?: unknown } };
}

async function generator(): Promise<Generator> {
  // A plain .mjs script (it runs before any build); imported by URL so TypeScript does not follow it.
  return (await import(path.join(root, 'scripts/generate-manifest-code.mjs'))) as Generator;
}

describe('generated manifest code', () => {
  it('matches what the schema generates today (run `node scripts/generate-manifest-code.mjs` after editing the schema)', async () => {
    const outputs = await (await generator()).generateAll();
    expect(Object.keys(outputs).map((f) => path.relative(root, f)).sort()).toEqual([
      'src/manifest/generated/manifest-types.ts', 'src/manifest/generated/validate-manifest.ts']);
    for (const [file, expected] of Object.entries(outputs)) {
      expect({ file: path.relative(root, file), text: await readFile(file, 'utf8') }).toEqual({ file: path.relative(root, file), text: expected });
    }
  });

  it('the precompiled validator agrees with ajv compiling the schema at run time', async () => {
    const schema = JSON.parse(await readFile(path.join(root, 'schemas/manifest.schema.json'), 'utf8')) as unknown;
    const runtime = (await generator()).createAjv().compile(schema);
    const { validate } = (await import('../../src/manifest/generated/validate-manifest.js')) as { validate: typeof runtime };
    const samples: unknown[] = [
      { apiVersion: 'escred/v1' }, { apiVersion: 'escred/v2' }, null, [], 'x',
      { apiVersion: 'escred/v1', secrets: { directory: 'a', exec: ['b'] } },
      { apiVersion: 'escred/v1', clusters: [{ name: 'a', url: 'https://a', auth: { apiKey: { env: 'K' } } }] },
      { apiVersion: 'escred/v1', clusters: [{ name: 'A', auth: {} }] },
    ];
    for (const sample of samples) {
      const isValid = validate(sample);
      expect(runtime(sample)).toBe(isValid);
      expect(validate.errors ?? null).toEqual(runtime.errors ?? null);
    }
  });

  it('every pattern in the schema has a readable x-message, except the bare non-blank check', async () => {
    const text = await readFile(path.join(root, 'schemas/manifest.schema.json'), 'utf8');
    const missing: string[] = [];
    JSON.parse(text, (_key, value: unknown) => {
      const node = value as { pattern?: string; 'x-message'?: string } | null;
      if (node && typeof node === 'object' && typeof node.pattern === 'string' && node.pattern !== '\\S' && !node['x-message']) {
        missing.push(node.pattern);
      }
      return value;
    });
    expect(missing).toEqual([]);
  });

  it('the start-up path does not import ajv', async () => {
    const text = await readFile(path.join(root, 'src/manifest/generated/validate-manifest.ts'), 'utf8');
    expect(text).not.toMatch(/\brequire\(|from ['"]ajv/);
  });
});
