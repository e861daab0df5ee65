// Seeded randomness for the property tests. Every test that uses it prints its
// seed when it fails, so the failure can be replayed: KENES_SEED=<n> npm test.

/** mulberry32: small, fast, good enough to pick edits. */
export class Random {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

// Letters from every script the product meets, and characters outside the
// Basic Multilingual Plane (two UTF-16 units, one code point).
const ALPHABET = Array.from("abcxyz ПриветҚазақстанәіңғүұқөһ👍🇰🇿😀\n");

export function randomText(r: Random, maxLen: number): string {
  const n = r.int(maxLen + 1);
  let s = "";
  for (let i = 0; i < n; i++) s += r.pick(ALPHABET);
  return s;
}

/** The seeds to run: KENES_SEED pins one, otherwise `count` from `base`. */
export function seeds(base: number, count: number): number[] {
  const pinned = process.env.KENES_SEED;
  if (pinned) return [Number(pinned)];
  return Array.from({ length: count }, (_, i) => base + i);
}

/** Runs body(seed); on failure rethrows with the seed in the message. */
export function withSeed(seed: number, body: (r: Random) => void): void {
  try {
    body(new Random(seed));
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const err = new Error(`seed ${seed} (replay: KENES_SEED=${seed} npm test): ${msg}`);
    if (e instanceof Error && e.stack) err.stack = `${err.message}\n${e.stack}`;
    throw err;
  }
}
