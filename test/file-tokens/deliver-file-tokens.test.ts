import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeBearer, encodeBearer } from '../../src/file-tokens/bearer.js';
import { applyNodeFileTokens, renderFileTokensOut } from '../../src/file-tokens/deliver-file-tokens.js';
import { hashPbkdf2Stretch, verifyServiceTokenHash } from '../../src/file-tokens/hasher.js';
import { parseServiceTokens } from '../../src/file-tokens/service-tokens-parser.js';
import type { DesiredAccount } from '../../src/model.js';
import { desiredAccount, desiredCluster, desiredFileToken, THREE_NODES } from '../support/state-builders.js';
import { MemorySink } from './memory-sink.js';

const FLEET = 'elastic/fleet-server';
const observed = { nodes: THREE_NODES };
let out: string;
beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), 'escred-deliver-'));
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

function cluster(...accounts: DesiredAccount[]) {
  return desiredCluster('prod', accounts);
}
const fleet = (extra: Partial<DesiredAccount> = {}) => desiredAccount(FLEET, { fileTokens: [desiredFileToken('bootstrap')], ...extra });
const secretOf = (sink: MemorySink, key: string) => decodeBearer(sink.values.get(key) ?? '')?.secret ?? '';
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();

describe('renderFileTokensOut', () => {
  it('writes one shared file when every node gets the same lines; its hash verifies the sink value', async () => {
    const sink = new MemorySink();
    const result = await renderFileTokensOut({ outDir: out, cluster: cluster(fleet()), observed, sink });
    const shared = join(out, 'prod', 'service_tokens');
    expect(filesUnder(out)).toEqual([shared]);
    expect(result.newKeys).toEqual([`${FLEET}/bootstrap`]);
    expect(result.files.map((f) => [f.path, f.isChanged])).toEqual([[shared, true]]);
    const bearer = sink.values.get(`prod/${FLEET}/bootstrap`)!;
    expect(decodeBearer(bearer)).toMatchObject({ namespace: 'elastic', service: 'fleet-server', tokenName: 'bootstrap' });
    const parsed = parseServiceTokens(readFileSync(shared, 'utf8'));
    expect(verifyServiceTokenHash(decodeBearer(bearer)!.secret, parsed.tokens.get(`${FLEET}/bootstrap`)!)).toBe(true);
    expect(statSync(shared).mode & 0o777).toBe(0o640);
  });

  it('a rerun without manifest change leaves every file byte-identical and creates no secret', async () => {
    const sink = new MemorySink();
    const desired = cluster(fleet({ fileTokens: [desiredFileToken('bootstrap'), desiredFileToken('edge', ['node-2'])] }));
    await renderFileTokensOut({ outDir: out, cluster: desired, observed, sink });
    const before = filesUnder(out).map((f) => [f, readFileSync(f, 'utf8'), statSync(f).ino]);
    expect(before).toHaveLength(3);
    const stores = sink.events.filter((e) => e.startsWith('store')).length;
    const rerun = await renderFileTokensOut({ outDir: out, cluster: desired, observed, sink });
    expect(filesUnder(out).map((f) => [f, readFileSync(f, 'utf8'), statSync(f).ino])).toEqual(before);
    expect(rerun.files.every((f) => !f.isChanged && f.diff === '')).toBe(true);
    expect(rerun.newKeys).toEqual([]);
    expect(sink.events.filter((e) => e.startsWith('store')).length).toBe(stores);
  });

  it('writes per-node files when nodes differ, every node with the same secret and hash for a name', async () => {
    const sink = new MemorySink();
    await renderFileTokensOut({ outDir: out, cluster: cluster(fleet()), observed, sink });
    const desired = cluster(fleet({ fileTokens: [desiredFileToken('bootstrap'), desiredFileToken('edge', ['node-0', 'node-2'])] }));
    const result = await renderFileTokensOut({ outDir: out, cluster: desired, observed, sink });
    const nodeFiles = THREE_NODES.map((n) => join(out, 'prod', n.name, 'service_tokens'));
    expect(filesUnder(out)).toEqual(nodeFiles);
    expect(result.removed.map((r) => r.path)).toEqual([join(out, 'prod', 'service_tokens')]);
    const tokens = nodeFiles.map((f) => parseServiceTokens(readFileSync(f, 'utf8')).tokens);
    expect(tokens.map((t) => [...t.keys()])).toEqual([
      [`${FLEET}/bootstrap`, `${FLEET}/edge`], [`${FLEET}/bootstrap`], [`${FLEET}/bootstrap`, `${FLEET}/edge`],
    ]);
    // the bootstrap hash came from the shared file: reused, not re-salted
    expect(new Set(tokens.map((t) => t.get(`${FLEET}/bootstrap`))).size).toBe(1);
    expect(tokens[0]!.get(`${FLEET}/edge`)).toBe(tokens[2]!.get(`${FLEET}/edge`));
    expect(verifyServiceTokenHash(secretOf(sink, `prod/${FLEET}/edge`), tokens[0]!.get(`${FLEET}/edge`)!)).toBe(true);
  });

  it('stores a new secret in the sink before any file holds its line; a failing sink leaves no file', async () => {
    const seen: string[] = [];
    const sink = new MemorySink((secret) => {
      const texts = existsSync(out) ? filesUnder(out).map((f) => readFileSync(f, 'utf8')) : [];
      seen.push(`${secret.key.token} in files: ${texts.some((t) => t.includes(`/${secret.key.token}:`))}`);
    });
    await renderFileTokensOut({ outDir: out, cluster: cluster(fleet()), observed, sink });
    expect(seen).toEqual(['bootstrap in files: false']);
    expect(readFileSync(join(out, 'prod', 'service_tokens'), 'utf8')).toContain(`${FLEET}/bootstrap:`);
    expect(sink.events.at(-1)).toBe(`store prod/${FLEET}/bootstrap file`);

    const failing = new MemorySink(() => {
      throw new Error('sink down');
    });
    const other = join(out, 'other');
    await expect(renderFileTokensOut({ outDir: other, cluster: cluster(fleet()), observed, sink: failing })).rejects.toThrow('sink down');
    expect(existsSync(other)).toBe(false);
  });

  it('keeps unowned lines and comments, removes only owned lines, never protected ones', async () => {
    const shared = join(out, 'prod', 'service_tokens');
    mkdirSync(join(out, 'prod'));
    const h = hashPbkdf2Stretch('0123456789abcdef', { iterations: 1000 });
    const manual = `# written by ops\n${FLEET}/manual:${h}\n${FLEET}/gitops-old:${h}\n${FLEET}/gitops-keep:${h}\nelastic/kibana/gitops-x:${h}\n`;
    writeFileSync(shared, manual);
    const account = fleet({ prune: 'owned', owns: ['gitops-*'], protect: ['gitops-keep'] });
    await renderFileTokensOut({ outDir: out, cluster: cluster(account), observed, sink: new MemorySink() });
    const text = readFileSync(shared, 'utf8');
    // the new key goes to its sorted place, above the comment that belongs to the next line
    expect(text).toMatch(new RegExp(`\\n${FLEET}/bootstrap:[^\\n]+\\n# written by ops\\n${FLEET}/manual:`));
    expect(text).toContain(`${FLEET}/manual:${h}\n`);
    expect(text).toContain(`${FLEET}/gitops-keep:${h}\n`);
    expect(text).toContain(`elastic/kibana/gitops-x:${h}\n`);
    expect(text).not.toContain('gitops-old');
  });

  it('replaces a line whose hash does not verify the sink value, keeps one that does', async () => {
    const sink = new MemorySink();
    const bearer = (name: string, secret: string) => encodeBearer({ namespace: 'elastic', service: 'fleet-server', tokenName: name }, secret);
    sink.values.set(`prod/${FLEET}/bootstrap`, bearer('bootstrap', 'sink-secret-aaaa'));
    sink.values.set(`prod/${FLEET}/other`, bearer('other', 'sink-secret-bbbb'));
    const good = hashPbkdf2Stretch('sink-secret-aaaa', { iterations: 1000 });
    const stale = hashPbkdf2Stretch('some-other-secret', { iterations: 1000 });
    mkdirSync(join(out, 'prod'));
    writeFileSync(join(out, 'prod', 'service_tokens'), `${FLEET}/bootstrap:${good}\n${FLEET}/other:${stale}\n`);
    const account = fleet({ fileTokens: [desiredFileToken('bootstrap'), desiredFileToken('other')] });
    const result = await renderFileTokensOut({ outDir: out, cluster: cluster(account), observed, sink });
    const tokens = parseServiceTokens(readFileSync(join(out, 'prod', 'service_tokens'), 'utf8')).tokens;
    expect(tokens.get(`${FLEET}/bootstrap`)).toBe(good);
    expect(tokens.get(`${FLEET}/other`)).not.toBe(stale);
    expect(verifyServiceTokenHash('sink-secret-bbbb', tokens.get(`${FLEET}/other`)!)).toBe(true);
    expect(result.newKeys).toEqual([]);
    expect(result.files[0]!.diff).toMatch(/^-elastic\/fleet-server\/other:\{PBKDF2_STRETCH\}1000\$.{6}…$/m);
    expect(result.files[0]!.diff).toMatch(/^\+elastic\/fleet-server\/other:\{PBKDF2_STRETCH\}10000\$.{6}…$/m);
  });

  it("refuses '*' when the node list is unavailable, before storing or writing anything", async () => {
    const sink = new MemorySink();
    await expect(renderFileTokensOut({ outDir: out, cluster: cluster(fleet()), observed: { nodes: null }, sink }))
      .rejects.toMatchObject({ code: 'ESCRED_NODE_LIST_UNAVAILABLE', message: expect.stringContaining('node list') });
    expect(sink.values.size).toBe(0);
    expect(readdirSync(out)).toEqual([]);
  });

  it('refuses a sink value that is not a bearer for the key, without overwriting it', async () => {
    const sink = new MemorySink();
    sink.values.set(`prod/${FLEET}/bootstrap`, 'not-a-bearer');
    await expect(renderFileTokensOut({ outDir: out, cluster: cluster(fleet()), observed, sink }))
      .rejects.toMatchObject({ code: 'ESCRED_SINK_VALUE_INVALID' });
    expect(sink.values.get(`prod/${FLEET}/bootstrap`)).toBe('not-a-bearer');
  });

  it('dry run returns the diffs and stores and writes nothing', async () => {
    const sink = new MemorySink();
    const result = await renderFileTokensOut({ outDir: out, cluster: cluster(fleet()), observed, sink, isDryRun: true });
    expect(result.newKeys).toEqual([`${FLEET}/bootstrap`]);
    expect(result.files[0]!.diff).toMatch(/^\+elastic\/fleet-server\/bootstrap:\{PBKDF2_STRETCH\}10000\$.{6}…$/m);
    expect(sink.values.size).toBe(0);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('applyNodeFileTokens', () => {
  it('edits only the local file; every node ends up with the same secret for a name', async () => {
    const sink = new MemorySink();
    const desired = cluster(fleet({ fileTokens: [desiredFileToken('bootstrap'), desiredFileToken('only0', ['node-0'])] }));
    const paths = THREE_NODES.map((n) => join(out, `${n.name}.service_tokens`));
    for (const [i, node] of THREE_NODES.entries()) {
      await applyNodeFileTokens({ nodeName: node.name, path: paths[i]!, cluster: desired, observed, sink });
    }
    const secret = secretOf(sink, `prod/${FLEET}/bootstrap`);
    const tokens = paths.map((p) => parseServiceTokens(readFileSync(p, 'utf8')).tokens);
    expect(tokens.every((t) => verifyServiceTokenHash(secret, t.get(`${FLEET}/bootstrap`)!))).toBe(true);
    expect(tokens.map((t) => t.has(`${FLEET}/only0`))).toEqual([true, false, false]);
    expect(sink.events.filter((e) => e.startsWith('store'))).toEqual([`store prod/${FLEET}/bootstrap file`, `store prod/${FLEET}/only0 file`]);
    const again = await applyNodeFileTokens({ nodeName: 'node-1', path: paths[1]!, cluster: desired, observed, sink });
    expect(again.files[0]!.isChanged).toBe(false);
  });

  it("resolves '*' to the local node even without the node list; refuses a node the cluster does not have", async () => {
    const path = join(out, 'service_tokens');
    await applyNodeFileTokens({ nodeName: 'node-9', path, cluster: cluster(fleet()), observed: { nodes: null }, sink: new MemorySink() });
    expect(readFileSync(path, 'utf8')).toContain(`${FLEET}/bootstrap:`);
    await expect(applyNodeFileTokens({ nodeName: 'node-9', path, cluster: cluster(fleet()), observed, sink: new MemorySink() }))
      .rejects.toMatchObject({ code: 'ESCRED_UNKNOWN_NODE' });
  });
});

describe('a sink that cannot read values back (exec)', () => {
  it('out-dir: stores new values once, then keeps the lines byte-identical without new secrets', async () => {
    const sink = new MemorySink(undefined, false);
    const desired = cluster(fleet());
    const first = await renderFileTokensOut({ outDir: out, cluster: desired, observed, sink });
    expect(first.newKeys).toEqual([`${FLEET}/bootstrap`]);
    const text = readFileSync(join(out, 'prod', 'service_tokens'), 'utf8');
    const second = await renderFileTokensOut({ outDir: out, cluster: desired, observed, sink });
    expect(second.newKeys).toEqual([]);
    expect(readFileSync(join(out, 'prod', 'service_tokens'), 'utf8')).toBe(text);
    expect(sink.events.filter((e) => e.startsWith('store'))).toHaveLength(1);
    expect(verifyServiceTokenHash(secretOf(sink, `prod/${FLEET}/bootstrap`), parseServiceTokens(text).tokens.get(`${FLEET}/bootstrap`)!)).toBe(true);
  });

  it('node mode refuses it: nodes could not share one secret', async () => {
    const path = join(out, 'service_tokens');
    await expect(applyNodeFileTokens({ nodeName: 'node-0', path, cluster: cluster(fleet()), observed, sink: new MemorySink(undefined, false) }))
      .rejects.toMatchObject({ code: 'ESCRED_SINK_NOT_READABLE' });
    expect(existsSync(path)).toBe(false);
  });
});

describe('failures before any write', () => {
  it('out-dir needs the node list even without a * token', async () => {
    const sink = new MemorySink();
    const desired = cluster(fleet({ fileTokens: [desiredFileToken('a', ['node-0'])] }));
    await expect(renderFileTokensOut({ outDir: out, cluster: desired, observed: { nodes: null }, sink }))
      .rejects.toMatchObject({ code: 'ESCRED_NODE_LIST_UNAVAILABLE' });
    expect(sink.values.size).toBe(0);
  });

  it('a file Elasticsearch would ignore stops the run before the first secret is stored', async () => {
    const sink = new MemorySink();
    const path = join(out, 'service_tokens');
    const desired = cluster(
      fleet({ fileTokens: [desiredFileToken('a', ['node-0'])] }),
      desiredAccount('elastic/kibana', { fileTokens: [desiredFileToken('b')] }),
    );
    writeFileSync(path, 'broken line without colon\n');
    await expect(applyNodeFileTokens({ nodeName: 'node-0', path, cluster: desired, observed, sink }))
      .rejects.toMatchObject({ code: 'ESCRED_SERVICE_TOKENS_INVALID' });
    expect(readFileSync(path, 'utf8')).toBe('broken line without colon\n');
    expect(sink.values.size).toBe(0);
    mkdirSync(join(out, 'prod', 'node-1'), { recursive: true });
    writeFileSync(join(out, 'prod', 'node-1', 'service_tokens'), 'broken\n');
    await expect(renderFileTokensOut({ outDir: out, cluster: desired, observed, sink }))
      .rejects.toMatchObject({ code: 'ESCRED_SERVICE_TOKENS_INVALID' });
    expect(sink.values.size).toBe(0);
    expect(filesUnder(join(out, 'prod'))).toEqual([join(out, 'prod', 'node-1', 'service_tokens')]);
  });
});

describe('group option', () => {
  it('an unknown group fails before any secret is stored', async () => {
    const sink = new MemorySink();
    await expect(renderFileTokensOut({ outDir: out, cluster: cluster(fleet()), observed, sink, group: 'no-such-group-escred' }))
      .rejects.toMatchObject({ code: 'ESCRED_CONFIG' });
    await expect(applyNodeFileTokens({ nodeName: 'node-0', path: join(out, 'st'), cluster: cluster(fleet()), observed, sink, group: 'no-such-group-escred' }))
      .rejects.toMatchObject({ code: 'ESCRED_CONFIG' });
    expect(sink.values.size).toBe(0);
  });

  it.runIf(process.getuid?.() === 0)('every written file gets the group, mode 0640', async () => {
    await renderFileTokensOut({ outDir: out, cluster: cluster(fleet()), observed, sink: new MemorySink(), group: 1 });
    const file = join(out, 'prod', 'service_tokens');
    expect([statSync(file).gid, statSync(file).mode & 0o777]).toEqual([1, 0o640]);
  });
});
