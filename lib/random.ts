/**
 * Seeded pseudo-random numbers: the same seed gives the same sequence on every run and machine.
 *
 * The generator is **xoshiro128\*\*** (Blackman & Vigna, 2018): 128 bits of state, period 2¹²⁸ − 1,
 * built only from 32-bit integer operations, so JavaScript computes it exactly and identically
 * everywhere. Its state is filled from the seed by **SplitMix32**. Uniform doubles use 53 random bits
 * (two outputs); normals use the Box–Muller transform.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rng } from "./random.ts";
 * const a = new Rng(42), b = new Rng(42);
 * assert(a.uniform() === b.uniform());
 * ```
 * @module
 */

/**
 * Anything that names a random stream: a seed, or a generator to draw from.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "./matrix.ts";
 * import { Rng, type Seed } from "./random.ts";
 * const seed: Seed = 3; // a number, or an Rng to share one stream
 * assert.deepEqual(Matrix.rand(1, 2, seed).data, Matrix.rand(1, 2, new Rng(3)).data);
 * ```
 */
export type Seed = number | Rng;

/**
 * The default seed used when none is given, so that nothing in this library is unseeded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_SEED, Rng } from "./random.ts";
 * assert.equal(new Rng().uniform(), new Rng(DEFAULT_SEED).uniform()); // no seed means seed 0
 * ```
 */
export const DEFAULT_SEED = 0;

/**
 * A seeded xoshiro128** generator.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rng } from "./random.ts";
 * const rng = new Rng(231);
 * const x = rng.uniform(-1, 1); // in [-1, 1)
 * const k = rng.int(0, 10); // integer in [0, 10)
 * assert(x >= -1 && x < 1 && Number.isInteger(k));
 * ```
 */
export class Rng {
  #s = new Uint32Array(4);
  #spare: number | null = null;
  /** The seed this generator was created with. */
  readonly seed: number;

