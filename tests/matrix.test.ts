import assert from "node:assert/strict";
import {
  assertFinite,
  assertShape,
  hstack,
  matmul,
  matmulTA,
  matmulTB,
  Matrix,
  MAX_MATRIX_BYTES,
  NonFiniteError,
  vstack,
} from "../lib/matrix.ts";
import { checkDivergence } from "../lib/optim/training.ts";
import { Rng } from "../lib/random.ts";

/** The textbook i-j-k product, the reference every fast path is compared with. */
function naiveMatmul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, aik, k) => s + aik * b[k][j], 0)));
}

function assertClose(actual: Matrix, expected: number[][], tol = 1e-12) {
  assert.deepEqual(actual.shape, [expected.length, expected[0]?.length ?? 0]);
  const flat = expected.flat();
  for (let i = 0; i < flat.length; i++) {
    assert.ok(
      Math.abs(actual.data[i] - flat[i]) <= tol * (1 + Math.abs(flat[i])),
      `entry ${i}: ${actual.data[i]} vs ${flat[i]}`,
    );
  }
}

Deno.test("constructors: zeros, ones, full, eye, fromArray, toArray", () => {
  assert.deepEqual(Matrix.zeros(2, 3).toArray(), [[0, 0, 0], [0, 0, 0]]);
  assert.deepEqual(Matrix.ones(1, 2).toArray(), [[1, 1]]);
  assert.deepEqual(Matrix.full(2, 1, 7).toArray(), [[7], [7]]);
  assert.deepEqual(Matrix.eye(3).toArray(), [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  const m = Matrix.fromArray([[1, 2, 3], [4, 5, 6]]);
  assert.equal(m.rows, 2);
  assert.equal(m.cols, 3);
  assert.deepEqual(Array.from(m.data), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(m.toArray(), [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(new Matrix(2, 2, [1, 2, 3, 4]).toArray(), [[1, 2], [3, 4]]);
  assert.deepEqual(Matrix.rowVector([1, 2]).shape, [1, 2]);
  assert.deepEqual(Matrix.colVector([1, 2]).shape, [2, 1]);
  assert.deepEqual(Matrix.fromArray([]).shape, [0, 0]);
});

Deno.test("constructor and fromArray errors name the shape", () => {
  assert.throws(() => new Matrix(2, 2, [1, 2, 3]), /\(2×2\) needs 4 values, got 3/);
  assert.throws(() => new Matrix(-1, 2), /Matrix: rows must be a non-negative integer, got -1/);
  assert.throws(() => new Matrix(1.5, 2), /Matrix: rows must be a non-negative integer, got 1.5/);
  assert.throws(() => new Matrix(2, NaN), /Matrix: cols must be a non-negative integer, got NaN/);
  assert.throws(() => Matrix.fromArray([[1, 2], [3]]), /row 1 has 1 values, row 0 has 2/);
});

Deno.test("dimensions must be numbers: a string, undefined or null is a TypeError naming it", () => {
  const as = (v: unknown) => v as number;
  assert.throws(
    () => new Matrix(as("3"), 2),
    (e) =>
      e instanceof TypeError && e.message === 'Matrix: rows must be a number, got the string "3"',
  );
  assert.throws(() => new Matrix(2, as(undefined)), /Matrix: cols must be a number, got undefined/);
  assert.throws(() => Matrix.zeros(as(null), 2), /zeros: rows must be a number, got null/);
  assert.throws(() => Matrix.ones(2, as("2")), /ones: cols must be a number, got the string "2"/);
  assert.throws(() => Matrix.full(as([2]), 2, 0), /full: rows must be a number, got an array/);
  assert.throws(() => Matrix.eye(as("4")), /eye: n must be a number, got the string "4"/);
  assert.throws(() => Matrix.randn(as(2n), 2), /randn: rows must be a number, got the bigint 2n/);
  assert.throws(
    () => Matrix.rand(2, as(true)),
    /rand: cols must be a number, got the boolean true/,
  );
  assert.throws(() => Matrix.eye(2).reshape(as("4"), 1), /reshape: rows must be a number/);
  assert.throws(() => Matrix.eye(-2), /eye: n must be a non-negative integer, got -2/);
  assert.throws(() => Matrix.randn(2.5, 2, 0), /randn: rows must be a non-negative integer/);
});

Deno.test("a shape too big for one matrix is refused before allocating, with the bytes it needs", () => {
  assert.equal(MAX_MATRIX_BYTES, 2 ** 32);
  const tooBig = (op: string, shape: string, bytes: string) =>
    new RegExp(`^RangeError: ${op}: \\(${shape}\\) needs ${bytes}, more than the 4.29 GB one`);
  assert.throws(() => Matrix.zeros(1e5, 1e5), tooBig("zeros", "100000×100000", "80 GB"));
  assert.throws(() => new Matrix(1e9, 1), tooBig("Matrix", "1000000000×1", "8 GB"));
  assert.throws(() => Matrix.ones(1e9, 1), tooBig("ones", "1000000000×1", "8 GB"));
  assert.throws(() => Matrix.full(3, 2 ** 53, 0), /full: \(3×9007199254740992\) needs 216 PB/);
  assert.throws(() => Matrix.randn(1e6, 1e3, 0), tooBig("randn", "1000000×1000", "8 GB"));
  assert.throws(() => Matrix.rand(1e6, 1e3, 0), tooBig("rand", "1000000×1000", "8 GB"));
  assert.throws(() => Matrix.eye(1e5), tooBig("eye", "100000×100000", "80 GB"));
  assert.throws(() => assertShape("demo", 2 ** 31, 1), tooBig("demo", "2147483648×1", "17.2 GB"));
  // Shapes computed from valid operands: an outer product by broadcasting or matmul, a stack.
  const col = new Matrix(1e5, 1), row = new Matrix(1, 1e5);
  assert.throws(() => col.add(row), tooBig("add", "100000×100000", "80 GB"));
  assert.throws(() => col.mul(row), tooBig("mul", "100000×100000", "80 GB"));
  assert.throws(() => matmul(col, row), tooBig("matmul", "100000×100000", "80 GB"));
  assert.throws(() => matmulTA(row, row), tooBig("matmulTA", "100000×100000", "80 GB"));
  assert.throws(() => matmulTB(col, col), tooBig("matmulTB", "100000×100000", "80 GB"));
  // 2 GiB each (a stand-in: only the shape is read before the refusal): three do not fit.
  const tall = Object.assign(Object.create(Matrix.prototype), { rows: 2 ** 28, cols: 1 });
  assert.throws(() => hstack([tall, tall, tall]), tooBig("hstack", "268435456×3", "6.44 GB"));
  assert.throws(() => vstack([tall, tall, tall]), tooBig("vstack", "805306368×1", "6.44 GB"));
  assert.throws(
    () => Matrix.eye(1).gatherRows({ length: 2 ** 29 + 1 }),
    tooBig("gatherRows", "536870913×1", "4.29 GB"),
  );
  // The largest allowed shape is allowed (and a 0-sized one costs nothing).
  assert.doesNotThrow(() => assertShape("demo", 2 ** 29, 1));
  assert.deepEqual(new Matrix(0, 2 ** 29).shape, [0, 2 ** 29]);
  // An empty matrix with a dimension too big for its row or column vectors.
  assert.throws(
    () => new Matrix(0, 2 ** 40),
    /Matrix: \(0×1099511627776\): cols = 1099511627776 is more than the 536870912 a matrix may have/,
  );
  assert.throws(() => Matrix.zeros(1e9, 0), /zeros: \(1000000000×0\): rows = 1000000000 is more/);
});

Deno.test("assertFinite names the operation, the argument and the first NaN or ±∞ entry", () => {
  assertFinite("demo", "X", Matrix.fromArray([[1, -2], [1e308, -0]]));
  assertFinite("demo", "X", new Matrix(0, 3));
  const X = Matrix.zeros(3, 2);
  X.set(2, 1, NaN).set(2, 0, -Infinity);
  assert.throws(
    () => assertFinite("svmLossVectorized", "X", X),
    (e) =>
      e instanceof NonFiniteError && e instanceof RangeError &&
      e.message === "svmLossVectorized: X[2,0] is -Infinity, not a finite number" &&
      e.op === "svmLossVectorized" && e.argument === "X" && e.row === 2 && e.col === 0 &&
      e.value === -Infinity,
  );
  X.set(0, 1, NaN);
  assert.throws(() => assertFinite("op", "W", X), /^NonFiniteError: op: W\[0,1\] is NaN/);
  assert.throws(
    () => assertFinite("op", "W", [[1]] as unknown as Matrix),
    (e) => e instanceof TypeError && /op: W must be a Matrix, got an array/.test(e.message),
  );
});

Deno.test("get/set/row/col/clone/reshape and index errors", () => {
  const m = Matrix.fromArray([[1, 2], [3, 4]]);
  assert.equal(m.get(1, 0), 3);
  m.set(1, 0, 9);
  assert.equal(m.data[2], 9);
  assert.deepEqual(Array.from(m.row(1)), [9, 4]);
  assert.deepEqual(Array.from(m.col(1)), [2, 4]);
  const c = m.clone();
  c.set(0, 0, 100);
  assert.equal(m.get(0, 0), 1);
  assert.deepEqual(m.reshape(1, 4).toArray(), [[1, 2, 9, 4]]);
  assert.equal(m.size, 4);
  assert.throws(() => m.get(2, 0), /get: index \(2, 0\) is outside \(2×2\)/);
  assert.throws(() => m.set(0, -1, 1), /set: index \(0, -1\) is outside \(2×2\)/);
  assert.throws(() => m.row(5), /row: index 5 is outside \(2×2\)/);
  assert.throws(() => m.col(2), /col: index 2 is outside \(2×2\)/);
  assert.throws(() => m.reshape(3, 1), /reshape: \(2×2\) → \(3×1\): sizes differ/);
});

Deno.test("seeded randn/rand are reproducible and have the right moments", () => {
  assert.deepEqual(Matrix.randn(3, 4, 7).data, Matrix.randn(3, 4, 7).data);
  assert.notDeepEqual(Matrix.randn(3, 4, 7).data, Matrix.randn(3, 4, 8).data);
  const big = Matrix.randn(200, 200, 1);
  assert.ok(Math.abs(big.mean()) < 0.02);
  assert.ok(Math.abs(big.pow(2).mean() - 1) < 0.02);
  const u = Matrix.rand(100, 100, new Rng(3));
  assert.ok(u.min() >= 0 && u.max() < 1);
  assert.ok(Math.abs(u.mean() - 0.5) < 0.01);
});

Deno.test("elementwise ops with scalars and equal shapes", () => {
  const a = Matrix.fromArray([[1, 2], [3, 4]]);
  const b = Matrix.fromArray([[10, 20], [30, 40]]);
  assert.deepEqual(a.add(1).toArray(), [[2, 3], [4, 5]]);
  assert.deepEqual(a.sub(1).toArray(), [[0, 1], [2, 3]]);
  assert.deepEqual(a.mul(2).toArray(), [[2, 4], [6, 8]]);
  assert.deepEqual(a.div(2).toArray(), [[0.5, 1], [1.5, 2]]);
  assert.deepEqual(b.add(a).toArray(), [[11, 22], [33, 44]]);
  assert.deepEqual(b.sub(a).toArray(), [[9, 18], [27, 36]]);
  assert.deepEqual(b.mul(a).toArray(), [[10, 40], [90, 160]]);
  assert.deepEqual(b.div(a).toArray(), [[10, 10], [10, 10]]);
  assert.deepEqual(a.neg().toArray(), [[-1, -2], [-3, -4]]);
  assert.deepEqual(a.pow(2).toArray(), [[1, 4], [9, 16]]);
  assert.deepEqual(a.pow(0.5).toArray(), a.sqrt().toArray());
});

Deno.test("broadcasting: row vector (1×C) and column vector (N×1), both ways", () => {
  const a = Matrix.fromArray([[1, 2, 3], [4, 5, 6]]);
  const row = Matrix.fromArray([[10, 20, 30]]);
  const col = Matrix.fromArray([[100], [200]]);
  assert.deepEqual(a.add(row).toArray(), [[11, 22, 33], [14, 25, 36]]);
  assert.deepEqual(row.add(a).toArray(), [[11, 22, 33], [14, 25, 36]]);
  assert.deepEqual(a.sub(col).toArray(), [[-99, -98, -97], [-196, -195, -194]]);
  assert.deepEqual(col.sub(a).toArray(), [[99, 98, 97], [196, 195, 194]]);
  assert.deepEqual(a.mul(col).toArray(), [[100, 200, 300], [800, 1000, 1200]]);
  assert.deepEqual(a.div(row).toArray(), [[0.1, 0.1, 0.1], [0.4, 0.25, 0.2]]);
  // Outer broadcast: (2×1) + (1×3) → (2×3).
  assert.deepEqual(col.add(row).toArray(), [[110, 120, 130], [210, 220, 230]]);
  // Mean subtraction, the typical use.
  const centered = a.sub(a.mean(0));
  assert.deepEqual(centered.toArray(), [[-1.5, -1.5, -1.5], [1.5, 1.5, 1.5]]);
  // An empty matrix broadcasts to empty.
  assert.deepEqual(new Matrix(0, 3).add(row).shape, [0, 3]);
});

Deno.test("broadcasting errors name the operation and both shapes", () => {
  const a = Matrix.zeros(3, 4);
  assert.throws(
    () => a.add(Matrix.zeros(5, 2)),
    /^RangeError: add: \(3×4\) \+ \(5×2\): shapes do not broadcast$/,
  );
  assert.throws(() => a.sub(Matrix.zeros(1, 3)), /sub: \(3×4\) − \(1×3\)/);
  assert.throws(() => a.mul(Matrix.zeros(2, 1)), /mul: \(3×4\) ⊙ \(2×1\)/);
  assert.throws(() => a.div(Matrix.zeros(4, 3)), /div: \(3×4\) ⊘ \(4×3\)/);
  assert.throws(() => a.maximum(Matrix.zeros(2, 2)), /maximum: \(3×4\) max \(2×2\)/);
  assert.throws(() => a.minimum(Matrix.zeros(2, 2)), /minimum: \(3×4\) min \(2×2\)/);
});

Deno.test("exp, log, sqrt, abs, maximum, minimum, map", () => {
  const a = Matrix.fromArray([[0, 1], [-4, 4]]);
  assertClose(a.exp(), [[1, Math.E], [Math.exp(-4), Math.exp(4)]]);
  assertClose(Matrix.fromArray([[1, Math.E]]).log(), [[0, 1]]);
  assert.deepEqual(a.abs().sqrt().toArray(), [[0, 1], [2, 2]]);
  assert.deepEqual(a.abs().toArray(), [[0, 1], [4, 4]]);
  assert.deepEqual(a.maximum(0).toArray(), [[0, 1], [0, 4]]);
  assert.deepEqual(a.minimum(0).toArray(), [[0, 0], [-4, 0]]);
  assert.deepEqual(a.maximum(Matrix.fromArray([[2], [-5]])).toArray(), [[2, 2], [-4, 4]]);
  assert.deepEqual(a.map((v, i, j) => v + 10 * i + 100 * j).toArray(), [[0, 101], [6, 114]]);
  assert.ok(Number.isNaN(Matrix.fromArray([[NaN]]).maximum(0).get(0, 0)), "maximum propagates NaN");
});

Deno.test("in-place scaled add and scale", () => {
  const w = Matrix.fromArray([[1, 2]]);
  w.addScaledInPlace(Matrix.fromArray([[10, 20]]), -0.1);
  assertClose(w, [[0, 0]]);
  assert.deepEqual(Matrix.fromArray([[1, 2]]).scaleInPlace(3).toArray(), [[3, 6]]);
  assert.throws(
    () => w.addScaledInPlace(Matrix.zeros(2, 1)),
    /addScaledInPlace: \(1×2\) and \(2×1\): shapes differ/,
  );
});

Deno.test("matmul, matmulTA, matmulTB agree with the naive product on random shapes", () => {
  const rng = new Rng(2024);
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [1, 7, 1],
    [1, 5, 9],
    [9, 5, 1],
    [6, 1, 4],
    [3, 4, 2],
    [17, 13, 11],
    [32, 64, 33],
    [70, 3, 65],
  ];
  for (const [m, k, n] of shapes) {
    const a = Matrix.randn(m, k, rng);
    const b = Matrix.randn(k, n, rng);
    const expected = naiveMatmul(a.toArray(), b.toArray());
    assertClose(matmul(a, b), expected);
    assertClose(a.matmul(b), expected);
    assertClose(matmulTA(a.T, b), expected);
    assertClose(matmulTB(a, b.T), expected);
  }
  // Empty inner dimension: a sum over nothing is 0.
  assert.deepEqual(matmul(new Matrix(2, 0), new Matrix(0, 3)).toArray(), [[0, 0, 0], [0, 0, 0]]);
});

Deno.test("matmul errors name both shapes and the inner sizes", () => {
  assert.throws(
    () => matmul(Matrix.zeros(3, 4), Matrix.zeros(5, 2)),
    /^RangeError: matmul: \(3×4\) · \(5×2\): inner sizes 4 ≠ 5$/,
  );
  assert.throws(
    () => matmulTA(Matrix.zeros(3, 4), Matrix.zeros(5, 2)),
    /matmulTA: \(3×4\)ᵀ · \(5×2\): inner sizes 3 ≠ 5/,
  );
  assert.throws(
    () => matmulTB(Matrix.zeros(3, 4), Matrix.zeros(5, 2)),
    /matmulTB: \(3×4\) · \(5×2\)ᵀ: inner sizes 4 ≠ 2/,
  );
});

Deno.test("transpose, including shapes larger than one cache block", () => {
  assert.deepEqual(Matrix.fromArray([[1, 2, 3], [4, 5, 6]]).T.toArray(), [[1, 4], [2, 5], [3, 6]]);
  const big = Matrix.randn(70, 45, 5);
  const t = big.transpose();
  assert.deepEqual(t.shape, [45, 70]);
  for (const [i, j] of [[0, 0], [69, 44], [33, 40], [64, 32]]) {
    assert.equal(t.get(j, i), big.get(i, j));
  }
  assert.deepEqual(t.T.data, big.data);
});

Deno.test("reductions on a hand-computed example", () => {
  const a = Matrix.fromArray([[1, -2, 3], [4, 5, -6]]);
  assert.equal(a.sum(), 5);
  assert.deepEqual(a.sum(0).toArray(), [[5, 3, -3]]);
  assert.deepEqual(a.sum(1).toArray(), [[2], [3]]);
  assert.equal(a.mean(), 5 / 6);
  assert.deepEqual(a.mean(0).toArray(), [[2.5, 1.5, -1.5]]);
  assert.deepEqual(a.mean(1).toArray(), [[2 / 3], [1]]);
  assert.equal(a.max(), 5);
  assert.deepEqual(a.max(0).toArray(), [[4, 5, 3]]);
  assert.deepEqual(a.max(1).toArray(), [[3], [5]]);
  assert.equal(a.min(), -6);
  assert.deepEqual(a.min(0).toArray(), [[1, -2, -6]]);
  assert.deepEqual(a.min(1).toArray(), [[-2], [-6]]);
  assert.equal(a.argmax(), 4);
  assert.deepEqual(Array.from(a.argmax(0)), [1, 1, 0]);
  assert.deepEqual(Array.from(a.argmax(1)), [2, 1]);
  assert.equal(a.argmin(), 5);
  assert.deepEqual(Array.from(a.argmin(0)), [0, 0, 1]);
  assert.deepEqual(Array.from(a.argmin(1)), [1, 2]);
  // Ties go to the first index.
  assert.deepEqual(Array.from(Matrix.fromArray([[2, 7, 7], [1, 1, 0]]).argmax(1)), [1, 0]);
  assert.equal(Matrix.fromArray([[3, 4]]).norm(), 5);
  assert.equal(a.sumOfSquares(), 91);
  for (let n = 1; n <= 9; n++) { // four running sums and a tail: every length up to 9
    const v = Matrix.fromArray([Array.from({ length: n }, (_, i) => i + 1)]);
    assert.equal(v.sumOfSquares(), (n * (n + 1) * (2 * n + 1)) / 6);
    v.data[n - 1] = NaN;
    assert.ok(Number.isNaN(v.sumOfSquares()));
  }
  assert.deepEqual(a.sumOfSquares(0).toArray(), [[17, 29, 45]]);
  assert.deepEqual(a.sumOfSquares(1).toArray(), [[14], [77]]);
});

Deno.test("reduction errors", () => {
  const empty = new Matrix(0, 3);
  assert.throws(() => empty.mean(), /mean: \(0×3\) has no entries/);
  assert.throws(() => empty.mean(0), /mean: axis 0 of \(0×3\) is empty/);
  assert.throws(() => empty.argmax(), /argmax: \(0×3\) has no entries/);
  assert.throws(() => new Matrix(2, 0).argmax(1), /argmax: axis 1 of \(2×0\) is empty/);
  assert.throws(() => Matrix.eye(2).sum(2 as 0), /sum: axis must be 0 or 1, got 2/);
  assert.throws(() => Matrix.eye(2).argmin(3 as 0), /argmin: axis must be 0 or 1, got 3/);
  assert.throws(() => Matrix.eye(2).max(2 as 0), /max: axis must be 0 or 1, got 2/);
  assert.throws(() => Matrix.eye(2).mean(2 as 0), /mean: axis must be 0 or 1, got 2/);
});

Deno.test("a reduction without an identity over an empty axis throws, naming the op and shape", () => {
  for (const [r, c] of [[0, 3], [3, 0], [0, 0]]) {
    const m = new Matrix(r, c), shape = `\\(${r}×${c}\\)`;
    for (const op of ["max", "min", "argmax", "argmin", "mean"] as const) {
      assert.throws(() => m[op](), new RegExp(`^RangeError: ${op}: ${shape} has no entries`));
      for (const axis of [0, 1] as const) {
        const reduced = axis === 0 ? r : c;
        if (reduced === 0) {
          assert.throws(
            () => m[op](axis),
            new RegExp(`^RangeError: ${op}: axis ${axis} of ${shape} is empty$`),
          );
        } else {
          // Reducing a non-empty axis of an empty matrix: an empty result, like numpy.
          const out = m[op](axis);
          assert.equal(out instanceof Matrix ? out.size : out.length, 0, `${op}(${axis})`);
        }
      }
    }
    // sum and sumOfSquares have an identity: 0, as numpy's.
    assert.equal(m.sum(), 0);
    assert.equal(m.sumOfSquares(), 0);
    assert.equal(m.norm(), 0);
    assert.deepEqual(m.sum(0).shape, [1, c]);
    assert.ok(m.sum(0).data.every((v) => v === 0) && m.sum(1).data.every((v) => v === 0));
    assert.deepEqual(m.sumOfSquares(1).shape, [r, 1]);
  }
});

Deno.test("NaN rule: max/min are NaN and argmax/argmin the first NaN's index, on every axis", () => {
  // Every position of one or two NaNs in a 3×4 matrix, against a direct reference.
  const base = [[3, -1, 7, 7], [0, 9, -5, 2], [4, 4, 1, -8]];
  const reference = (rows: number[][], largest: boolean) => {
    const flat = rows.flat();
    let best = 0;
    for (let t = 0; t < flat.length; t++) {
      if (Number.isNaN(flat[t])) return { index: t, value: NaN };
      if (largest ? flat[t] > flat[best] : flat[t] < flat[best]) best = t;
    }
    return { index: best, value: flat[best] };
  };
  const cols = (rows: number[][]) => rows[0].map((_, j) => rows.map((r) => [r[j]]));
  const positions = Array.from({ length: 12 }, (_, t) => t);
  for (const p of positions) {
    for (const q of [p, (p + 5) % 12]) {
      const rows = base.map((r) => r.slice());
      rows[Math.floor(p / 4)][p % 4] = NaN;
      rows[Math.floor(q / 4)][q % 4] = NaN;
      const m = Matrix.fromArray(rows), where = `NaNs at ${p}, ${q}`;
      for (const largest of [true, false]) {
        const [arg, val] = largest ? ["argmax", "max"] as const : ["argmin", "min"] as const;
        const all = reference(rows, largest);
        assert.equal(m[arg](), all.index, `${arg}() ${where}`);
        assert.ok(Object.is(m[val](), all.value), `${val}() ${where}`);
        const byRow = rows.map((r) => reference([r], largest));
        assert.deepEqual(Array.from(m[arg](1)), byRow.map((b) => b.index), `${arg}(1) ${where}`);
        assert.deepEqual(
          Array.from(m[val](1).data),
          byRow.map((b) => b.value),
          `${val}(1) ${where}`,
        );
        const byCol = cols(rows).map((c) => reference(c, largest));
        assert.deepEqual(Array.from(m[arg](0)), byCol.map((b) => b.index), `${arg}(0) ${where}`);
        assert.deepEqual(
          Array.from(m[val](0).data),
          byCol.map((b) => b.value),
          `${val}(0) ${where}`,
        );
      }
    }
  }
  // ±∞ are ordinary numbers: the largest and the smallest; NaN still wins over them.
  const inf = Matrix.fromArray([[1, Infinity, -Infinity]]);
  assert.deepEqual([inf.max(), inf.min(), inf.argmax(), inf.argmin()], [Infinity, -Infinity, 1, 2]);
  const nanLast = Matrix.fromArray([[Infinity, NaN]]);
  assert.deepEqual([nanLast.argmax(), nanLast.argmin(1)[0]], [1, 1]);
  assert.ok(Number.isNaN(nanLast.max()) && Number.isNaN(nanLast.min(0).get(0, 1)));
});

Deno.test("row slicing, gathering, stacking and the bias trick", () => {
  const a = Matrix.fromArray([[1, 2], [3, 4], [5, 6]]);
  assert.deepEqual(a.sliceRows(1).toArray(), [[3, 4], [5, 6]]);
  assert.deepEqual(a.sliceRows(0, 1).toArray(), [[1, 2]]);
  assert.deepEqual(a.gatherRows([2, 0, 2]).toArray(), [[5, 6], [1, 2], [5, 6]]);
  const batch = Matrix.full(2, 2, NaN);
  assert.equal(a.gatherRows([1, 1], batch), batch); // into a reused matrix, every entry rewritten
  assert.deepEqual(batch.toArray(), [[3, 4], [3, 4]]);
  assert.throws(
    () => a.gatherRows([0], batch),
    /gatherRows: out must be a \(1×2\) Matrix, got \(2×2\)/,
  );
  assert.deepEqual(a.appendOnes().toArray(), [[1, 2, 1], [3, 4, 1], [5, 6, 1]]);
  assert.deepEqual(hstack([a, Matrix.zeros(3, 1)]).toArray(), [[1, 2, 0], [3, 4, 0], [5, 6, 0]]);
  assert.deepEqual(vstack([a.sliceRows(0, 1), Matrix.fromArray([[7, 8]])]).toArray(), [[1, 2], [
    7,
    8,
  ]]);
  // Bias trick: [x 1]·[W; b] = x·W + b.
  const W = Matrix.fromArray([[1, 0], [0, 1]]), b = Matrix.fromArray([[10, 20]]);
  assert.deepEqual(a.appendOnes().matmul(vstack([W, b])).toArray(), a.matmul(W).add(b).toArray());
  assert.throws(() => a.sliceRows(2, 4), /sliceRows: rows \[2, 4\) are outside \(3×2\)/);
  assert.throws(
    () => a.gatherRows([0, 3]),
    /gatherRows: index 3 \(position 1\) is outside \(3×2\)/,
  );
  assert.throws(
    () => hstack([a, Matrix.zeros(2, 1)]),
    /hstack: \(3×2\) and \(2×1\): row counts 3 ≠ 2/,
  );
  assert.throws(
    () => vstack([a, Matrix.zeros(1, 3)]),
    /vstack: \(3×2\) and \(1×3\): column counts 2 ≠ 3/,
  );
  assert.throws(() => hstack([]), /hstack: needs at least one matrix/);
  assert.throws(() => vstack([]), /vstack: needs at least one matrix/);
});

Deno.test("approximate equality with tolerances", () => {
  const a = Matrix.fromArray([[1, 2]]);
  assert.ok(a.allClose(Matrix.fromArray([[1 + 1e-10, 2]])));
  assert.ok(!a.allClose(Matrix.fromArray([[1.1, 2]])));
  assert.ok(a.allClose(Matrix.fromArray([[1.1, 2]]), { atol: 0.2 }));
  assert.ok(!a.allClose(Matrix.fromArray([[1, 2, 3]])), "different shapes are not close");
  assert.ok(!a.allClose(Matrix.fromArray([[NaN, 2]])));
  assert.ok(Matrix.fromArray([[Infinity]]).allClose(Matrix.fromArray([[Infinity]])));
  assert.equal(a.maxAbsDiff(Matrix.fromArray([[1.5, 1]])), 1);
  assert.throws(() => a.maxAbsDiff(Matrix.zeros(2, 1)), /maxAbsDiff: \(1×2\) and \(2×1\)/);
});

Deno.test("toString shows the shape and elides large matrices", () => {
  const s = Matrix.zeros(10, 10).toString();
  assert.match(s, /^Matrix \(10×10\)/);
  assert.match(s, /…/);
  assert.match(Matrix.fromArray([[1.5]]).toString(), /\[1\.500\]/);
});

Deno.test("assertFinite and checkDivergence find the first bad entry at every position", () => {
  // The scans test four entries at a time, then the tail: every position of a 3×5, in and across
  // blocks and in the tail, with a second bad entry after it that must not be the one named.
  for (const bad of [NaN, Infinity, -Infinity]) {
    for (let p = 0; p < 15; p++) {
      const m = Matrix.fromArray([[1, -2, 3, 0, 5], [6, -0, 8, 9, 1e308], [-1e308, 1, 2, 3, 4]]);
      m.data[p] = bad;
      if (p + 1 < 15) m.data[p + 1] = NaN;
      const at = `\\[${Math.floor(p / 5)},${p % 5}\\]`;
      assert.throws(() => assertFinite("demo", "X", m), new RegExp(`demo: X${at} is ${bad}`));
      assert.throws(
        () => checkDivergence("demo", 3, 0.5, { dW: m }, 0.1, []),
        new RegExp(`dW${at} = ${bad}`),
      );
    }
  }
  checkDivergence("demo", 3, 0.5, { dW: Matrix.full(3, 5, 1e308) }, 0.1, []); // finite: no throw
});
