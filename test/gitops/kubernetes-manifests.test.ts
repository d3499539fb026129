/**
 * examples/kubernetes/*.yaml: every object is valid against the Kubernetes schemas (kubernetes-models'
 * ajv-compiled validators of the Kubernetes OpenAPI definitions, and the Prometheus Operator's for
 * ServiceMonitor), offline, with no field the schema does not know; the references between the
 * objects hold; the embedded escred manifests validate; every escred command line parses.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadManifest, resolveManifestPaths } from '../../src/manifest/load-manifest.js';
import { parseCliLine, unknownFlags } from './cli-lines.js';

const require = createRequire(import.meta.url);
type Validating = { prototype: { validate(this: unknown): void } };
const MODELS: Record<string, Record<string, Validating>> = {
  v1: require('kubernetes-models/v1'),
  'apps/v1': require('kubernetes-models/apps/v1'),
  'rbac.authorization.k8s.io/v1': require('kubernetes-models/rbac.authorization.k8s.io/v1'),
  'monitoring.coreos.com/v1': require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1'),
};

const DIR = join(import.meta.dirname, '..', '..', 'examples', 'kubernetes');
const CLI_PATH = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();
const objects = FILES.flatMap((file) => parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((doc, i) => ({ file, index: i, object: doc.toJS() })));
const ofKind = (kind: string) => objects.filter((o) => o.object.kind === kind);
const find = (kind: string, namespace: string, name: string) =>
  objects.find((o) => o.object.kind === kind && o.object.metadata.namespace === namespace && o.object.metadata.name === name)?.object;
const workloads = () => [...ofKind('Deployment'), ...ofKind('StatefulSet')];
const containersOf = (w: any): any[] => [...(w.spec.template.spec.initContainers ?? []), ...w.spec.template.spec.containers];
/** the image README.md tells people to build from the Dockerfile (`docker build -t IMAGE .`) */
const README_IMAGE = /docker build -t (\S+) \./.exec(readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8'))?.[1];
const isEscredImage = (image: string) => image.split(':')[0] === README_IMAGE?.split(':')[0];
const escredContainers = () => workloads().flatMap((w) => w.object.spec.template.spec.containers
  .filter((c: any) => isEscredImage(c.image)).map((c: any) => ({ ...w, container: c })));
/** the image's entrypoint is escred (Dockerfile), so a container's args are escred's arguments */
const commandLine = (container: any) => ['escred', ...container.args].join(' ');
const flagValue = (args: string[], flag: string): string => {
  const value = args[args.indexOf(flag) + 1];
  if (args.indexOf(flag) < 0 || value === undefined) throw new Error(`${flag} has no value in: ${args.join(' ')}`);
  return value;
};

/**
 * The Kubernetes schemas accept unknown fields (the API server only drops or, with strict
 * validation, refuses them), so a typo such as `livenesProbe` would pass. The compiled validators
 * read every property their schema defines, and maps (labels, data) entry by entry: a field the
 * validator never read is one the schema does not have.
 */
function validateStrictly(object: any): { errors: string; unknownFields: string[] } {
  const model = MODELS[object.apiVersion]?.[object.kind];
  if (!model) return { errors: `no schema for ${object.apiVersion} ${object.kind}`, unknownFields: [] };
  const read = new Set<string>();
  const track = (value: any, path: string): any => (value === null || typeof value !== 'object' ? value : new Proxy(value, {
    get(target, key, receiver) {
      const child = Reflect.get(target, key, receiver);
      if (typeof key !== 'string' || !Object.hasOwn(target, key)) return child;
      read.add(`${path}/${key}`);
      return track(child, `${path}/${key}`);
    },
  }));
  let errors = '';
  try {
    model.prototype.validate.call(track(object, ''));
  } catch (error) {
    errors = (error as Error).message;
  }
  const paths = (value: any, path: string): string[] => (value && typeof value === 'object'
    ? Object.entries(value).flatMap(([k, v]) => [`${path}/${k}`, ...paths(v, `${path}/${k}`)]) : []);
  return { errors, unknownFields: paths(object, '').filter((p) => !read.has(p)) };
}

describe('examples/kubernetes', () => {
  it('has the daemon, git-sync, RBAC, credentials, manifests, a ServiceMonitor and the node sidecar', () => {
    expect(FILES).toEqual(['credentials-secret.yaml', 'daemon-deployment.yaml', 'daemon-git-sync.yaml', 'manifests-configmap.yaml', 'node-sidecar.yaml', 'rbac.yaml', 'servicemonitor.yaml']);
  });

  it.each(objects.map((o) => [`${o.file}#${o.index} ${o.object.kind} ${o.object.metadata?.name}`, o.object]))('%s is valid, with no unknown field', (_name, object) => {
    expect(validateStrictly(object)).toEqual({ errors: '', unknownFields: [] });
  });

  it.each([
    ['a misspelled field', (d: any) => (d.spec.template.spec.containers[0].livenesProbe = d.spec.template.spec.containers[0].livenessProbe)],
    ['a wrong type', (d: any) => (d.spec.replicas = 'two')],
    ['a missing required field', (d: any) => delete d.spec.selector],
  ])('the check catches %s', (_what, mutate) => {
    const deployment = structuredClone(find('Deployment', 'escred', 'escred'));
    mutate(deployment);
    const result = validateStrictly(deployment);
    expect(result.errors !== '' || result.unknownFields.length > 0).toBe(true);
  });

  // leases (issue 15) make one writer per cluster whatever the replica count (test/chaos/, test/watch/watch-leases.test.ts)
  it('two replicas with a rolling update, since escred has leases (and watch --help says so)', () => {
    for (const file of ['daemon-deployment.yaml', 'daemon-git-sync.yaml']) {
      const deployment = objects.find((o) => o.file === file && o.object.kind === 'Deployment')!.object;
      expect(deployment.spec).toMatchObject({ replicas: 2, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } } });
      expect(readFileSync(join(DIR, file), 'utf8')).toMatch(/one writer per cluster through leases/);
    }
    expect(spawnSync(process.execPath, [CLI_PATH, 'watch', '--help'], { encoding: 'utf8' }).stdout).toMatch(/replicas on one manifest/);
  });

  it('every escred container runs the image README.md says to build, at the package\'s version', () => {
    const version = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')).version;
    expect(README_IMAGE).toBe(`registry.example.com/platform/escred:${version}`);
    const images = workloads().flatMap((w) => containersOf(w.object).map((c: any) => c.image)).filter((image: string) => /escred/.test(image));
    expect(images).toEqual([README_IMAGE, README_IMAGE, README_IMAGE]);
  });

  it('every escred container: known flags, probes on /healthz and /readyz at the --listen port, a writable --state-dir', () => {
    expect(escredContainers()).toHaveLength(3);
    for (const { file, container } of escredContainers()) {
      const line = parseCliLine(commandLine(container));
      expect({ file, unknown: unknownFlags(line) }).toEqual({ file, unknown: [] });
      const port = Number(flagValue(container.args, '--listen').split(':')[1]);
      const portName = container.ports.find((p: any) => p.containerPort === port)?.name;
      expect(portName, file).toBeDefined();
      expect(container.livenessProbe.httpGet).toMatchObject({ path: '/healthz', port: portName });
      expect(container.readinessProbe.httpGet).toMatchObject({ path: '/readyz', port: portName });
      const stateDir = flagValue(container.args, '--state-dir');
      expect(container.volumeMounts.some((m: any) => m.mountPath === stateDir && !m.readOnly), file).toBe(true);
    }
  });

  it('Prometheus: pod annotations and the ServiceMonitor point at the daemon\'s metrics port', () => {
    for (const { object } of ofKind('Deployment')) {
      const args: string[] = object.spec.template.spec.containers.find((c: any) => c.name === 'escred').args;
      expect(object.spec.template.metadata.annotations).toEqual({
        'prometheus.io/scrape': 'true', 'prometheus.io/port': flagValue(args, '--listen').split(':')[1], 'prometheus.io/path': '/metrics',
      });
    }
    const monitor = find('ServiceMonitor', 'escred', 'escred');
    const service = objects.find((o) => o.object.kind === 'Service' && o.object.metadata.namespace === 'escred')!.object;
    expect(service.metadata.labels).toMatchObject(monitor.spec.selector.matchLabels);
    expect(service.spec.ports.map((p: any) => p.name)).toContain(monitor.spec.endpoints[0].port);
    expect(monitor.spec.endpoints[0].path).toBe('/metrics');
  });

  it('references hold: Secrets and keys, ConfigMaps, ServiceAccounts, the Role', () => {
    for (const { file, object } of workloads()) {
      const ns = object.metadata.namespace;
      const pod = object.spec.template.spec;
      expect(find('ServiceAccount', ns, pod.serviceAccountName), `${file} serviceAccountName`).toBeDefined();
      for (const c of containersOf(object)) {
        for (const env of c.env ?? []) {
          const ref = env.valueFrom?.secretKeyRef;
          if (ref) expect(Object.keys(find('Secret', ns, ref.name)?.stringData ?? {}), `${file} ${env.name}`).toContain(ref.key);
        }
        for (const mount of c.volumeMounts ?? []) expect(pod.volumes.map((v: any) => v.name).concat(object.spec.volumeClaimTemplates?.map((t: any) => t.metadata.name) ?? [])).toContain(mount.name);
      }
      for (const volume of pod.volumes.filter((v: any) => v.configMap)) expect(find('ConfigMap', ns, volume.configMap.name), file).toBeDefined();
    }
    for (const { object } of ofKind('RoleBinding')) {
      expect(find('Role', object.metadata.namespace, object.roleRef.name)).toBeDefined();
      for (const s of object.subjects) expect(find('ServiceAccount', s.namespace, s.name)).toBeDefined();
    }
  });

  it('the Secret sink RBAC allows exactly what `escred sink kubernetes` calls: get, list, apply (create, patch), delete', () => {
    expect(find('Role', 'escred', 'escred-secret-sink').rules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'create', 'patch', 'delete'] }]);
  });

  it.each(ofKind('ConfigMap').map((o) => [o.object.metadata.name, o.object]))('ConfigMap %s holds an escred manifest that validates', async (_name, configMap) => {
    const work = mkdtempSync(join(tmpdir(), 'escred-k8s-'));
    try {
      writeFileSync(join(work, 'escred.yaml'), configMap.data['escred.yaml']);
      const result = await loadManifest(await resolveManifestPaths(['escred.yaml'], work), { cwd: work });
      expect(result.diagnostics).toEqual([]);
      expect(result.desired?.secrets).toMatchObject({ kind: 'exec', command: ['escred', 'sink', 'kubernetes', '--namespace', 'escred'] });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('node mode: the sidecar edits this node\'s file in the config folder Elasticsearch reads, and never writes through the API', async () => {
    const es = find('StatefulSet', 'elastic', 'prod-es');
    const [elasticsearch, sidecar] = es.spec.template.spec.containers;
    expect(flagValue(sidecar.args, '--node')).toBe('$(POD_NAME)');
    expect(sidecar.env.find((e: any) => e.name === 'POD_NAME').valueFrom).toEqual({ fieldRef: { fieldPath: 'metadata.name' } });
    expect(elasticsearch.env.find((e: any) => e.name === 'node.name').valueFrom).toEqual({ fieldRef: { fieldPath: 'metadata.name' } });
    const file = flagValue(sidecar.args, '--service-tokens-file');
    const sidecarMount = sidecar.volumeMounts.find((m: any) => file.startsWith(`${m.mountPath}/`));
    const esMount = elasticsearch.volumeMounts.find((m: any) => m.name === sidecarMount.name);
    expect(esMount.mountPath).toBe('/usr/share/elasticsearch/config');
    expect(file.slice(sidecarMount.mountPath.length)).toBe('/service_tokens');
    const manifest = find('ConfigMap', 'elastic', 'escred-node-manifests').data['escred.yaml'];
    expect(manifest).not.toMatch(/\btokens:|prune:/); // file tokens only: no index token to create, nothing to prune
  });
});
