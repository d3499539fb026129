/**
 * Stand-ins for the `vault` and `kubectl` CLIs (neither can be installed here): small Node scripts
 * put on PATH that accept exactly the argv and stdin escred's adapters are documented to send,
 * refuse anything else (exit 1, "stand-in ...: unexpected"), and keep state in a folder so that
 * store, list, read and delete round-trip. Every call's argv (never its stdin) goes to a log.
 *
 * What they check, from each CLI's documentation:
 * - vault (https://developer.hashicorp.com/vault/docs/commands/kv/put): `kv put -mount=M PATH key=-`
 *   reads the value from stdin ("Or it can be read from stdin using the "-" symbol").
 *   kv get (https://developer.hashicorp.com/vault/docs/commands/kv/get): `-field` prints the field
 *   only, with no trailing newline. kv list (https://developer.hashicorp.com/vault/docs/commands/kv/list):
 *   "Folders are suffixed with /", `-format=json`. kv metadata delete
 *   (https://developer.hashicorp.com/vault/docs/commands/kv/metadata): deletes all versions and
 *   metadata, "Success! Data deleted (if it existed)". Exit codes
 *   (https://developer.hashicorp.com/vault/docs/commands): 0 success, 1 local error, 2 remote error;
 *   a missing path is "No value found at <mount>/data/<path>" (metadata/ for list) with exit 2.
 *   Flags come before the positional arguments (Go's flag parsing stops at the first non-flag).
 * - kubectl apply (https://kubernetes.io/docs/reference/kubectl/generated/kubectl_apply):
 *   `-f -` reads the object from stdin ("cat pod.json | kubectl apply -f -"), JSON accepted;
 *   `--server-side` and `--field-manager` (https://kubernetes.io/docs/reference/using-api/server-side-apply/).
 *   kubectl get (https://kubernetes.io/docs/reference/kubectl/generated/kubectl_get): `-l` selector,
 *   `-o json` (a List for several objects), `--ignore-not-found` ("If the requested object does not
 *   exist the command will return exit code 0"). kubectl delete
 *   (https://kubernetes.io/docs/reference/kubectl/generated/kubectl_delete): `-l`, `--ignore-not-found`.
 *   A Secret's `data` values are base64 (https://kubernetes.io/docs/concepts/configuration/secret/).
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface StandIns {
  /** put this first on PATH */
  bin: string;
  /** the environment the stand-ins need (state folder and log), merged into process.env */
  env: NodeJS.ProcessEnv;
  /** every argv the stand-ins received, in order */
  calls(): string[][];
}

const HEADER = `import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
const argv = process.argv.slice(2);
const state = process.env.STANDIN_STATE;
appendFileSync(process.env.STANDIN_LOG, JSON.stringify([NAME, ...argv]) + '\\n');
const fail = (code, message) => { process.stderr.write(message + '\\n'); process.exit(code); };
const unexpected = () => fail(1, 'stand-in ' + NAME + ': unexpected arguments: ' + JSON.stringify(argv));
if ((process.env.STANDIN_FAIL ?? '') !== '' && argv.join(' ').includes(process.env.STANDIN_FAIL)) fail(2, 'stand-in ' + NAME + ': refused (STANDIN_FAIL)');
// STANDIN_ECHO_VALUE: a store fails, quoting pieces of the value as a careless CLI might: a slice of
// it, a slice of the secret inside the bearer, a slice of its base64 (none of them the whole value)
const echoPieces = (value) => {
  if (!process.env.STANDIN_ECHO_VALUE) return;
  const secret = Buffer.from(value, 'base64').toString('utf8').split(':').slice(1).join(':');
  fail(2, 'stand-in ' + NAME + ': refused ' + value.slice(3, 19) + '... (secret ' + secret.slice(2, 14) + ', stored as ' + Buffer.from(value).toString('base64').slice(6, 30) + ')');
};
const writeAtomic = (file, text) => { mkdirSync(dirname(file), { recursive: true }); writeFileSync(file + '.tmp', text); renameSync(file + '.tmp', file); };
`;

const VAULT = `const NAME = 'vault';
${HEADER}
const SEGMENT = /^[A-Za-z0-9_.-]+$/;
const parts = (path) => { const p = path.split('/'); if (!p.every((s) => SEGMENT.test(s) && s !== '.' && s !== '..')) unexpected(); return p; };
const mountOf = (flag) => /^-mount=([A-Za-z0-9_.-]+)$/.exec(flag ?? '')?.[1] ?? unexpected();
const leaf = (mount, path) => join(state, mount, ...parts(path)) + '.secret';
const expectedAddr = process.env.STANDIN_EXPECT_VAULT_ADDR;
if (expectedAddr && process.env.VAULT_ADDR !== expectedAddr) fail(1, 'stand-in vault: VAULT_ADDR is not ' + expectedAddr);
const [a0, a1, a2, a3, a4] = argv;
if (a0 !== 'kv') unexpected();
if (a1 === 'put' && argv.length === 5 && a4 === 'value=-') {
  const mount = mountOf(a2);
  const value = readFileSync(0, 'utf8');
  if (value === '') fail(1, 'stand-in vault: value=- but stdin is empty');
  echoPieces(value);
  // the value as is, one file per path: a test's leak check can treat the state folder as the sink
  writeAtomic(leaf(mount, a3), value);
  process.stdout.write('== Secret Path ==\\n' + mount + '/data/' + a3 + '\\n');
} else if (a1 === 'get' && argv.length === 5 && a3 === '-field=value') {
  const mount = mountOf(a2);
  const file = leaf(mount, a4);
  if (!existsSync(file)) fail(2, 'No value found at ' + mount + '/data/' + a4);
  process.stdout.write(readFileSync(file, 'utf8'));
} else if (a1 === 'metadata' && a2 === 'delete' && argv.length === 5) {
  const mount = mountOf(a3);
  let file = leaf(mount, a4);
  rmSync(file, { force: true });
  // Vault lists no empty folders: drop the ones this delete emptied
  for (let dir = dirname(file); dir !== join(state, mount) && existsSync(dir) && readdirSync(dir).length === 0; dir = dirname(dir)) rmdirSync(dir);
  process.stdout.write('Success! Data deleted (if it existed) at: ' + mount + '/metadata/' + a4 + '\\n');
} else if (a1 === 'list' && argv.length === 5 && a2 === '-format=json' && a4.endsWith('/')) {
  const mount = mountOf(a3);
  const dir = join(state, mount, ...parts(a4.slice(0, -1)));
  const entries = existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((e) => !e.name.endsWith('.tmp')) : [];
  if (entries.length === 0) fail(2, 'No value found at ' + mount + '/metadata/' + a4);
  const names = entries.map((e) => (e.isDirectory() ? e.name + '/' : e.name.replace(/\\.secret$/, ''))).sort();
  process.stdout.write(JSON.stringify(names, null, 2) + '\\n');
} else unexpected();
`;

