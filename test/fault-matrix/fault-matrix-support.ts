/** Helpers for the fault matrix: a seeded kill point. */

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

