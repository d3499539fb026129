/**
 * Chaos (issues 15 and 21): 3 `escred watch --apply` daemons of fleet a (4 clusters) and 2 of fleet
 * b (2 clusters, one of them fleet a's alpha under the name alpha-alias) as child processes, on 2
 * emulators standing in for 5 clusters, each daemon with its own state folder, one shared secret
 * folder. The two fleets never count each other as replicas: alpha is written by one fleet at a
 * time (the other reports it unreconciled), and every invariant is judged per Elasticsearch
 * cluster, whatever a manifest calls it. Seeded faults: SIGKILL and
 * restart, SIGSTOP/SIGCONT longer than the lease, a kill between a create and its sink write,
 * manifest edits, tokens deleted out of band. Then, from the emulators' request records: no two
 * daemons wrote one cluster in overlapping terms; everything converges within a bound of the lease
 * duration plus a resync; no token was created more often than its reasons allow, and nothing is
 * created or deleted once converged; every declared token's sink value authenticates; no unowned
 * or protected token was deleted; no secret in any output.
 * Replay a run with ESCRED_CHAOS_SEED=<seed> (printed at the start).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSecretLeaked } from '../support/e2e-harness.js';
import { ChaosWorld, LEASE_MS, RESYNC_MS, type ChaosCluster } from './chaos-harness.js';
import { seededRandom } from '../support/seeded-random.js';
import { forbiddenDeletes, leaseDeletes, overlappingTerms, repeatedCreates, tokenWrites } from './chaos-invariants.js';

const SEED = Number(process.env.ESCRED_CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Fault = 'kill-restart' | 'pause' | 'kill-mid-create' | 'edit-add' | 'edit-remove' | 'drift';

describe(`leases under chaos (seed ${SEED})`, () => {
  const world = new ChaosWorld();
  const random = seededRandom(SEED);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const clusters: ChaosCluster[] = [
    { name: 'alpha', emulator: 0, standIn: 'alpha', fleet: 'a', principal: 'elastic/fleet-server', prefix: 'a', tokens: ['a-1', 'a-2'] },
    { name: 'beta', emulator: 0, standIn: 'beta', fleet: 'a', principal: 'elastic/kibana', prefix: 'b', tokens: ['b-1', 'b-2'] },
    { name: 'gamma', emulator: 1, standIn: 'gamma', fleet: 'a', principal: 'elastic/fleet-server', prefix: 'g', tokens: ['g-1', 'g-2'] },
    { name: 'delta', emulator: 1, standIn: 'delta', fleet: 'a', principal: 'elastic/kibana', prefix: 'd', tokens: ['d-1', 'd-2'] },
    // fleet b: alpha under another name (its own account and prefix), and a cluster of its own
    { name: 'alpha-alias', emulator: 0, standIn: 'alpha', fleet: 'b', principal: 'elastic/fleet-server-remote', prefix: 'x', tokens: ['x-1'] },
    { name: 'epsilon', emulator: 1, standIn: 'epsilon', fleet: 'b', principal: 'elastic/fleet-server-remote', prefix: 'e', tokens: ['e-1', 'e-2'] },
  ];
  const shared = clusters.filter((c) => c.standIn === 'alpha');
  /** the clusters only one fleet names: these converge whatever happens; the faults target them */
  const own = clusters.filter((c) => c.standIn !== 'alpha');
  const FLEETS = { 0: 'a', 1: 'a', 2: 'a', 3: 'b', 4: 'b' } as const;
  /** per cluster/token: how many times something gave escred a reason to create it */
  const reasons = new Map<string, number>();
  const addReason = (cluster: ChaosCluster, token: string) => reasons.set(`${cluster.name}/${token}`, (reasons.get(`${cluster.name}/${token}`) ?? 0) + 1);
  let faultsThatMayRepeatACreate = 0;
  let midCreate: { cluster: ChaosCluster; token: string } | undefined;
  let added = 0;

  beforeAll(async () => {
    console.log(`chaos seed ${SEED} (replay: ESCRED_CHAOS_SEED=${SEED} npx vitest run test/chaos/lease-chaos.test.ts)`);
    await world.start();
    for (const c of clusters) {
      // made by hand: one nobody owns, one owned but protected; neither may ever be deleted
      expect((await world.es(c.emulator, 'POST', `/_security/service/${c.principal}/credential/token/hand-${c.prefix}`)).status).toBe(200);
      expect((await world.es(c.emulator, 'POST', `/_security/service/${c.principal}/credential/token/${c.prefix}-keep-1`)).status).toBe(200);
      for (const token of c.tokens) addReason(c, token);
    }
    world.writeManifest(clusters);
    for (const [index, fleet] of Object.entries(FLEETS)) world.startDaemon(Number(index), fleet);
  });
  afterAll(async () => {
    await world.stop();
  });

  async function isClusterConverged(c: ChaosCluster): Promise<boolean> {
    const tokens = await world.tokens(c);
    const owned = tokens.filter((t) => t.startsWith(`${c.prefix}-`) && !t.startsWith(`${c.prefix}-keep-`));
    if (owned.sort().join() !== [...c.tokens].sort().join()) return false;
    if (!tokens.includes(`hand-${c.prefix}`) || !tokens.includes(`${c.prefix}-keep-1`)) return false;
    for (const token of c.tokens) if (!(await world.authenticates(c, world.sinkValue(c, token)))) return false;
    return true;
  }

  /** every cluster one fleet names converged, and the shared one by the fleet that holds it */
  async function isConverged(): Promise<boolean> {
    for (const c of own) if (!(await isClusterConverged(c))) return false;
    for (const c of shared) if (await isClusterConverged(c)) return true;
    return false;
  }

  async function convergedWithin(limitMs: number): Promise<number> {
    const started = Date.now();
    while (!(await isConverged())) {
      if (Date.now() - started > limitMs) throw new Error(`not converged ${limitMs} ms after the last fault (seed ${SEED})`);
      await sleep(100);
    }
    return Date.now() - started;
  }

  const liveDaemons = () => world.daemons.filter((d) => d.child.exitCode === null && d.child.signalCode === null);

  async function inject(fault: Fault): Promise<void> {
    const cluster = pick(own);
    switch (fault) {
      case 'kill-restart': {
        const daemon = pick(liveDaemons());
        await world.kill(daemon);
        faultsThatMayRepeatACreate += 1;
        await sleep(300 + random() * 700);
        world.startDaemon(daemon.index, daemon.fleet);
        return;
      }
      case 'pause': {
        const daemon = pick(liveDaemons());
        daemon.child.kill('SIGSTOP');
        faultsThatMayRepeatACreate += 1;
        await sleep(LEASE_MS + 800 + random() * 700); // longer than the lease: the others take its clusters over
        daemon.child.kill('SIGCONT');
        return;
      }
      case 'kill-mid-create': {
        // every call to this emulator takes 400 ms, so the creator can be killed while its create is in flight
        const token = `${cluster.prefix}-new${(added += 1)}`;
        const emulator = world.emulator(cluster.emulator);
        emulator.setFaults({ latencyMs: 400 });
        cluster.tokens.push(token);
        addReason(cluster, token);
        world.writeManifest(clusters);
        const path = `/_stand-in/${cluster.standIn}/_security/service/${cluster.principal}/credential/token/${token}`;
        let creator;
        for (let i = 0; i < 2_000 && !creator; i += 1) {
          const create = emulator.requests().find((r) => r.method === 'POST' && r.path === path && r.opaqueId?.startsWith('escred/'));
          creator = create && world.daemonOfHolder(create.opaqueId);
          if (!creator) await sleep(5);
        }
        if (!creator) throw new Error(`no create of ${token} seen (seed ${SEED})`);
        await world.kill(creator);
        emulator.clearFaults();
        midCreate = { cluster, token };
        faultsThatMayRepeatACreate += 1;
        await sleep(300);
        world.startDaemon(creator.index, creator.fleet);
        return;
      }
      case 'edit-add': {
        const token = `${cluster.prefix}-new${(added += 1)}`;
        cluster.tokens.push(token);
        addReason(cluster, token);
        world.writeManifest(clusters);
        return;
      }
      case 'edit-remove': {
        if (cluster.tokens.length > 1) cluster.tokens.splice(Math.floor(random() * cluster.tokens.length), 1);
        world.writeManifest(clusters);
        return;
      }
      case 'drift': {
        const token = pick(cluster.tokens);
        await world.es(cluster.emulator, 'DELETE', `/_security/service/${cluster.principal}/credential/token/${token}`);
        addReason(cluster, token);
      }
    }
  }

  it('keeps every invariant through kills, pauses, edits and drift', async () => {
    await convergedWithin(20_000);
    const faults: Fault[] = ['kill-restart', 'pause', 'kill-mid-create', 'edit-add', 'edit-remove', 'drift', pick(['kill-restart', 'pause', 'drift'] as const)];
    for (let i = faults.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [faults[i], faults[j]] = [faults[j]!, faults[i]!];
    }
    console.log(`faults: ${faults.join(', ')}`);
    for (const fault of faults) {
      await inject(fault);
      await sleep(200 + random() * 1_000);
    }

    // the last fault: the holder of one cluster dies and that cluster drifts, so only a takeover converges it
    const target = pick(own);
    let holder;
    for (let i = 0; i < 100 && !holder; i += 1) {
      // between a release and the next acquire nobody holds it: look again shortly
      const { json } = await world.es(target.emulator, 'GET', `/escred-leases/_doc/${world.leaseId(target)}`);
      holder = world.daemonOfHolder(`escred/${json?._source?.holderId ?? ''}`);
      if (!holder) await sleep(50);
    }
    if (holder) await world.kill(holder);
    const drifted = pick(target.tokens);
    await world.es(target.emulator, 'DELETE', `/_security/service/${target.principal}/credential/token/${drifted}`);
    addReason(target, drifted);
    // converged within the lease duration plus a resync (times 3 for a loaded 2-core machine)
    const tookMs = await convergedWithin((LEASE_MS + RESYNC_MS) * 3 + 1_000);
    console.log(`converged ${tookMs} ms after the last fault (holder of ${target.name} killed: ${holder ? 'yes' : 'none held it'}; lease ${LEASE_MS} ms, resync ${RESYNC_MS} ms)`);
    // and stays so: two resyncs of every daemon without a single token write
    const settledAt = Date.now();
    await sleep(2 * RESYNC_MS + 500);
    const records = ([0, 1] as const).flatMap((emulator) => world.emulator(emulator).requests().map((request) => ({ emulator, request })));
    const writes = tokenWrites(records, clusters);
    // The cluster under two names may still change hands between the fleets after convergence: a lease fleet a's
    // balancing hands over can be taken by fleet b (another manifest's writer, waited for, never a replica), which
    // then makes its own declared tokens once. That is no flapping: it never deletes, and each token is made once.
    const isShared = (w: { physical: string }) => shared.some((c) => w.physical === `${c.emulator}/${c.standIn}`);
    expect(writes.filter((w) => w.at > settledAt && !isShared(w)), 'writes after convergence (flapping)').toEqual([]);
    expect(writes.filter((w) => w.at > settledAt && isShared(w) && w.method !== 'POST'), 'the shared cluster: only first creates after convergence').toEqual([]);

    expect(overlappingTerms(writes, leaseDeletes(records), LEASE_MS, 250)).toEqual([]);
    expect(repeatedCreates(writes, reasons, faultsThatMayRepeatACreate)).toEqual([]);
    expect(forbiddenDeletes(writes, clusters)).toEqual([]);
    expect(midCreate).toBeDefined();
    if (midCreate!.cluster.tokens.includes(midCreate!.token)) {
      expect(await world.authenticates(midCreate!.cluster, world.sinkValue(midCreate!.cluster, midCreate!.token)), 'the token killed mid-create works').toBe(true);
    } else {
      // a later edit-remove took it out of the manifest: owned and pruned, it must be gone, value and all
      expect(await world.tokens(midCreate!.cluster), 'the token killed mid-create, then removed').not.toContain(midCreate!.token);
      expect(world.sinkValue(midCreate!.cluster, midCreate!.token)).toBeUndefined();
    }
    expect(new Set(writes.map((w) => w.holder)).size, 'more than one daemon wrote').toBeGreaterThan(1);
    // the cluster under two names: written by one fleet at a time; the fleet that does not hold it reports it
    const { json: lease } = await world.es(0, 'GET', `/escred-leases/_doc/${world.leaseId(shared[0]!)}`);
    const holderFleet = world.daemonOfHolder(`escred/${lease?._source?.holderId ?? ''}`)?.fleet;
    expect(holderFleet, 'a live daemon holds the shared cluster').toBeDefined();
    const waiting = shared.find((c) => c.fleet !== holderFleet)!;
    const reported = () => world.daemons.filter((d) => d.fleet === waiting.fleet).some((d) =>
      d.output.join('').includes(`"event":"cluster-unreconciled","cluster":"${waiting.name}"`));
    for (let i = 0; i < 100 && !reported(); i += 1) await sleep(100);
    expect(reported(), `fleet ${waiting.fleet} reports ${waiting.name}, held by fleet ${holderFleet}`).toBe(true);
    expect(world.daemons.filter((d) => d.fleet === 'b').some((d) => d.output.join('').includes('(fleet fleet-b: 2 live replicas)')),
      'fleet b counts its own two replicas, never fleet a\'s').toBe(true);
    expectNoSecretLeaked(world.sinkDir, [...world.outputs, ...stateFiles(world.work)]);
  }, 90_000);
});

function stateFiles(work: string): string[] {
  return readdirSync(work, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.parentPath.includes('state-') && statSync(join(e.parentPath, e.name)).size < 5_000_000)
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'));
}
