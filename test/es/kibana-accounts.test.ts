/** Issue 22: which userManagedAccounts.owns patterns can claim Kibana's own accounts. */
import { describe, expect, it } from 'vitest';
import { canMatchKibanaNamespace } from '../../src/es/kibana-accounts.js';

describe('canMatchKibanaNamespace', () => {
  it.each([
    ['*', true], ['*/*', true], ['kibana/*', true], ['k*', true], ['*a/automation-client', true], ['kibana/automation-client', true],
    ['kib*/x', true], ['*/automation*', true],
    ['team/*', false], ['kibana-ops/*', false], ['kibana', false], ['kibana/', false], ['kibana/_x', false], ['k*z/x', false], ['Kibana/*', false],
  ])('%s -> %s', (pattern, expected) => {
    expect(canMatchKibanaNamespace(pattern)).toBe(expected);
  });
});
