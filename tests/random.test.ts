import assert from "node:assert/strict";
import { DEFAULT_SEED, Rng, toRng } from "../lib/random.ts";

Deno.test("xoshiro128** matches the published test vector for state [1, 2, 3, 4]", () => {
  const r = Rng.fromState([1, 2, 3, 4]);
  const got = Array.from({ length: 10 }, () => r.nextUint32());
  assert.deepEqual(got, [
    11520,
    0,
    5927040,
    70819200,
    2031721883,
    1637235492,
    1287239034,
    3734860849,
    3729100597,
    4258142804,
  ]);
  assert.throws(() => Rng.fromState([0, 0, 0, 0]), /must not be all zeros/);
});

Deno.test("seed 42 gives the same fixed sequences on every run and machine", () => {
  const take = <T>(n: number, f: () => T) => Array.from({ length: n }, f);
  const a = new Rng(42);
  assert.deepEqual(take(4, () => a.nextUint32()), [2837322924, 544945897, 479756282, 3500138142]);
  const b = new Rng(42);
  assert.deepEqual(take(3, () => b.random()), [
    0.6606157208001621,
    0.1117019639532224,
    0.0791056456144914,
  ]);
  const c = new Rng(42);
  assert.deepEqual(take(3, () => c.normal()), [
    0.6953712153418405,
    0.5878986391985577,
    2.242263762064122,
  ]);
  const d = new Rng(42);
  assert.deepEqual(take(5, () => d.int(0, 10)), [4, 7, 2, 2, 0]);
  assert.deepEqual(Array.from(new Rng(42).permutation(8)), [1, 7, 3, 0, 5, 2, 6, 4]);
  const f = new Rng(42);
  assert.deepEqual(Array.from(f.choice(10, 5, { replace: false })), [4, 2, 0, 7, 1]);
  assert.deepEqual(Array.from(f.choice(3, 6)), [0, 1, 1, 0, 2, 0]);
});

Deno.test("different seeds give different streams; the default seed is 0", () => {
  assert.notEqual(new Rng(1).nextUint32(), new Rng(2).nextUint32());
  assert.equal(new Rng().seed, DEFAULT_SEED);
  assert.equal(new Rng().random(), new Rng(0).random());
  // Seeds above 2³² still matter (both halves feed SplitMix32).
  assert.notEqual(new Rng(2 ** 32 + 1).nextUint32(), new Rng(1).nextUint32());
  assert.throws(() => new Rng(NaN), /seed must be a finite number, got NaN/);
});

Deno.test("uniform and normal have the right moments", () => {
  const r = new Rng(7);
  const n = 100_000;
  let su = 0, sn = 0, sn2 = 0, lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const u = r.uniform(-2, 4);
    su += u;
    lo = Math.min(lo, u);
    hi = Math.max(hi, u);
    const z = r.normal(3, 2);
    sn += z;
    sn2 += (z - 3) ** 2;
  }
  assert.ok(lo >= -2 && hi < 4);
  assert.ok(Math.abs(su / n - 1) < 0.02, `uniform mean ${su / n}`);
  assert.ok(Math.abs(sn / n - 3) < 0.02, `normal mean ${sn / n}`);
  assert.ok(Math.abs(Math.sqrt(sn2 / n) - 2) < 0.02, `normal std ${Math.sqrt(sn2 / n)}`);
});

Deno.test("int is unbiased over its range and validates arguments", () => {
  const r = new Rng(11);
  const counts = new Array(6).fill(0);
  for (let i = 0; i < 60_000; i++) counts[r.int(0, 6)]++;
  for (const c of counts) assert.ok(Math.abs(c - 10_000) < 400, `count ${c}`);
  assert.ok(r.int(-3, -2) === -3);
  const wide = r.int(0, 2 ** 40);
  assert.ok(Number.isInteger(wide) && wide >= 0 && wide < 2 ** 40);
  assert.throws(() => r.int(5, 5), /Rng.int: need integers low < high, got \[5, 5\)/);
  assert.throws(() => r.int(0, 2.5), /Rng.int/);
});

Deno.test("shuffle, permutation and choice", () => {
  const r = new Rng(5);
  const arr = [1, 2, 3, 4, 5, 6, 7, 8];
  const same = r.shuffle(arr);
  assert.equal(same, arr, "shuffles in place");
  assert.deepEqual([...arr].sort(), [1, 2, 3, 4, 5, 6, 7, 8]);
  const p = r.permutation(1000);
  assert.deepEqual(Array.from(p).sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
  const c = r.choice(50, 50, { replace: false });
  assert.equal(new Set(c).size, 50);
  const w = r.choice(5, 1000);
  assert.ok(Array.from(w).every((v) => v >= 0 && v < 5));
  assert.equal(new Set(w).size, 5, "with replacement repeats values");
  assert.equal(r.choice(0, 0, { replace: false }).length, 0);
  assert.throws(
    () => r.choice(3, 4, { replace: false }),
    /cannot draw 4 without replacement from 3/,
  );
  assert.throws(() => r.choice(0, 2), /cannot draw from an empty range/);
  assert.throws(
    () => r.permutation(-1),
    /Rng.permutation: expected a non-negative integer, got -1/,
  );
  assert.throws(() => r.choice(2.5, 1), /Rng.choice: expected a non-negative integer, got 2.5/);
});

Deno.test("toRng passes generators through and seeds numbers", () => {
  const g = new Rng(9);
  assert.equal(toRng(g), g);
  assert.equal(toRng(9).random(), new Rng(9).random());
  assert.equal(toRng().seed, 0);
});
