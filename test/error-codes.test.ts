/**
 * The error-code catalogue (src/error-codes.ts): every ESCRED_* code src/ throws, reports or checks is
 * declared there, once; and the predicates callers use instead of prefixes and duck-typed statuses.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ElasticsearchError, isHttpStatus } from '../src/cluster/elasticsearch-error.js';
import { DIAGNOSTIC_CODES, ERROR_CODES, isEscredCode, PLAN_WARNING_CODES, SINK_ERROR_CODES } from '../src/error-codes.js';
import { codeOf, EscredError, hasErrorCode, isSinkError, SafetyError } from '../src/errors.js';

const SRC = join(import.meta.dirname, '..', 'src');
const CATALOGUE_FILE = join(SRC, 'error-codes.ts');

/** ESCRED_* names in src/ that are not codes, with why. */
const NOT_CODES = new Map([
  ['ESCRED_DEMO_PASSWORD', 'the environment variable the demo passes the emulator password in'],
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

const catalogue = new Set<string>([...Object.values(ERROR_CODES), ...Object.values(DIAGNOSTIC_CODES), ...Object.values(PLAN_WARNING_CODES)]);

describe('the error-code catalogue', () => {
  it('declares every ESCRED_* code used in src/', () => {
    const uses = sourceFiles(SRC).filter((file) => file !== CATALOGUE_FILE).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/ESCRED_[A-Z0-9_]*[A-Z0-9]/g)].map((m) => ({ file: file.slice(SRC.length + 1), code: m[0] })));
    expect(uses.length).toBeGreaterThan(50); // the grep does find the codes
    const undeclared = uses.filter(({ code }) => !isEscredCode(code) && !NOT_CODES.has(code));
    expect(undeclared).toEqual([]);
  });

  it('declares each code once (a code in two roles is referenced, not written again)', () => {
    const text = readFileSync(CATALOGUE_FILE, 'utf8');
    const literals = [...text.matchAll(/'(ESCRED_[A-Z0-9_]+)'/g)].map((m) => m[1]!);
    const repeated = literals.filter((code, i) => literals.indexOf(code) !== i);
    expect(repeated).toEqual([]);
    expect(new Set(literals)).toEqual(catalogue);
    for (const group of [ERROR_CODES, DIAGNOSTIC_CODES, PLAN_WARNING_CODES]) {
      expect(new Set(Object.values(group)).size).toBe(Object.values(group).length);
    }
  });

  it('has codes of one shape', () => {
    expect([...catalogue].filter((code) => !/^ESCRED_[A-Z0-9]+(_[A-Z0-9]+)*$/.test(code))).toEqual([]);
  });
});

describe('the error predicates', () => {
  const es = (status: number) => new ElasticsearchError({ cluster: 'c1', call: 'POST /x', status });

  it.each([...SINK_ERROR_CODES])('isSinkError: %s is a sink failure', (code) => {
    expect(isSinkError(new EscredError(code as EscredError['code'], 'x'))).toBe(true);
  });

  it.each([
    ['a lease error', new EscredError(ERROR_CODES.leaseLost, 'x')],
    ['a stale plan', new SafetyError(ERROR_CODES.planStale, 'x')],
    ['a plain error', new Error('ESCRED_SINK_FAILED')],
    ['an object with a sink code', { code: ERROR_CODES.sinkFailed }],
  ])('isSinkError: %s is not', (_name, error) => {
    expect(isSinkError(error)).toBe(false);
  });

  it('isHttpStatus: the status Elasticsearch answered, never a duck-typed one', () => {
    expect(isHttpStatus(es(409), 409)).toBe(true);
    expect(isHttpStatus(es(404), 403, 404)).toBe(true);
    expect(isHttpStatus(es(404), 409)).toBe(false);
    expect(isHttpStatus({ status: 409 }, 409)).toBe(false);
    expect(es(409).code).toBe('ESCRED_ES_409');
  });

  it('hasErrorCode and codeOf: through the catalogue', () => {
    const lost = new EscredError(ERROR_CODES.createOutcomeUnknown, 'x');
    expect(hasErrorCode(lost, ERROR_CODES.createOutcomeUnknown)).toBe(true);
    expect(hasErrorCode(lost, ERROR_CODES.connectionFailed)).toBe(false);
    expect(codeOf(lost)).toBe('ESCRED_CREATE_OUTCOME_UNKNOWN');
    expect(codeOf(es(503))).toBe('ESCRED_ES_503');
    expect(codeOf(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBeUndefined();
    expect(codeOf(Object.assign(new Error('x'), { code: 'ESCRED_NOT_A_CODE' }))).toBeUndefined();
    expect(codeOf(null)).toBeUndefined();
    expect(isEscredCode('ESCRED_ES_99')).toBe(false);
  });
});
