/**
 * Activation functions, each as a forward pass that returns `{ out, cache }` and a backward pass
 * that turns the upstream gradient `dout` into `dx` (CS231n `layers.py` style), plus scalar
 * versions with their derivatives for plotting the curves.
 *
 * Without a nonlinearity, stacked linear layers collapse into one linear map (W₂W₁x = Wx); these
 * functions are what make a neural network more than a linear classifier. Sigmoid and tanh
 * saturate (their gradient vanishes for large |x|), ReLU does not for x > 0 but is "dead" for
 * x < 0, leaky ReLU and ELU keep a small gradient there, and maxout takes the max of k affine maps.
 * Every pass checks that its matrices are finite (a `NonFiniteError` names the first NaN or ±∞).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { reluBackward, reluForward } from "./activations.ts";
 * const { out, cache } = reluForward(Matrix.fromArray([[-1, 2]]));
 * assert.deepEqual(out.toArray(), [[0, 2]]);
 * assert.deepEqual(reluBackward(Matrix.fromArray([[5, 5]]), cache).toArray(), [[0, 5]]);
 * ```
 * @module
 */
import {
  assertFinite,
  assertSameShape,
  matmul,
  matmulTA,
  matmulTB,
  Matrix,
  shapeOf,
} from "../matrix.ts";

/**
 * What a forward pass returns: the output and what its backward pass needs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { type Forward, reluForward } from "./activations.ts";
 * const f: Forward<Matrix> = reluForward(Matrix.fromArray([[-1, 2]]));
 * assert.deepEqual(f.out.toArray(), [[0, 2]]);
 * ```
 */
export interface Forward<C> {
  /** The layer's output. */
  out: Matrix;
  /** Values saved for the backward pass; treat as opaque. */
  cache: C;
}

/**
 * Cache of the activations that have a parameter α (leaky ReLU, ELU).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { type AlphaCache, leakyReluForward } from "./activations.ts";
 * const { cache }: { cache: AlphaCache } = leakyReluForward(Matrix.fromArray([[-1]]), 0.1);
 * assert.equal(cache.alpha, 0.1);
 * ```
 */
export interface AlphaCache {
  /** The input. */
  x: Matrix;
  /** The slope (leaky ReLU) or scale (ELU) used for x < 0. */
  alpha: number;
}

// ---- scalar functions and derivatives (for curves, and shared by the matrix versions) --------

const sigmoid = (x: number): number => {
  const e = Math.exp(-Math.abs(x)); // never overflows
  return x >= 0 ? 1 / (1 + e) : e / (1 + e);
};
const relu = (x: number): number => (x > 0 ? x : 0);
const leaky = (x: number, alpha: number): number => (x > 0 ? x : alpha * x);
const elu = (x: number, alpha: number): number => (x > 0 ? x : alpha * Math.expm1(x));

/**
 * One elementwise activation: its formula, value f(x) and derivative f′(x).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type Activation, activations } from "./activations.ts";
 * const relu: Activation = activations.relu;
 * assert.deepEqual([relu.f(-2), relu.f(3), relu.df(3)], [0, 3, 1]);
 * ```
 */
export interface Activation {
  /** Display name, e.g. "ReLU". */
  name: string;
  /** The formula as text, e.g. "max(0, x)". */
  formula: string;
  /** The activation f(x). */
  f(x: number): number;
  /** Its derivative f′(x) (at a kink, the one-sided value the backward pass uses). */
  df(x: number): number;
}

/**
 * Names of the elementwise activations in `activations`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type ActivationName, activations } from "./activations.ts";
 * const names = Object.keys(activations) as ActivationName[];
 * assert.ok(names.includes("tanh"));
 * ```
 */
export type ActivationName = "sigmoid" | "tanh" | "relu" | "leakyRelu" | "elu";

/**
 * The elementwise activations by name, with default α (leaky ReLU 0.01, ELU 1), for charting each
 * curve and its gradient. Maxout is not elementwise (it has weights), so it is not listed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { activations } from "./activations.ts";
 * assert.equal(activations.sigmoid.df(0), 0.25); // the sigmoid's largest slope
 * assert(activations.sigmoid.df(10) < 1e-4); // saturated: the gradient vanishes
 * assert.equal(activations.relu.df(10), 1); // ReLU does not saturate for x > 0
 * assert.equal(activations.leakyRelu.f(-2), -0.02);
 * // a curve to chart: 101 points of tanh′ on [−5, 5]
 * const xs = Array.from({ length: 101 }, (_, i) => -5 + i / 10);
 * const slope = xs.map(activations.tanh.df);
 * assert.equal(slope[50], 1);
 * ```
 */
