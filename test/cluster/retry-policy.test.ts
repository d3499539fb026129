import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_RETRY_OPTIONS, parseRetryAfterMs, retryDelayMs } from '../../src/cluster/retry-policy.js';

const options = { ...DEFAULT_RETRY_OPTIONS, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };

describe('retry policy', () => {
  it('backs off exponentially with full jitter, capped', () => {
    expect(backoffDelayMs(0, options, () => 0.999)).toBe(99);
    expect(backoffDelayMs(2, options, () => 0.999)).toBe(399);
    expect(backoffDelayMs(10, options, () => 0.999)).toBe(999);
    expect(backoffDelayMs(3, options, () => 0)).toBe(0);
  });

  it.each([
    ['2', 2000], [' 7 ', 5000], ['0', 0], [undefined, undefined], ['soon', undefined], ['-1', undefined],
  ])('Retry-After %j -> %j ms', (header, expected) => {
    expect(parseRetryAfterMs(header, 0, options.maxRetryAfterMs)).toBe(expected);
  });

  it('accepts an HTTP date, relative to the given clock, capped and never negative', () => {
    const now = Date.parse('Tue, 01 Jul 2025 10:00:00 GMT');
    expect(parseRetryAfterMs('Tue, 01 Jul 2025 10:00:03 GMT', now, 5000)).toBe(3000);
    expect(parseRetryAfterMs('Tue, 01 Jul 2025 11:00:00 GMT', now, 5000)).toBe(5000);
    expect(parseRetryAfterMs('Tue, 01 Jul 2025 09:00:00 GMT', now, 5000)).toBe(0);
  });

  it('prefers the server Retry-After over backoff', () => {
    expect(retryDelayMs(0, 1234, options, () => 0.5)).toBe(1234);
    expect(retryDelayMs(0, undefined, options, () => 0.5)).toBe(50);
  });
});
