/** The facts the rules rest on: generation names and owns/protect patterns. */
import { describe, expect, it } from 'vitest';
import { GENERATION_SUFFIX_LENGTH, generationName, generationTime } from '../../src/ownership/generation-name.js';
import { matchesAny, matchesGlob } from '../../src/ownership/glob.js';
import { keptGenerationWarning } from '../../src/plan/kept-generation-warning.js';
import { desiredAccount } from '../support/state-builders.js';

describe('generation names', () => {
  it('a generation is base-<UTC second>, and the suffix length is what the manifest rules count', () => {
    const name = generationName('ci', Date.UTC(2026, 9, 1, 2, 3, 4));
    expect(name).toBe('ci-20261001T020304Z');
    expect(GENERATION_SUFFIX_LENGTH).toBe(name.length - 'ci'.length);
    expect(generationTime('ci', name)).toBe(Date.UTC(2026, 9, 1, 2, 3, 4));
  });

  it.each([
    ['another base with the same length', 'cx-20261001T020304Z'],
    ['no dash after the base', 'ci20261001T020304Z0'],
    ['text after the suffix', 'ci-20261001T020304Zold'],
    ['an impossible date', 'ci-20261301T000000Z'],
    ['no suffix', 'ci-latest'],
  ])('is not a generation: %s', (_, name) => {
    expect(generationTime('ci', name)).toBeNull();
  });
});

describe('patterns: only * is special', () => {
  it.each([
    ['gitops-*', 'gitops-a', true],
    ['gitops-*', 'gitops-', true],
    ['gitops-*', 'xgitops-a', false],
    ['*-keep', 'a-keep', true],
    ['a*b*c', 'aXbYc', true],
    ['a.b', 'a.b', true],
    ['a.b', 'aXb', false],
    ['a+', 'aa', false],
    ['(a)', '(a)', true],
    ['exact', 'exact', true],
    ['exact', 'exactly', false],
  ])('%s ~ %s: %s', (pattern, name, expected) => {
    expect(matchesGlob(pattern, name)).toBe(expected);
    expect(matchesGlob(pattern, name)).toBe(expected); // the second ask comes from the cache
  });

  it('matchesAny: any pattern of the list', () => {
    expect(matchesAny(['x-*', 'gitops-*'], 'gitops-a')).toBe(true);
    expect(matchesAny([], 'gitops-a')).toBe(false);
  });

  it('many patterns (a daemon reading edited manifests for months) still answer right past the cache bound', () => {
    for (let i = 0; i < 1200; i += 1) expect(matchesGlob(`p${i}-*`, `p${i}-x`)).toBe(true);
    expect(matchesGlob('p5-*', 'p6-x')).toBe(false);
  });
});

describe('a retired generation kept by the rules', () => {
  const account = desiredAccount('elastic/kibana', { prune: 'none', owns: ['ci-*'], protect: [] });
  const generation = { name: 'ci-20260101T000000Z', reason: 'rotated out', rotation: { everyMs: 1, overlapMs: 1 } };
  it.each([
    ['token', 'ci-20260101T000000Z is no longer needed by rotating token ci (rotated out), but prune is off'],
    ['file token', 'file token ci-20260101T000000Z is no longer needed by rotating file token ci (rotated out), but prune is off'],
  ] as const)('%s: says why it stays', (kind, start) => {
    const warning = keptGenerationWarning(account, 'ci', generation, kind);
    expect(warning?.code).toBe('ESCRED_GENERATION_KEPT');
    expect(warning?.message.startsWith(start)).toBe(true);
    expect(warning?.message).toContain("(it matches owns 'ci-*'): rotation deletes only under prune: owned");
  });

  it('no warning when the rules let it go', () => {
    expect(keptGenerationWarning({ ...account, prune: 'owned' }, 'ci', generation, 'token')).toBeUndefined();
  });
});
