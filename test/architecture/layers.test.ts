/**
 * The layering of src/ (design.md, "Floors, top to bottom"), as .dependency-cruiser.cjs states it:
 * no import goes up a floor, none goes sideways between folders of one floor (but the pairs the
 * config allows), only cli and demo import the emulator, and no import circle, type-only included.
 * The second block proves that the rules bite, on a small tree written for the purpose.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
  cycle?: { name: string }[];
}

/**
 * Known violations left for a later change, each with why. Keep it empty: an entry here is a
 * debt, and the test fails when an entry no longer happens so that the list only shrinks.
 */
const KNOWN_VIOLATIONS: { rule: string; from: string; to: string; why: string }[] = [];

async function cruise(cwd: string): Promise<Violation[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [DEPCRUISE, 'src', '--config', CONFIG, '--output-type', 'json'],
    { cwd, maxBuffer: 64 * 1024 * 1024 },
  ).catch((error: { stdout?: string }) => {
    // depcruise exits non-zero when it finds errors; its JSON report is still on stdout.
    if (typeof error.stdout === 'string' && error.stdout.startsWith('{')) return { stdout: error.stdout };
    throw error;
  });
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

function describeViolation(v: Violation): string {
  const via = v.cycle ? ` (circle: ${[v.from, ...v.cycle.map((c) => c.name)].join(' → ')})` : '';
  return `${v.rule.name}: ${v.from} → ${v.to}${via}`;
}

function isKnown(v: Violation): boolean {
  return KNOWN_VIOLATIONS.some((k) => k.rule === v.rule.name && k.from === v.from && k.to === v.to);
}

describe('src/ layering', () => {
  it('has no upward, sideways or circular import, and only cli and demo import the emulator', async () => {
    const violations = await cruise(ROOT);
    expect(violations.filter((v) => !isKnown(v)).map(describeViolation)).toEqual([]);
    const stale = KNOWN_VIOLATIONS.filter((k) => !violations.some((v) => k.rule === v.rule.name && k.from === v.from && k.to === v.to));
    expect(stale, 'known violations that no longer happen: remove them from KNOWN_VIOLATIONS').toEqual([]);
  }, 60_000);
});

describe('the layering rules', () => {
  /** Writes a tree of .ts files (path → imported paths) under a temporary src/ and cruises it. */
  async function cruiseTree(tree: Record<string, string[]>): Promise<string[]> {
    const dir = await mkdtemp(join(tmpdir(), 'escred-layers-'));
    try {
      await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }));
      for (const [file, imports] of Object.entries(tree)) {
        await mkdir(dirname(join(dir, file)), { recursive: true });
        const lines = imports.map((entry, i) => {
          const isTypeOnly = entry.startsWith('type:');
          const target = entry.replace(/^type:/, '');
          const path = relative(dirname(file), target).replace(/\.ts$/, '.js');
          const specifier = path.startsWith('.') ? path : `./${path}`;
          return isTypeOnly ? `import type { Value as T${i} } from '${specifier}';` : `import { value as v${i} } from '${specifier}';`;
        });
        await writeFile(join(dir, file), `${lines.join('\n')}\nexport const value = 1;\nexport type Value = number;\n`);
      }
      return (await cruise(dir)).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it.each([
    ['an upward import', { 'src/plan/a.ts': ['src/apply/b.ts'], 'src/apply/b.ts': [] }, 'no-upward-from-plan: src/plan/a.ts → src/apply/b.ts'],
    ['an upward type-only import', { 'src/watch/a.ts': ['type:src/cli/b.ts'], 'src/cli/b.ts': [] }, 'no-upward-from-watch: src/watch/a.ts → src/cli/b.ts'],
    ['a sideways import', { 'src/lease/a.ts': ['src/apply/b.ts'], 'src/apply/b.ts': [] }, 'no-same-floor-from-lease: src/lease/a.ts → src/apply/b.ts'],
    ['the reconciler importing the emulator', { 'src/reconcile/a.ts': ['src/emulator/b.ts'], 'src/emulator/b.ts': [] }, 'emulator-only-from-cli-and-demo: src/reconcile/a.ts → src/emulator/b.ts'],
    ['a folder on no floor', { 'src/plan/a.ts': ['src/elsewhere/b.ts'], 'src/elsewhere/b.ts': [] }, 'to-a-folder-not-on-a-floor: src/plan/a.ts → src/elsewhere/b.ts'],
    ['a circle through a type-only import', { 'src/plan/a.ts': ['type:src/plan/b.ts'], 'src/plan/b.ts': ['src/plan/a.ts'] }, 'no-circular: src/plan/a.ts → src/plan/b.ts'],
  ])('refuses %s', async (_name, tree, expected) => {
    expect(await cruiseTree(tree)).toContain(expected);
  }, 60_000);

  it('allows an import down the floors', async () => {
    expect(await cruiseTree({ 'src/cli/a.ts': ['src/plan/b.ts', 'src/emulator/c.ts'], 'src/plan/b.ts': ['src/model.ts'], 'src/emulator/c.ts': [], 'src/model.ts': [] })).toEqual([]);
  }, 60_000);
});

