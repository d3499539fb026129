/**
 * The chaos test's world (issues 15 and 21): two emulators over HTTPS in this process (their request
 * records, with X-Opaque-Id, are the evidence), each standing in for several clusters (a cluster
 * UUID per `/_stand-in/<label>` URL); two fleets, each with its own manifest (one shared secret
 * folder), where fleet b names one of fleet a's clusters under another name; and escred daemons as
 * child processes (`node dist/cli/main.js watch --apply`), each with its own state folder, that the
 * test kills, stops, continues and restarts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { stringify } from 'yaml';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { standInUuid } from '../../src/emulator/stand-in.js';
import { CLI } from '../support/e2e-harness.js';

export const LEASE_MS = 1_500;
export const RESYNC_MS = 1_000;

/** A manifest cluster: one account of one stand-in cluster of one emulator (each manifest cluster its own account). */
export interface ChaosCluster {
  name: string;
  emulator: 0 | 1;
  /** the stand-in label: the Elasticsearch cluster it is; two manifest clusters with one label are one cluster under two names */
  standIn: string;
  /** whose manifest declares it */
  fleet: Fleet;
  principal: string;
  /** owned token prefix: `${prefix}-*` is owned, `${prefix}-keep-*` protected */
  prefix: string;
  tokens: string[];
}

export type Fleet = 'a' | 'b';

export interface Daemon {
  index: number;
  fleet: Fleet;
  stateDir: string;
  child: ChildProcess;
  output: string[];
}

export class ChaosWorld {
  readonly work = mkdtempSync(join(tmpdir(), 'escred-chaos-'));
  readonly sinkDir = join(this.work, 'secrets');
  readonly manifestPaths: Record<Fleet, string> = { a: join(this.work, 'escred.yaml'), b: join(this.work, 'escred-b.yaml') };
  readonly daemons: Daemon[] = [];
  /** every output of every daemon process, for the leak check */
  readonly outputs: string[] = [];
  private emulators: RunningEmulator[] = [];
  private dispatchers: Agent[] = [];

  async start(): Promise<void> {
    for (const i of [0, 1]) {
      const emulator = await startEmulator({ dataDir: join(this.work, `emulator-${i}`), port: 0, nodeCount: 1, isTls: true, refreshIntervalMs: 10 });
      this.emulators.push(emulator);
      this.dispatchers.push(new Agent({ connect: { ca: readFileSync(emulator.caFile!) } }));
    }
  }

  emulator(i: 0 | 1): RunningEmulator {
    return this.emulators[i]!;
  }

  /** each fleet's manifest, with its clusters */
  writeManifest(clusters: readonly ChaosCluster[]): void {
    for (const fleet of ['a', 'b'] as const) this.writeFleetManifest(fleet, clusters.filter((c) => c.fleet === fleet));
  }

  private writeFleetManifest(fleet: Fleet, clusters: readonly ChaosCluster[]): void {
    writeFileSync(this.manifestPaths[fleet], stringify({
      apiVersion: 'escred/v1', secrets: { directory: './secrets' }, lease: { duration: `${LEASE_MS}ms` },
      clusters: clusters.map((c) => {
        const emulator = this.emulator(c.emulator);
        return {
          name: c.name, url: `${emulator.url}/_stand-in/${c.standIn}`, tls: { caFile: emulator.caFile },
          auth: { basic: { username: emulator.superuser.username, password: { env: `CHAOS_PW_${c.emulator}` } } },
          serviceAccounts: { [c.principal]: { prune: 'owned', owns: `${c.prefix}-*`, protect: `${c.prefix}-keep-*`, tokens: c.tokens.map((name) => ({ name })) } },
        };
      }),
    }));
  }

  /** the lease document's id of a cluster: its stand-in's cluster UUID */
  leaseId(cluster: ChaosCluster): string {
    return standInUuid(this.emulator(cluster.emulator).clusterUuid, cluster.standIn);
  }

  /** starts daemon `index` of a fleet (again, after a kill: same state folder); fleet a by its default name, fleet b by --fleet */
  startDaemon(index: number, fleet: Fleet): Daemon {
    const stateDir = join(this.work, `state-${index}`);
    mkdirSync(stateDir, { recursive: true });
    const env = { ...process.env, NO_COLOR: '1', CHAOS_PW_0: this.emulator(0).superuser.password, CHAOS_PW_1: this.emulator(1).superuser.password };
    const child = spawn(process.execPath, [CLI, 'watch', this.manifestPaths[fleet], '--apply', '--listen', '127.0.0.1:0',
      '--resync', `${RESYNC_MS}ms`, '--debounce', '100ms', '--state-dir', stateDir, '--shutdown-timeout', '5s', ...(fleet === 'b' ? ['--fleet', 'fleet-b'] : [])],
    { cwd: this.work, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const daemon: Daemon = { index, fleet, stateDir, child, output: [] };
    const keep = (chunk: Buffer) => {
      daemon.output.push(chunk.toString());
      this.outputs.push(chunk.toString());
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.daemons[index] = daemon;
    return daemon;
  }

  /** the daemon whose process id is in this holder id (`<host>-<pid>-<random>`) */
  daemonOfHolder(opaqueId: string | undefined): Daemon | undefined {
    const pid = Number(opaqueId?.split('-').at(-2));
    return this.daemons.find((d) => d.child.pid === pid && d.child.exitCode === null && d.child.signalCode === null);
  }

  async kill(daemon: Daemon): Promise<void> {
    if (daemon.child.exitCode !== null || daemon.child.signalCode !== null) return;
    const exited = new Promise((resolve) => daemon.child.once('exit', resolve));
    daemon.child.kill('SIGKILL');
    await exited;
  }

  /** superuser calls outside escred: out-of-band drift and the checks */
  async es(i: 0 | 1, method: 'GET' | 'POST' | 'DELETE' | 'PUT', path: string): Promise<{ status: number; json: any }> {
    const emulator = this.emulator(i);
    const auth = `Basic ${Buffer.from(`${emulator.superuser.username}:${emulator.superuser.password}`).toString('base64')}`;
    const response = await request(emulator.url + path, { method, dispatcher: this.dispatchers[i]!, headers: { authorization: auth } });
    const text = await response.body.text();
    return { status: response.statusCode, json: text ? JSON.parse(text) : undefined };
  }

  async tokens(cluster: ChaosCluster): Promise<string[]> {
    const { json } = await this.es(cluster.emulator, 'GET', `/_security/service/${cluster.principal}/credential`);
    return Object.keys(json.tokens ?? {}).sort();
  }

  sinkValue(cluster: ChaosCluster, token: string): string | undefined {
    try {
      return readFileSync(join(this.sinkDir, cluster.name, cluster.principal, token), 'utf8');
    } catch {
      return undefined;
    }
  }

  async authenticates(cluster: ChaosCluster, bearer: string | undefined): Promise<boolean> {
    if (!bearer) return false;
    const emulator = this.emulator(cluster.emulator);
    const response = await request(`${emulator.url}/_security/_authenticate`, { dispatcher: this.dispatchers[cluster.emulator]!, headers: { authorization: `Bearer ${bearer}` } });
    await response.body.text();
    return response.statusCode === 200;
  }

  async stop(): Promise<void> {
    for (const daemon of this.daemons) {
      if (!daemon) continue;
      if (daemon.child.signalCode === null && daemon.child.exitCode === null) daemon.child.kill('SIGCONT');
      await this.kill(daemon);
    }
    for (const emulator of this.emulators) await emulator.stop();
    for (const dispatcher of this.dispatchers) await dispatcher.close();
    rmSync(this.work, { recursive: true, force: true });
  }
}
