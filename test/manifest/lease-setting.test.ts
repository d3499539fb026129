/** The manifest's `lease` setting (issue 15): per file, per cluster, `off`, and the errors it can give. */
import { describe, expect, it } from 'vitest';
import { CLUSTER, HEAD, loadText, yamlLines } from './manifest-fixture.js';

const LAB = ['  - name: lab', '    url: https://lab:9200', '    auth:', '      apiKey: { env: ES_API_KEY }'];

describe('lease setting', () => {
  it.each([
    { case: 'absent: leases on with the defaults', lines: [...HEAD, ...CLUSTER], expected: [undefined] },
    { case: 'off at the top: every cluster of the file', lines: ['lease: off', ...HEAD, ...CLUSTER, ...LAB], expected: ['off', 'off'] },
    { case: 'index and duration at the top, one cluster turns it off',
      lines: ['lease: { index: my-leases, duration: 1500ms }', ...HEAD, ...CLUSTER, ...LAB, '    lease: off'],
      expected: [{ index: 'my-leases', durationMs: 1500 }, 'off'] },
    { case: 'per cluster, in seconds and minutes', lines: [...HEAD, ...CLUSTER, '    lease: { duration: 15s }', ...LAB, '    lease: { duration: 1m }'],
      expected: [{ durationMs: 15_000 }, { durationMs: 60_000 }] },
  ])('$case', async ({ lines, expected }) => {
    const { desired, diagnostics } = await loadText(yamlLines(...lines));
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(desired?.clusters.map((c) => c.lease)).toEqual(expected);
  });

  it.each([
    { case: 'a duration too short to renew in', line: '    lease: { duration: 100ms }', message: 'lease duration must be at least 300ms, e.g. 15s', col: 24 },
    // a mapping is the oneOf's mapping branch: its own error says what is wrong inside it, at the field
    { case: 'a duration without a unit', line: '    lease: { duration: "15" }', message: 'clusters[0].lease.duration: must be a duration like 15s, 1500ms or 1m', col: 24 },
    { case: 'a dot-prefixed index', line: '    lease: { index: .leases }', message: 'clusters[0].lease.index: must be an index name', col: 21 },
    // a string is neither branch's type: the schema's oneOf (off, or the mapping) is reported once, at the lease value
    { case: 'something other than off', line: '    lease: maybe', message: 'clusters[0].lease: must be "off" or a mapping (key: value)', col: 12 },
  ])('$case is an error at file:line:col', async ({ line, message, col }) => {
    const { desired, diagnostics } = await loadText(yamlLines(...HEAD, ...CLUSTER, line));
    expect(desired).toBeNull();
    const error = diagnostics.find((d) => d.severity === 'error');
    expect(error?.message).toMatch(message);
    expect([error?.line, error?.col]).toEqual([9, col]);
  });
});