export const activations: Readonly<Record<ActivationName, Activation>> = {
  sigmoid: {
    name: "sigmoid",
    formula: "σ(x) = 1 / (1 + e⁻ˣ)",
    f: sigmoid,
    df: (x) => sigmoid(x) * (1 - sigmoid(x)),
  },
  tanh: { name: "tanh", formula: "tanh(x)", f: Math.tanh, df: (x) => 1 - Math.tanh(x) ** 2 },
  relu: { name: "ReLU", formula: "max(0, x)", f: relu, df: (x) => (x > 0 ? 1 : 0) },
  leakyRelu: {
    name: "leaky ReLU",
    formula: "max(0.01x, x)",
    f: (x) => leaky(x, 0.01),
    df: (x) => (x > 0 ? 1 : 0.01),
  },
  elu: {
    name: "ELU",
    formula: "x if x > 0, else α(eˣ − 1), α = 1",
    f: (x) => elu(x, 1),
    df: (x) => (x > 0 ? 1 : Math.exp(x)),
  },
};

// ---- forward / backward on matrices -----------------------------------------------------------

/**
 * Sigmoid forward pass σ(x) = 1/(1 + e⁻ˣ), computed without overflow; the cache is the output.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { sigmoidForward } from "./activations.ts";
 * const { out } = sigmoidForward(Matrix.fromArray([[0, -1000]]));
 * assert.deepEqual(out.toArray(), [[0.5, 0]]);
 * ```
 */
export function sigmoidForward(x: Matrix): Forward<Matrix> {
  assertFinite("sigmoidForward", "x", x);
  const out = x.map(sigmoid);
  return { out, cache: out };
}

/**
 * Sigmoid backward pass: dx = dout ⊙ σ(x)(1 − σ(x)).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { sigmoidBackward, sigmoidForward } from "./activations.ts";
 * const { cache } = sigmoidForward(Matrix.fromArray([[0]]));
 * assert.equal(sigmoidBackward(Matrix.fromArray([[2]]), cache).get(0, 0), 0.5);
 * ```
 */
export function sigmoidBackward(dout: Matrix, cache: Matrix): Matrix {
  return chain("sigmoidBackward: dout vs out", dout, cache, (s) => s * (1 - s));
}

/**
 * tanh forward pass; the cache is the output.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { tanhForward } from "./activations.ts";
 * assert.equal(tanhForward(Matrix.fromArray([[0]])).out.get(0, 0), 0);
 * ```
 */
export function tanhForward(x: Matrix): Forward<Matrix> {
  assertFinite("tanhForward", "x", x);
  const out = x.map(Math.tanh);
  return { out, cache: out };
}

/**
 * tanh backward pass: dx = dout ⊙ (1 − tanh²(x)).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { tanhBackward, tanhForward } from "./activations.ts";
 * const { cache } = tanhForward(Matrix.fromArray([[0]]));
 * assert.equal(tanhBackward(Matrix.fromArray([[3]]), cache).get(0, 0), 3);
 * ```
 */
export function tanhBackward(dout: Matrix, cache: Matrix): Matrix {
  return chain("tanhBackward: dout vs out", dout, cache, (t) => 1 - t * t);
}

/**
 * ReLU forward pass max(0, x); the cache is the input.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { reluForward } from "./activations.ts";
 * assert.deepEqual(reluForward(Matrix.fromArray([[-3, 0, 3]])).out.toArray(), [[0, 0, 3]]);
 * ```
 */
export function reluForward(x: Matrix): Forward<Matrix> {
  assertFinite("reluForward", "x", x);
  return { out: x.maximum(0), cache: x };
}

/**
 * ReLU backward pass: the gradient flows where x > 0 and is zero elsewhere (also at x = 0).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { reluBackward } from "./activations.ts";
 * const x = Matrix.fromArray([[-1, 0, 2]]);
 * assert.deepEqual(reluBackward(Matrix.fromArray([[7, 7, 7]]), x).toArray(), [[0, 0, 7]]);
 * ```
 */
export function reluBackward(dout: Matrix, cache: Matrix): Matrix {
  // chain()'s loop written out: a training step's hot path, where the call through `local` cost
  // a few ns per entry. `0 * g` keeps the bits of dout · 0 (−0 for a negative g).
  checkChain("reluBackward: dout vs x", dout, cache);
  const dx = new Matrix(dout.rows, dout.cols);
  const g = dout.data, x = cache.data, o = dx.data;
  for (let t = 0; t < o.length; t++) o[t] = x[t] > 0 ? g[t] : 0 * g[t];
  return dx;
}

