/** Issue 20: sink stderr is quoted with every 8+ character piece of the value, its secret and their base64 masked. */
import { describe, expect, it } from 'vitest';
import { encodeBearer } from '../../src/file-tokens/bearer.js';
import { redactSecret } from '../../src/sinks/redact-secret.js';

const SECRET = 'Zq3xV8mPq2LkT0aYbWn4cA';
const VALUE = encodeBearer({ namespace: 'elastic', service: 'fleet-server', tokenName: 'gitops-a' }, SECRET);
const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('redactSecret', () => {
  it.each<[string, string, string | RegExp]>([
    ['the whole value', `got ${VALUE}`, 'got [redacted]'],
    ['a slice of the value', `got ${VALUE.slice(10, 30)}.`, 'got [redacted].'],
    ['the secret inside the bearer', `secret=${SECRET};`, 'secret=[redacted];'],
    ['a piece of the secret', `part ${SECRET.slice(5, 15)} end`, 'part [redacted] end'],
    ['the value base64-encoded (a Kubernetes Secret)', `data: ${b64(VALUE)}`, 'data: [redacted]'],
    // a base64 group that mixes secret bits with its neighbours' may stay (at most 2 characters, a few bits)
    ...[1, 2, 3].map((offset) => [`the secret base64-encoded inside a longer text (offset ${offset})`,
      `json ${b64(`${'x'.repeat(offset)}${SECRET}"}`).slice(8, 32)}!`, /^json \[redacted\].{0,2}!$/] as [string, string, RegExp]),
    ['the secret as base64url', `u=${Buffer.from(SECRET).toString('base64url')}`, /^u=\[redacted\].{0,2}$/],
  ])('masks %s', (_what, text, expected) => {
    const redacted = redactSecret(text, VALUE);
    if (typeof expected === 'string') expect(redacted).toBe(expected);
    else expect(redacted).toMatch(expected);
  });

  it('leaves pieces shorter than 8 characters and unrelated text alone', () => {
    const text = `permission denied for elastic/fleet-server/gitops-a at ${SECRET.slice(0, 7)}`;
    expect(redactSecret(text, VALUE)).toBe(text);
    expect(redactSecret('anything', undefined)).toBe('anything');
  });

  it('masks a value that is not a bearer by its pieces too', () => {
    expect(redactSecret('saw hunter2-longer-password-here', 'hunter2-longer-password')).toBe('saw [redacted]-here');
  });
});