  /** Creates a generator from an integer seed (any finite number; it is reduced to 32 bits). */
  constructor(seed: number = DEFAULT_SEED) {
    if (!Number.isFinite(seed)) {
      throw new TypeError(`Rng: seed must be a finite number, got ${seed}`);
    }
    this.seed = seed;
    // SplitMix32 expands the seed into the four state words.
    let z = (Math.trunc(seed) >>> 0) ^ (Math.floor(seed / 2 ** 32) >>> 0);
    for (let i = 0; i < 4; i++) {
      z = (z + 0x9e3779b9) >>> 0;
      let t = z;
      t = Math.imul(t ^ (t >>> 16), 0x85ebca6b) >>> 0;
      t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35) >>> 0;
      this.#s[i] = (t ^ (t >>> 16)) >>> 0;
    }
    if ((this.#s[0] | this.#s[1] | this.#s[2] | this.#s[3]) === 0) this.#s[0] = 1;
  }

  /**
   * A generator started from an explicit 128-bit state (four 32-bit words, not all zero), for
   * checking the algorithm against its published test vectors.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Rng } from "./random.ts";
   * assert.equal(Rng.fromState([1, 2, 3, 4]).nextUint32(), 11520);
   * ```
   */
  static fromState(state: readonly [number, number, number, number]): Rng {
    if (state.every((w) => (w >>> 0) === 0)) {
      throw new RangeError("Rng.fromState: the state must not be all zeros");
    }
    const rng = new Rng(0);
    rng.#s.set(state.map((w) => w >>> 0));
    return rng;
  }

  /**
   * Next raw 32-bit unsigned output of xoshiro128**.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Rng } from "./random.ts";
   * assert.equal(Rng.fromState([1, 2, 3, 4]).nextUint32(), 11520); // the reference C code's output
   * const r = new Rng(0).nextUint32();
   * assert(Number.isInteger(r) && r >= 0 && r < 2 ** 32);
   * ```
   */
  nextUint32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /**
   * A uniform double in [0, 1) with 53 random bits.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Rng } from "./random.ts";
   * const rng = new Rng(1);
   * const xs = Array.from({ length: 10000 }, () => rng.random());
   * assert(xs.every((u) => u >= 0 && u < 1));
   * assert(Math.abs(xs.reduce((a, b) => a + b) / xs.length - 0.5) < 0.015); // mean ≈ 1/2
   * ```
   */
  random(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /**
   * A uniform double in [low, high).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Rng } from "./random.ts";
   * const rng = new Rng(2);
   * const xs = Array.from({ length: 1000 }, () => rng.uniform(-1, 1));
   * assert(xs.every((x) => x >= -1 && x < 1));
   * assert.equal(new Rng(2).uniform(-1, 1), xs[0]); // same seed, same number
   * ```
   */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.random();
  }

  /**
   * A normal (Gaussian) sample with the given mean and standard deviation (Box–Muller).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Rng } from "./random.ts";
   * const rng = new Rng(0);
   * const xs = Array.from({ length: 10000 }, () => rng.normal(5, 2));
   * const mean = xs.reduce((a, b) => a + b) / xs.length;
   * const std = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length);
   * assert(Math.abs(mean - 5) < 0.1 && Math.abs(std - 2) < 0.1);
   * ```
   */
  normal(mean = 0, std = 1): number {
    if (this.#spare !== null) {
      const z = this.#spare;
      this.#spare = null;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.random(); // log(0) is -Infinity
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /**
   * A uniform integer in [low, high) (unbiased, by rejection).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Rng } from "./random.ts";
   * const rng = new Rng(0);
   * const rolls = Array.from({ length: 600 }, () => rng.int(1, 7)); // a die
   * assert.deepEqual([...new Set(rolls)].sort(), [1, 2, 3, 4, 5, 6]);
   * assert.throws(() => rng.int(3, 3), /Rng.int: need integers low < high, got \[3, 3\)/);
   * ```
   */
  int(low: number, high: number): number {
    if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
      throw new RangeError(`Rng.int: need integers low < high, got [${low}, ${high})`);
    }
    const span = high - low;
    if (span > 2 ** 32) return low + Math.floor(this.random() * span);
    const limit = 2 ** 32 - (2 ** 32 % span);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return low + (x % span);
  }

  /**
   * Shuffles an array (or typed array) in place with Fisher–Yates and returns it.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Rng } from "./random.ts";
   * const a = [1, 2, 3, 4, 5];
   * assert.equal(new Rng(0).shuffle(a), a); // in place
   * assert.deepEqual([...a].sort(), [1, 2, 3, 4, 5]); // the same entries, in a new order
   * assert.deepEqual(new Rng(0).shuffle([1, 2, 3, 4, 5]), a); // same seed, same order
   * ```
   */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /**
   * A random permutation of 0 … n−1.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Rng } from "./random.ts";
   * const p = new Rng(0).permutation(5); // e.g. to shuffle the rows of X: X.gatherRows(p)
   * assert.deepEqual(Array.from(p).sort(), [0, 1, 2, 3, 4]);
   * assert.deepEqual(p, new Rng(0).permutation(5));
   * ```
   */
  permutation(n: number): Int32Array {
    checkCount("Rng.permutation", n);
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /**
   * `size` indices drawn from 0 … n−1, with or without replacement (like `np.random.choice`).
   * Without replacement, `size` must not exceed `n`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Rng } from "./random.ts";
   * const rng = new Rng(0);
   * const batch = rng.choice(50000, 200); // a minibatch of row indices, with replacement
   * assert(batch.length === 200 && batch.every((i) => i >= 0 && i < 50000));
   * const all = rng.choice(10, 10, { replace: false }); // without replacement: no repeats
   * assert.deepEqual(Array.from(all).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
   * assert.throws(() => rng.choice(3, 4, { replace: false }), /cannot draw 4 without replacement/);
   * ```
   */
  choice(n: number, size: number, { replace = true }: { replace?: boolean } = {}): Int32Array {
    checkCount("Rng.choice", n);
    checkCount("Rng.choice", size);
    const out = new Int32Array(size);
    if (replace) {
      if (n === 0 && size > 0) throw new RangeError("Rng.choice: cannot draw from an empty range");
      for (let i = 0; i < size; i++) out[i] = this.int(0, n);
      return out;
    }
    if (size > n) {
      throw new RangeError(`Rng.choice: cannot draw ${size} without replacement from ${n}`);
    }
    // Partial Fisher–Yates: the first `size` entries of a shuffled 0 … n−1.
    const pool = new Int32Array(n);
    for (let i = 0; i < n; i++) pool[i] = i;
    for (let i = 0; i < size; i++) {
      const j = this.int(i, n);
      out[i] = pool[j];
      pool[j] = pool[i];
    }
    return out;
  }
}

/**
 * Returns a generator for a seed, or the generator itself when one is passed in, so functions can
 * take either (`{ seed: 1 }` or `{ seed: sharedRng }`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rng, toRng } from "./random.ts";
 * const shared = new Rng(1);
 * assert(toRng(shared) === shared);
 * assert(toRng(5).seed === 5);
 * ```
 */
export function toRng(seed: Seed = DEFAULT_SEED): Rng {
  return seed instanceof Rng ? seed : new Rng(seed);
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function checkCount(op: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`${op}: expected a non-negative integer, got ${n}`);
  }
}
