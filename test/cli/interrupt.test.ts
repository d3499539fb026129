/**
 * The interrupt handling of apply and rotate, in process (the end-to-end run with real signals is
 * test/e2e/interrupt.test.ts): first signal stops new calls, second exits 130 at once; and the
 * report, human and JSON (checked against schemas/apply-output.schema.json).
 */
import { EventEmitter } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NOT_STARTED_DETAIL } from '../../src/apply/apply-plan.js';
import type { ChangeEntry } from '../../src/apply/change-set.js';
import { INTERRUPTED_EXIT_CODE, reportInterrupted, runInterruptible, type InterruptIo } from '../../src/cli/interrupt.js';
import { summarize, type Plan } from '../../src/plan/plan-types.js';
import type { AppliedPass } from '../../src/reconcile/apply-pass.js';

function fakeIo() {
  const signals = new EventEmitter();
  const io = { writeErr: vi.fn<(text: string) => void>(), exit: vi.fn<(code: number) => void>(), signals } satisfies InterruptIo;
  return io;
}

describe('runInterruptible', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('a first %s aborts the stop signal and says so; the work goes on to its end', async (signal) => {
    const io = fakeIo();
    let release!: () => void;
    const outcome = runInterruptible(async (stop) => {
      await new Promise<void>((resolve) => (release = resolve));
      return stop.aborted;
    }, io);
    io.signals.emit(signal, signal);
    release();
    expect(await outcome).toEqual({ result: true, isInterrupted: true });
    expect(io.writeErr).toHaveBeenCalledWith(`\n${signal} received: no new calls are started; the calls in flight finish and their values go to the sink. ` +
      'Interrupt again to stop at once.');
    expect(io.exit).not.toHaveBeenCalled();
  });

  it('a second signal warns and exits 130 at once', async () => {
    const io = fakeIo();
    let release!: () => void;
    const outcome = runInterruptible(() => new Promise<void>((resolve) => (release = resolve)), io);
    io.signals.emit('SIGINT', 'SIGINT');
    io.signals.emit('SIGINT', 'SIGINT');
    expect(io.exit).toHaveBeenCalledWith(130);
    expect(io.writeErr).toHaveBeenLastCalledWith('\nSIGINT again: stopping at once. A token created by a call in flight may have no value in the sink; ' +
      'its intent is kept (in the lease of the cluster, or in the local journal with lease: off) and the next escred apply replaces it.');
    release();
    await outcome;
  });

  it('without a signal nothing is interrupted, and the handlers are gone afterwards (Ctrl-C is the default again)', async () => {
    const io = fakeIo();
    expect(await runInterruptible(async (stop) => stop.aborted, io)).toEqual({ result: false, isInterrupted: false });
    expect(io.signals.listenerCount('SIGINT') + io.signals.listenerCount('SIGTERM')).toBe(0);
  });
});

describe('reportInterrupted', () => {
  let written = '';
  const spy = () => vi.spyOn(process.stdout, 'write').mockImplementation((text) => {
    written += String(text);
    return true;
  });
  afterEach(() => {
    vi.restoreAllMocks();
    written = '';
  });

  const entry = (token: string, outcome: ChangeEntry['outcome'], detail?: string): ChangeEntry =>
    ({ cluster: 'prod', principal: 'elastic/kibana', token, action: 'create', outcome, ...(detail ? { detail } : {}) });
  const entries = [entry('a', 'created'), entry('b', 'created'),
    ...Array.from({ length: 12 }, (_, i) => entry(`n${i}`, 'skipped', NOT_STARTED_DETAIL))];
  const remaining: Plan = { formatVersion: 1, clusters: [], summary: summarize([]) };
  const applied = { changeSet: { entries, hasFailures: true }, after: { plan: remaining } } as unknown as AppliedPass;

  it('human: what was done, what was not (the first ten named), exit 130', () => {
    spy();
    expect(reportInterrupted(applied, 'human')).toBe(INTERRUPTED_EXIT_CODE);
    expect(written).toBe([
      '',
      'Apply interrupted. Done: 2 created, 0 replaced, 0 deleted, 0 failed. Not started: 12 of 14 planned changes.',
      'Not started:',
      ...Array.from({ length: 10 }, (_, i) => `  create prod elastic/kibana n${i}`),
      '  ... and 2 more',
      'Every token reported created or replaced has its value in the secret sink. Run escred apply again for the rest.',
      '',
    ].join('\n'));
  });

  it('json: one apply document, valid against its schema, with isInterrupted and every change', () => {
    spy();
    expect(reportInterrupted(applied, 'json')).toBe(130);
    const document = JSON.parse(written) as Record<string, unknown>;
    const schemas = join(import.meta.dirname, '..', '..', 'schemas');
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    for (const file of readdirSync(schemas).filter((f) => f.endsWith('.schema.json'))) ajv.addSchema(JSON.parse(readFileSync(join(schemas, file), 'utf8')));
    const validate = ajv.getSchema('urn:escred:schema:apply-output:v1')!;
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    expect(document).toMatchObject({ formatVersion: 1, isInterrupted: true, isComplete: false, hasFailures: true });
    expect(document.changes).toHaveLength(14);
  });
});
