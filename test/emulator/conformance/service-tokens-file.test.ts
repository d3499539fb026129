/**
 * Conformance: the node-local service_tokens file as authentication sees it (spec §8, §7):
 * '#' at column 0 and blank lines skipped, every other line trimmed and split at the first ':',
 * unrecognised hash prefixes skipped, later duplicates win, one line without ':' empties the node's
 * set, hashes verified by prefix (PBKDF2_STRETCH, PBKDF2 at any listed cost, bcrypt $2a$/$2b$/$2y$),
 * and changes picked up without an API call. The same text goes to every node.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLEET, PROFILES, bearer, startHarness, tokenPath, writeServiceTokensEverywhere, type Harness } from './harness.js';
import { encodeServiceToken, newSecret, pbkdf2StretchHash } from './token-crypto.js';

const AUTH = '/_security/_authenticate';
const A = newSecret();
const B = newSecret();
const BOTH = newSecret();
// §8 test vector at a non-default cost
const PBKDF2_50000 = {
  secret: 'wn0Xfx5IRHy2lOKScvfwrg',
  hash: '{PBKDF2}50000$IMzlphNClmrP/du40yxGM3fNjklg8CuACds12+Ry0jM=$KEC1S9a0NOs3OJKM4gEeBboU18EP4+3m/pyIA4MBDGk=',
};
// produced by libxcrypt (python crypt, METHOD_BLOWFISH, cost 4), independent of the emulator's bcrypt library
const BCRYPT = { secret: 'abcdefghij12', hash: '$2b$04$NzPTeDwaL13XHmIhYeFqBuHUd8.sg1ff7j9.e7sXj.WeGPLr2Iv/u' };

function line(name: string, secret: string): string {
  return `${FLEET}/${name}:${pbkdf2StretchHash(secret)}`;
}

function baseText(): string {
  return [line('a', A), line('b', B), line('both', BOTH), ''].join('\n');
}

describe.each(PROFILES)('service_tokens file, ES $esVersion', (profile) => {
  let h: Harness;
  let indexValue: string;
  let bothIndexValue: string;
  const status = async (name: string, secret: string) =>
    (await h.call('GET', AUTH, { auth: bearer(encodeServiceToken(`${FLEET}/${name}`, secret)) })).status;
  const statusOf = async (value: string) => (await h.call('GET', AUTH, { auth: bearer(value) })).status;

  beforeAll(async () => {
    h = await startHarness(profile);
    indexValue = (await h.call('POST', tokenPath(FLEET, 'idx'))).json.token.value;
    bothIndexValue = (await h.call('POST', tokenPath(FLEET, 'both'))).json.token.value;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('the base file authenticates its tokens', async () => {
    await writeServiceTokensEverywhere(h.emu, baseText());
    expect([await status('a', A), await status('b', B), await status('both', BOTH)]).toEqual([200, 200, 200]);
  });

  it('a token removed from the file stops authenticating; the others keep working', async () => {
    await writeServiceTokensEverywhere(h.emu, [line('b', B), line('both', BOTH)].join('\n'));
    expect([await status('a', A), await status('b', B)]).toEqual([401, 200]);
  });

  it('{PBKDF2} at cost 50000 (spec vector) and bcrypt $2a$/$2b$/$2y$ hashes verify', async () => {
    const bcryptLines = ['$2a$', '$2b$', '$2y$'].map((p, i) => `${FLEET}/bcrypt-${i}:${BCRYPT.hash.replace('$2b$', p)}`);
    await writeServiceTokensEverywhere(h.emu, [`${FLEET}/p50k:${PBKDF2_50000.hash}`, ...bcryptLines].join('\n'));
    expect(await status('p50k', PBKDF2_50000.secret)).toBe(200);
    for (const i of [0, 1, 2]) expect(await status(`bcrypt-${i}`, BCRYPT.secret)).toBe(200);
    expect(await status('bcrypt-1', 'abcdefghij13')).toBe(401);
  });

  it('unknown hash prefixes ({plain}) are skipped, not fatal; duplicate keys: the later line wins', async () => {
    const secret = newSecret();
    const extra = [`${FLEET}/plain:{plain}${secret}`, line('dup', newSecret()), line('dup', secret)].join('\n');
    await writeServiceTokensEverywhere(h.emu, baseText() + extra);
    expect([await status('plain', secret), await status('dup', secret), await status('a', A)]).toEqual([401, 200, 200]);
  });

  it('CRLF line endings, surrounding spaces and whitespace-only lines are fine (lines are trimmed)', async () => {
    const text = [`  ${line('a', A)}  `, '   ', `\t${line('b', B)}`, ''].join('\r\n');
    await writeServiceTokensEverywhere(h.emu, text);
    expect([await status('a', A), await status('b', B)]).toEqual([200, 200]);
  });

  it("'#' at column 0 comments a line out, even a well-formed one", async () => {
    await writeServiceTokensEverywhere(h.emu, `#${line('a', A)}\n${line('b', B)}\n`);
    expect([await status('a', A), await status('b', B)]).toEqual([401, 200]);
  });

  it('one line without a colon empties the node set: every file token fails; index tokens still work', async () => {
    await writeServiceTokensEverywhere(h.emu, `${baseText()}this line has no colon\n`);
    expect([await status('a', A), await status('b', B), await status('both', BOTH)]).toEqual([401, 401, 401]);
    expect([await statusOf(indexValue), await statusOf(bothIndexValue)]).toEqual([200, 200]);
  });

  it("an indented '#' line is not a comment (only column 0 is): without a colon it empties the set", async () => {
    // spec §8 says "starting with # (at column 0)"; such a line is then trimmed and has no ':'
    await writeServiceTokensEverywhere(h.emu, `${baseText()}  # indented comment\n`);
    expect([await status('a', A), await status('b', B)]).toEqual([401, 401]);
  });

  it('fixing the file brings the file tokens back without any API call', async () => {
    await writeServiceTokensEverywhere(h.emu, baseText());
    expect([await status('a', A), await status('b', B), await status('both', BOTH)]).toEqual([200, 200, 200]);
  });

  it('the emulator also notices a changed file by itself (reload poll), without reloadServiceTokens()', async () => {
    const secret = newSecret();
    for (const node of h.emu.nodes) fs.writeFileSync(h.emu.serviceTokensPath(node.name), `${baseText()}${line('polled', secret)}\n`);
    let result = 401;
    for (let i = 0; i < 40 && result !== 200; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      result = await status('polled', secret);
    }
    expect(result).toBe(200);
  });
});
