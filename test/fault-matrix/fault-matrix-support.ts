/** Helpers for the fault matrix: a seeded kill point and a bearer check over real HTTPS. */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import type { E2e } from '../support/e2e-harness.js';

/** mulberry32: a tiny seeded PRNG, so a failing kill point is reproducible from the printed seed */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 0..outcomes: kill at the first output (0), or once that many outcome lines were printed */
export function killPointFromSeed(seed: number, outcomes: number): number {
  return Math.floor(seededRandom(seed)() * (outcomes + 1));
}

/** The token name the bearer authenticates as, or undefined when the emulator refuses it. */
export async function authenticatesAs(e2e: E2e, bearer: string): Promise<string | undefined> {
  if (bearer === '') return undefined;
  const dispatcher = new Agent({ connect: { ca: readFileSync(e2e.emulator.caFile!) } });
  try {
    const response = await request(`${e2e.emulator.url}/_security/_authenticate`, { headers: { authorization: `Bearer ${bearer}` }, dispatcher });
    const body = (await response.body.json()) as { token?: { name?: string } };
    return response.statusCode === 200 ? body.token?.name : undefined;
  } finally {
    await dispatcher.close();
  }
}
