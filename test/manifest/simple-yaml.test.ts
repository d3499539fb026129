import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument, stringify } from 'yaml';
import type { DataPath } from '../../src/manifest/manifest-locator.js';
import { NodeLocator } from '../../src/manifest/node-locator.js';
import { SimpleLocator } from '../../src/manifest/simple-locator.js';
import { parseSimpleYaml, type SimpleNode } from '../../src/manifest/simple-yaml.js';
import { loadWithYaml } from '../../src/manifest/load-yaml-file.js';
import { loadManifest } from '../../src/manifest/load-manifest.js';
import { allBuiltInAccounts } from '../../src/es/built-in-accounts.js';
import { tempDir } from './manifest-fixture.js';

const FILE = '/m/escred.yaml';

/** Every path the fast reader recorded, with whether its value is an empty (null) block value. */
function pathsOf(node: SimpleNode, prefix: Array<string | number> = []): DataPath[] {
  const out: DataPath[] = [prefix];
  for (const [key, entry] of node.entries ?? []) out.push(...pathsOf(entry.node, [...prefix, key]));
  (node.items ?? []).forEach((item, index) => out.push(...pathsOf(item, [...prefix, index])));
  return out;
}

/**
 * The fast reader's contract: when it answers, yaml (with the options the manifest loader uses)
 * reads the same text without error or warning, to the same data, and every key and value the
 * fast reader knows is where yaml's Document puts it.
 */
function expectAgreesWithYaml(text: string): boolean {
  const simple = parseSimpleYaml(text);
  if (!simple) return false;
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: true });
  expect(document.errors).toEqual([]);
  expect(document.warnings).toEqual([]);
  expect(simple.data).toEqual(document.toJS());
  const full = new NodeLocator(FILE, document, lineCounter);
  const fast = new SimpleLocator(FILE, simple.root);
  for (const at of pathsOf(simple.root)) {
    expect({ at, key: fast.key(at) }).toEqual({ at, key: full.key(at) });
    const value = at.reduce<unknown>((data, segment) => (data as Record<string, unknown>)[segment], simple.data);
    // An empty block value (`key:` and nothing) is never a source position: it is only read for a
    // diagnostic, and any diagnostic sends the file to yaml (load-manifest.ts).
    if (value !== null) expect({ at, value: fast.value(at) }).toEqual({ at, value: full.value(at) });
  }
  // A path that is not in the document resolves to the deepest node that is, as NodeLocator does.
  expect(fast.key(['clusters', 0, 'nope', 'deeper'])).toEqual(full.key(['clusters', 0, 'nope', 'deeper']));
  return true;
}

const ACCEPTED = [
  'apiVersion: escred/v1\n',
  '---\napiVersion: escred/v1\nclusters:\n  - name: a\n    url: https://es:9200\n',
  '# head\napiVersion: escred/v1   # trailing\n\n\nsecrets:\n  # inside\n  directory: ./s\n',
  'clusters:\n- name: a\n  tokens:\n  - name: b\n  - name: c\nnext: 1\n',
  'a:\n  b:\n    c: [x, "y", \'z\']\n  d: { env: K, more: { file: ./f } }\n  e: []\n  f: {}\n',
  'n: ~\nm: null\nt: true\nf: false\ni: 10\nz: 007\ns: 10s\nu: https://u@h:9200/p\nw: two words here\nh: a#b\n',
  'k: "quoted: with colon # and hash"\nq: \'single\'\n"quoted key": 1\n\'other/key\': x\n',
  'list:\n  -   name: deep\n      x: 1\n  - plain\n  - [a, b]\n  - {a: b}\n',
  'empty:\nafter: 1\n',
  'a: x   \nb:    y\n',
  '"": x\n', 'a: -x\nb: [-y, "z"]\n', 'a: x:y\n', 'a: "a # b" # c\n', 'a: b,c\n', 'a: [b c, d]\n', 'a: {x: [1, {y: z}]}\n', 'a: .x\n',
];

const REFUSED = [
  'a: &x 1\nb: *x\n', 'a: !!str 1\n', '%YAML 1.2\n---\na: 1\n', 'a: |\n  text\n', 'a: >\n  text\n',
  'a: multi\n  line\n', 'a: "esc\\n"\n', 'a:\tb\n', 'a: b\r\n', 'a: 1.5\n', 'a: 0x1f\n', 'a: .inf\n', 'a: +1\n',
  'a: 1\na: 2\n', 'a: [x, ]\n', 'a: [x\n', 'a: {b: }\n', 'a: b: c\n', '- a\n', 'a: b\n---\nc: d\n', 'a: b\n...\n',
  'a:\n  b\n', '? a\n: b\n', '1: x\n', 'true: x\n', 'a: \u00e9\n', '\ufeffa: b\n', 'a: "x" y\n', "a: 'it''s'\n",
  'a:\n- x\n -y\n', 'a: -\n', '-a: b\n', 'a: [1.5]\n', 'a: `x`\n', 'a: @x\n', 'a: b #c\n  d: e\n', '__proto__: x\n',
];