const KUBECTL = `const NAME = 'kubectl';
${HEADER}
const DNS = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
// every call is: VERB [RESOURCE] [NAME] --namespace NS [--context C] FLAGS...
const at = argv.indexOf('--namespace');
if (at < 1 || !DNS.test(argv[at + 1] ?? '')) unexpected();
const namespace = argv[at + 1];
const head = argv.slice(0, at);
let rest = argv.slice(at + 2);
if (rest[0] === '--context') { if (!rest[1]) unexpected(); rest = rest.slice(2); }
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const folder = join(state, namespace);
const all = () => (existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.json')) : []).map((f) => JSON.parse(readFileSync(join(folder, f), 'utf8')));
const matches = (selector) => (secret) => selector.split(',').every((term) => { const [k, v] = term.split('='); return secret.metadata.labels?.[k] === v; });
if (same(head, ['apply']) && same(rest, ['--server-side', '--field-manager=escred', '-f', '-', '-o', 'name'])) {
  const object = JSON.parse(readFileSync(0, 'utf8'));
  const { metadata = {}, data = {} } = object;
  if (object.apiVersion !== 'v1' || object.kind !== 'Secret' || !DNS.test(metadata.name ?? '') || metadata.name.length > 253) fail(1, 'stand-in kubectl: not a valid Secret');
  if (metadata.namespace !== undefined && metadata.namespace !== namespace) fail(1, 'error: the namespace from the provided object does not match the namespace sent on the request');
  for (const v of Object.values(data)) if (Buffer.from(v, 'base64').toString('base64') !== v) fail(1, 'stand-in kubectl: data must be base64');
  for (const v of Object.values(data)) echoPieces(Buffer.from(v, 'base64').toString('utf8'));
  writeAtomic(join(folder, metadata.name + '.json'), JSON.stringify({ ...object, metadata: { ...metadata, namespace } }));
  process.stdout.write('secret/' + metadata.name + '\\n');
} else if (same(head, ['get', 'secrets']) && rest.length === 4 && rest[0] === '-l' && same(rest.slice(2), ['-o', 'json'])) {
  process.stdout.write(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: all().filter(matches(rest[1])) }) + '\\n');
} else if (head.length === 3 && head[0] === 'get' && head[1] === 'secret' && same(rest, ['--ignore-not-found', '-o', 'json'])) {
  const file = join(folder, head[2] + '.json');
  if (existsSync(file)) process.stdout.write(readFileSync(file, 'utf8') + '\\n');
} else if (same(head, ['delete', 'secret']) && rest.length === 3 && rest[0] === '-l' && rest[2] === '--ignore-not-found') {
  const doomed = all().filter(matches(rest[1]));
  for (const s of doomed) { rmSync(join(folder, s.metadata.name + '.json')); process.stdout.write('secret "' + s.metadata.name + '" deleted\\n'); }
  if (doomed.length === 0) process.stderr.write('No resources found\\n');
} else unexpected();
`;

export function installStandIns(dir: string, options: { escredCli?: string; stateDir?: string } = {}): StandIns {
  const bin = join(dir, 'bin');
  const state = options.stateDir ?? join(dir, 'state');
  const log = join(dir, 'calls.jsonl');
  mkdirSync(bin, { recursive: true });
  mkdirSync(state, { recursive: true });
  writeFileSync(log, '');
  const install = (name: string, text: string) => {
    writeFileSync(join(bin, name), text);
    chmodSync(join(bin, name), 0o755);
  };
  // a shell wrapper: an extensionless file outside a "type": "module" package would load as CommonJS
  const installNode = (name: string, script: string) => {
    writeFileSync(join(dir, `${name}.mjs`), script);
    install(name, `#!/bin/sh\nexec "${process.execPath}" "${join(dir, `${name}.mjs`)}" "$@"\n`);
  };
  installNode('vault', VAULT);
  installNode('kubectl', KUBECTL);
  // `exec: [escred, sink, ...]` as a manifest writes it: escred on PATH is the built CLI
  if (options.escredCli) install('escred', `#!/bin/sh\nexec "${process.execPath}" "${options.escredCli}" "$@"\n`);
  return {
    bin,
    env: { PATH: `${bin}:${process.env['PATH'] ?? ''}`, STANDIN_STATE: state, STANDIN_LOG: log },
    calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as string[]),
  };
}