/**
 * Leaky ReLU forward pass max(αx, x) (for 0 < α < 1), α = 0.01 by default.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { leakyReluForward } from "./activations.ts";
 * const { out } = leakyReluForward(Matrix.fromArray([[-10, 10]]), 0.1);
 * assert.deepEqual(out.toArray(), [[-1, 10]]);
 * ```
 */
export function leakyReluForward(x: Matrix, alpha = 0.01): Forward<AlphaCache> {
  assertFinite("leakyReluForward", "x", x);
  checkAlpha("leakyReluForward", alpha);
  return { out: x.map((v) => leaky(v, alpha)), cache: { x, alpha } };
}

/**
 * Leaky ReLU backward pass: dx = dout where x > 0, α·dout elsewhere.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { leakyReluBackward, leakyReluForward } from "./activations.ts";
 * const { cache } = leakyReluForward(Matrix.fromArray([[-1, 1]]), 0.1);
 * assert.deepEqual(leakyReluBackward(Matrix.fromArray([[10, 10]]), cache).toArray(), [[1, 10]]);
 * ```
 */
export function leakyReluBackward(dout: Matrix, cache: AlphaCache): Matrix {
  const { x, alpha } = cache;
  return chain("leakyReluBackward: dout vs x", dout, x, (v) => (v > 0 ? 1 : alpha));
}

/**
 * ELU forward pass: x for x > 0, α(eˣ − 1) otherwise (α = 1 by default); smooth at 0 when α = 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { eluForward } from "./activations.ts";
 * const { out } = eluForward(Matrix.fromArray([[2, -1000]]));
 * assert.deepEqual(out.toArray(), [[2, -1]]); // saturates at −α
 * ```
 */
export function eluForward(x: Matrix, alpha = 1): Forward<AlphaCache> {
  assertFinite("eluForward", "x", x);
  checkAlpha("eluForward", alpha);
  return { out: x.map((v) => elu(v, alpha)), cache: { x, alpha } };
}

/**
 * ELU backward pass: dx = dout where x > 0, dout·αeˣ elsewhere.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { eluBackward, eluForward } from "./activations.ts";
 * const { cache } = eluForward(Matrix.fromArray([[3, 0]]), 2);
 * assert.deepEqual(eluBackward(Matrix.fromArray([[1, 1]]), cache).toArray(), [[1, 2]]);
 * ```
 */
export function eluBackward(dout: Matrix, cache: AlphaCache): Matrix {
  const { x, alpha } = cache;
  return chain("eluBackward: dout vs x", dout, x, (v) => (v > 0 ? 1 : alpha * Math.exp(v)));
}

/**
 * Cache of `maxoutForward`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { type MaxoutCache, maxoutForward } from "./activations.ts";
 * const one = Matrix.fromArray([[1]]), zero = Matrix.fromArray([[0]]);
 * const { cache }: { cache: MaxoutCache } = maxoutForward(Matrix.fromArray([[2]]), [one, zero], [zero, zero]);
 * assert.deepEqual(cache.x.toArray(), [[2]]);
 * ```
 */
export interface MaxoutCache {
  /** The N×D input. */
  x: Matrix;
  /** The k D×H weight matrices. */
  Ws: readonly Matrix[];
  /** For each of the N·H outputs (row-major), the index of the piece that won the max. */
  winner: Int32Array;
}

/**
 * Maxout forward pass: out = max(x·W₁ + b₁, …, x·Wₖ + bₖ), elementwise over k affine pieces
 * (each W D×H, each b 1×H). ReLU is maxout with pieces (W, b) and (0, 0). Ties go to the first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { maxoutForward } from "./activations.ts";
 * const x = Matrix.fromArray([[-2], [3]]);
 * const Ws = [Matrix.fromArray([[1]]), Matrix.fromArray([[-0.5]])];
 * const bs = [Matrix.zeros(1, 1), Matrix.zeros(1, 1)];
 * assert.deepEqual(maxoutForward(x, Ws, bs).out.toArray(), [[1], [3]]);
 * ```
 */