describe('the fast YAML reader answers only where yaml agrees', () => {
  it.each(ACCEPTED)('reads %j as yaml does, positions included', (text) => {
    expect(expectAgreesWithYaml(text)).toBe(true);
  });

  it.each(REFUSED)('leaves %j to yaml', (text) => {
    expect(parseSimpleYaml(text)).toBeUndefined();
  });

  it('reads every example manifest it accepts as yaml does', () => {
    const root = path.join(import.meta.dirname, '..', '..', 'examples');
    const files = [...readdirSync(root), ...readdirSync(path.join(root, 'multi-cluster')).map((f) => `multi-cluster/${f}`)]
      .filter((f) => f.endsWith('.yaml'));
    const accepted = files.filter((f) => expectAgreesWithYaml(readFileSync(path.join(root, f), 'utf8')));
    expect(accepted).toContain('quickstart.yaml');
  });

  const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/);
  const scalar = fc.oneof(word, fc.integer({ min: 0, max: 99999 }), fc.boolean(), fc.constant(null),
    fc.constantFrom('https://es:9200', 'gitops-*', './s', 'a b', 'x#y', '10s', 'Yes', 'on', '~x', ''));
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(word, tie('node'), { maxKeys: 3 })),
  })).node;
  const documentOf = fc.dictionary(word, value, { minKeys: 1, maxKeys: 4 });

  it('manifest-like data written by yaml in any style reads back the same, positions included', () => {
    const options = fc.record({ indentSeq: fc.boolean(), indent: fc.integer({ min: 2, max: 4 }), flowCollectionPadding: fc.boolean(),
      collectionStyle: fc.constantFrom('any', 'block', 'flow') });
    let accepted = 0;
    fc.assert(fc.property(documentOf, options, (data, style) => {
      const text = style.collectionStyle === 'flow' ? `doc: ${stringify(data, { ...style, collectionStyle: 'flow' })}` : stringify(data, style);
      if (expectAgreesWithYaml(text)) accepted++;
      // yaml writes block style one scalar per line, what the fast reader is for (but an empty
      // collection on a line of its own, `a:\n  {}`, and a list in a list, `- - x`, which it leaves to yaml)
      if (style.collectionStyle === 'block' && !/^ *(\{\}|\[\])$|^ *- -/m.test(text)) expect(parseSimpleYaml(text)).toBeDefined();
    }), { numRuns: 300 });
    expect(accepted).toBeGreaterThan(100);
  });

  it('mutated manifests: whatever the fast reader accepts, yaml reads the same way', () => {
    const base = readFileSync(path.join(import.meta.dirname, '..', '..', 'examples', 'quickstart.yaml'), 'utf8');
    const noise = fc.constantFrom(' ', '  ', '-', '- ', ':', ': ', '#', ' #', '[', ']', '{', '}', ',', '"', "'", '&a', '*a', '!', '|', '>',
      '?', '%', '@', '\n', '\n  ', '~', '0', '1.5', 'true', 'null', 'x: y', '---', '\\');
    const edit = fc.tuple(fc.nat({ max: base.length }), fc.nat({ max: 3 }), noise);
    let accepted = 0;
    fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
      let text = base;
      for (const [at, removed, inserted] of edits) text = text.slice(0, at) + inserted + text.slice(at + removed);
      if (expectAgreesWithYaml(text)) accepted++;
    }), { numRuns: 1500 });
    // the edits must leave enough texts the fast reader takes for the check to mean something
    expect(accepted).toBeGreaterThan(300);
  });
});

describe('loadManifest takes the fast path only where it gives what the yaml path gives', () => {
  it('a valid manifest: the same desired state, every source position included', async () => {
    const accounts = Object.fromEntries(['elastic/kibana', 'elastic/fleet-server'].map((p) => [p,
      { prune: 'owned', owns: 'gitops-*', tokens: Array.from({ length: 3 }, (_, i) => ({ name: `gitops-${i}`, ...(i === 1 ? { rotate: { every: '30d', overlap: '1d' } } : {}) })),
        fileTokens: [{ name: 'file-a', nodes: '*' }] }]));
    // structuredClone: a shared object would be written as an anchor and alias, which the fast reader leaves to yaml
    const clusters = ['a', 'b'].map((name) => ({ name, url: `https://${name}:9200`, auth: { apiKey: { env: 'K' } }, serviceAccounts: structuredClone(accounts) }));
    const text = stringify({ apiVersion: 'escred/v1', secrets: { directory: './s' }, clusters });
    expect(parseSimpleYaml(text)).toBeDefined();
    const temp = await tempDir();
    try {
      const file = await temp.write('escred.yaml', text);
      const fast = await loadManifest([file], { cwd: temp.dir });
      expect(fast.diagnostics).toEqual([]);
      const diagnostics: unknown[] = [];
      const full = loadWithYaml(file, text, { knownAccounts: allBuiltInAccounts(), versionLabel: 'any Elasticsearch version' }, diagnostics as never[]);
      expect(diagnostics).toEqual([]);
      expect(fast.desired?.clusters).toEqual(full?.clusters);
      expect(fast.desired?.clusters[1]?.serviceAccounts[0]?.tokens[2]?.source).toEqual({ file, line: expect.any(Number), col: 13 });
    } finally {
      await temp.remove();
    }
  });
});