export function maxoutForward(
  x: Matrix,
  Ws: readonly Matrix[],
  bs: readonly Matrix[],
): Forward<MaxoutCache> {
  assertFinite("maxoutForward", "x", x);
  checkMaxout(x, Ws, bs);
  Ws.forEach((W, k) => assertFinite("maxoutForward", `Ws[${k}]`, W));
  bs.forEach((b, k) => assertFinite("maxoutForward", `bs[${k}]`, b));
  const out = Matrix.full(x.rows, Ws[0].cols, -Infinity);
  const winner = new Int32Array(out.size);
  Ws.forEach((W, k) => {
    const z = matmul(x, W).add(bs[k]);
    for (let t = 0; t < z.size; t++) {
      if (z.data[t] > out.data[t]) {
        out.data[t] = z.data[t];
        winner[t] = k;
      }
    }
  });
  return { out, cache: { x, Ws, winner } };
}

/**
 * Maxout backward pass: each output's gradient goes to the piece that won its max, then through
 * that piece's affine map: dzₖ = dout where k won, dWₖ = xᵀdzₖ, dbₖ = Σ dzₖ, dx = Σₖ dzₖWₖᵀ.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { maxoutBackward, maxoutForward } from "./activations.ts";
 * const x = Matrix.fromArray([[-2], [3]]);
 * const Ws = [Matrix.fromArray([[1]]), Matrix.fromArray([[-0.5]])];
 * const bs = [Matrix.zeros(1, 1), Matrix.zeros(1, 1)];
 * const { cache } = maxoutForward(x, Ws, bs);
 * const { dx, dWs, dbs } = maxoutBackward(Matrix.ones(2, 1), cache);
 * assert.deepEqual(dx.toArray(), [[-0.5], [1]]);
 * assert.equal(dWs[0].get(0, 0), 3); // only row 2 (x = 3) used piece 0
 * assert.equal(dbs[1].get(0, 0), 1);
 * ```
 */
export function maxoutBackward(
  dout: Matrix,
  cache: MaxoutCache,
): { dx: Matrix; dWs: Matrix[]; dbs: Matrix[] } {
  assertFinite("maxoutBackward", "dout", dout);
  const { x, Ws, winner } = cache;
  if (dout.rows !== x.rows || dout.cols !== Ws[0].cols) {
    throw new RangeError(
      `maxoutBackward: dout ${shapeOf(dout)} should be (${x.rows}×${Ws[0].cols}) like the output`,
    );
  }
  let dx = new Matrix(x.rows, x.cols);
  const dWs: Matrix[] = [], dbs: Matrix[] = [];
  Ws.forEach((W, k) => {
    const dz = dout.map((g, i, j) => (winner[i * dout.cols + j] === k ? g : 0));
    dWs.push(matmulTA(x, dz));
    dbs.push(dz.sum(0));
    dx = dx.add(matmulTB(dz, W));
  });
  return { dx, dWs, dbs };
}

/** The chain rule for an elementwise function: dx = dout ⊙ local(cached value), entry by entry. */
function chain(op: string, dout: Matrix, cached: Matrix, local: (v: number) => number): Matrix {
  checkChain(op, dout, cached);
  const dx = new Matrix(dout.rows, dout.cols);
  for (let t = 0; t < dx.size; t++) dx.data[t] = dout.data[t] * local(cached.data[t]);
  return dx;
}

/** chain()'s checks: dout and the cache finite, same shape. */
function checkChain(op: string, dout: Matrix, cached: Matrix): void {
  const name = op.slice(0, op.indexOf(":"));
  assertFinite(name, "dout", dout);
  assertFinite(name, "cache", cached);
  assertSameShape(op, dout, cached);
}

function checkAlpha(op: string, alpha: number): void {
  if (typeof alpha !== "number" || !Number.isFinite(alpha)) {
    throw new RangeError(`${op}: alpha must be a finite number, got ${alpha}`);
  }
}

function checkMaxout(x: Matrix, Ws: readonly Matrix[], bs: readonly Matrix[]): void {
  if (Ws.length === 0 || Ws.length !== bs.length) {
    throw new RangeError(
      `maxoutForward: need k ≥ 1 weight matrices and as many biases, got ${Ws.length} Ws and ${bs.length} bs`,
    );
  }
  const H = Ws[0].cols;
  Ws.forEach((W, k) => {
    if (W.rows !== x.cols || W.cols !== H) {
      throw new RangeError(
        `maxoutForward: Ws[${k}] ${shapeOf(W)} should be (${x.cols}×${H}) for x ${shapeOf(x)}`,
      );
    }
    if (bs[k].rows !== 1 || bs[k].cols !== H) {
      throw new RangeError(`maxoutForward: bs[${k}] ${shapeOf(bs[k])} should be (1×${H})`);
    }
  });
}
