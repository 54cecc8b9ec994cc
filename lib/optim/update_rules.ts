/**
 * First-order update rules, one pure step each, like CS231n's `optim.py`: every rule takes the
 * weights `w`, their gradient `dw` and a `config` (hyperparameters plus the rule's running state)
 * and returns the next weights with the next config. Nothing is mutated, so the caller keeps one
 * config per weight matrix and threads it through the steps.
 *
 * Defaults follow `optim.py`: learningRate 1e-2 (Adam: 1e-3), momentum 0.9, decayRate 0.99,
 * beta1 0.9, beta2 0.999, epsilon 1e-8; state (velocity, cache, m, v) starts at zeros, t at 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { adam, type UpdateConfig } from "./update_rules.ts";
 * // Minimize f(w) = ½‖w‖², whose gradient is w itself.
 * let w = Matrix.fromArray([[1, -2]]);
 * let config: UpdateConfig = { learningRate: 0.1 };
 * for (let step = 0; step < 200; step++) ({ w, config } = adam(w, w, config));
 * assert(w.norm() < 0.05 && config.t === 200);
 * ```
 * @module
 */
import { assertSameShape, Matrix, shapeOf } from "../matrix.ts";
import type {
  AdagradConfig,
  AdamConfig,
  MomentumConfig,
  RmspropConfig,
  SgdConfig,
  UpdateConfig,
  UpdateResult,
} from "./update_config.ts";

export type {
  AdagradConfig,
  AdamConfig,
  MomentumConfig,
  RmspropConfig,
  SgdConfig,
  UpdateConfig,
  UpdateResult,
} from "./update_config.ts";

/**
 * A pure update step `(w, dw, config?) → { w, config }`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { type UpdateRule, updateRules } from "./update_rules.ts";
 * const rule: UpdateRule = updateRules.rmsprop;
 * const { config } = rule(Matrix.ones(1, 2), Matrix.ones(1, 2));
 * assert(config.cache instanceof Matrix);
 * ```
 */
export type UpdateRule = (w: Matrix, dw: Matrix, config?: UpdateConfig) => UpdateResult;

/**
 * Vanilla stochastic gradient descent: w ← w − lr·dw.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { sgd } from "./update_rules.ts";
 * const { w, config } = sgd(Matrix.fromArray([[1]]), Matrix.fromArray([[2]])); // lr 1e-2
 * assert.equal(w.get(0, 0), 1 - 0.01 * 2);
 * assert.equal(config.learningRate, 1e-2);
 * ```
 */
export function sgd(
  w: Matrix,
  dw: Matrix,
  config: SgdConfig = {},
): UpdateResult<Required<SgdConfig>> {
  const { learningRate } = prelude("sgd", w, dw, config);
  return { w: w.sub(dw.mul(learningRate)), config: { ...config, learningRate } };
}

/**
 * SGD with momentum: the gradient changes a velocity, the velocity changes the weights.
 * v ← μ·v − lr·dw, then w ← w + v.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { sgdMomentum } from "./update_rules.ts";
 * const w0 = Matrix.fromArray([[1]]), dw = Matrix.fromArray([[1]]);
 * const s1 = sgdMomentum(w0, dw, { learningRate: 0.1, momentum: 0.5 }); // v = −0.1
 * const s2 = sgdMomentum(s1.w, dw, s1.config); // v = 0.5·(−0.1) − 0.1 = −0.15
 * assert(Math.abs(s2.w.get(0, 0) - (1 - 0.1 - 0.15)) < 1e-15);
 * ```
 */
export function sgdMomentum(
  w: Matrix,
  dw: Matrix,
  config: MomentumConfig = {},
): UpdateResult<Required<MomentumConfig>> {
  const { learningRate, momentum } = prelude("sgdMomentum", w, dw, config);
  // BEGIN SOLUTION
  const vPrev = state("sgdMomentum", config, "velocity", w);
  const v = vPrev.mul(momentum).sub(dw.mul(learningRate));
  return { w: w.add(v), config: { ...config, learningRate, momentum, velocity: v } };
  // END SOLUTION
}

/**
 * Nesterov momentum in CS231n's "v_prev" form, which keeps the stored weights at the look-ahead
 * point: vPrev = v, v ← μ·v − lr·dw, then w ← w − μ·vPrev + (1 + μ)·v.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { nesterov } from "./update_rules.ts";
 * // From rest, the first step is (1 + μ) times an SGD step: 1 − 1.9·0.1·1 = 0.81.
 * const { w } = nesterov(Matrix.fromArray([[1]]), Matrix.fromArray([[1]]), { learningRate: 0.1 });
 * assert(Math.abs(w.get(0, 0) - 0.81) < 1e-15);
 * ```
 */
export function nesterov(
  w: Matrix,
  dw: Matrix,
  config: MomentumConfig = {},
): UpdateResult<Required<MomentumConfig>> {
  const { learningRate, momentum } = prelude("nesterov", w, dw, config);
  const vPrev = state("nesterov", config, "velocity", w);
  const v = vPrev.mul(momentum).sub(dw.mul(learningRate));
  const next = w.sub(vPrev.mul(momentum)).add(v.mul(1 + momentum));
  return { w: next, config: { ...config, learningRate, momentum, velocity: v } };
}

/**
 * Adagrad: a per-parameter step that shrinks where gradients have been large.
 * cache ← cache + dw², then w ← w − lr·dw / (√cache + ε).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { adagrad } from "./update_rules.ts";
 * // cache = 4, step = 0.1·2 / (√4 + 0) = 0.1, whatever the gradient's scale.
 * const { w } = adagrad(Matrix.fromArray([[1]]), Matrix.fromArray([[2]]), {
 *   learningRate: 0.1,
 *   epsilon: 0,
 * });
 * assert(Math.abs(w.get(0, 0) - 0.9) < 1e-15);
 * ```
 */
export function adagrad(
  w: Matrix,
  dw: Matrix,
  config: AdagradConfig = {},
): UpdateResult<Required<AdagradConfig>> {
  const { learningRate, epsilon } = prelude("adagrad", w, dw, config);
  const cache = state("adagrad", config, "cache", w).add(dw.pow(2));
  const next = w.sub(dw.mul(learningRate).div(cache.sqrt().add(epsilon)));
  return { w: next, config: { ...config, learningRate, epsilon, cache } };
}

/**
 * RMSprop: Adagrad with a leaky cache, so the step does not shrink forever.
 * cache ← ρ·cache + (1 − ρ)·dw², then w ← w − lr·dw / (√cache + ε).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { rmsprop } from "./update_rules.ts";
 * // cache = 0.99·0 + 0.01·10² = 1, step = 0.01·10 / (1 + 0) = 0.1.
 * const { w } = rmsprop(Matrix.fromArray([[1]]), Matrix.fromArray([[10]]), { epsilon: 0 });
 * assert(Math.abs(w.get(0, 0) - 0.9) < 1e-15);
 * ```
 */
export function rmsprop(
  w: Matrix,
  dw: Matrix,
  config: RmspropConfig = {},
): UpdateResult<Required<RmspropConfig>> {
  const { learningRate, decayRate, epsilon } = prelude("rmsprop", w, dw, config);
  // BEGIN SOLUTION
  const cache = state("rmsprop", config, "cache", w).mul(decayRate).add(
    dw.pow(2).mul(1 - decayRate),
  );
  const next = w.sub(dw.mul(learningRate).div(cache.sqrt().add(epsilon)));
  return { w: next, config: { ...config, learningRate, decayRate, epsilon, cache } };
  // END SOLUTION
}

/**
 * Adam: momentum on the gradient (m) plus RMSprop's scaling (v), both bias-corrected because they
 * start at zero. t ← t + 1, m ← β₁·m + (1 − β₁)·dw, v ← β₂·v + (1 − β₂)·dw²,
 * m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ), then w ← w − lr·m̂ / (√v̂ + ε). Default lr is 1e-3.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { adam } from "./update_rules.ts";
 * // First step: m̂ = dw and v̂ = dw², so the step is lr·sign(dw) (here 1e-3, ε = 0).
 * const { w, config } = adam(Matrix.fromArray([[1, 1]]), Matrix.fromArray([[5, -0.2]]), {
 *   epsilon: 0,
 * });
 * assert(w.allClose(Matrix.fromArray([[0.999, 1.001]]), { atol: 1e-15, rtol: 0 }));
 * assert.equal(config.t, 1);
 * ```
 */
export function adam(
  w: Matrix,
  dw: Matrix,
  config: AdamConfig = {},
): UpdateResult<Required<AdamConfig>> {
  const { learningRate, beta1, beta2, epsilon } = prelude("adam", w, dw, config);
  const t0 = config.t ?? 0;
  if (!Number.isInteger(t0) || t0 < 0) {
    throw new RangeError(`adam: config.t must be a non-negative integer, got ${t0}`);
  }
  // BEGIN SOLUTION
  const t = t0 + 1;
  const m = state("adam", config, "m", w).mul(beta1).add(dw.mul(1 - beta1));
  const v = state("adam", config, "v", w).mul(beta2).add(dw.pow(2).mul(1 - beta2));
  const mHat = m.div(1 - beta1 ** t);
  const vHat = v.div(1 - beta2 ** t);
  const next = w.sub(mHat.mul(learningRate).div(vHat.sqrt().add(epsilon)));
  return { w: next, config: { ...config, learningRate, beta1, beta2, epsilon, m, v, t } };
  // END SOLUTION
}

/**
 * Names of the update rules in `updateRules`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type UpdateRuleName, updateRules } from "./update_rules.ts";
 * const name: UpdateRuleName = "rmsprop";
 * assert.equal(typeof updateRules[name], "function");
 * ```
 */
export type UpdateRuleName = "sgd" | "sgdMomentum" | "nesterov" | "adagrad" | "rmsprop" | "adam";

/**
 * The update rules by name, e.g. to pick one from a hyperparameter search.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { adam, updateRules } from "./update_rules.ts";
 * assert.equal(updateRules.adam, adam);
 * assert.equal(Object.keys(updateRules).length, 6);
 * ```
 */
export const updateRules: Readonly<Record<UpdateRuleName, UpdateRule>> = Object.freeze({
  sgd,
  sgdMomentum,
  nesterov,
  adagrad,
  rmsprop,
  adam,
});

/**
 * The rule itself when given a function, or the rule of that name in `updateRules`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getUpdateRule, nesterov } from "./update_rules.ts";
 * assert.equal(getUpdateRule("nesterov"), nesterov);
 * assert.throws(() => getUpdateRule("lbfgs" as "sgd"), /unknown update rule "lbfgs"/);
 * ```
 */
export function getUpdateRule(rule: UpdateRule | UpdateRuleName): UpdateRule {
  if (typeof rule === "function") return rule;
  if (typeof rule === "string" && Object.hasOwn(updateRules, rule)) return updateRules[rule];
  throw new RangeError(
    `getUpdateRule: unknown update rule "${String(rule)}"; expected a function or one of ${
      Object.keys(updateRules).join(", ")
    }`,
  );
}

// ---- validation ---------------------------------------------------------------------------

/** A hyperparameter's default and range: the value must be ≥ lo, and < hi when hi is finite. */
type Hyper = readonly [fallback: number, lo: number, hi: number];

const LEARNING_RATE: Hyper = [1e-2, 0, Infinity];
const MOMENTUM: Hyper = [0.9, 0, 1];
const EPSILON: Hyper = [1e-8, 0, Infinity];

/** Each rule's hyperparameters, in the order they are read and checked (defaults of `optim.py`). */
const HYPERS = {
  sgd: { learningRate: LEARNING_RATE },
  sgdMomentum: { learningRate: LEARNING_RATE, momentum: MOMENTUM },
  nesterov: { learningRate: LEARNING_RATE, momentum: MOMENTUM },
  adagrad: { learningRate: LEARNING_RATE, epsilon: EPSILON },
  rmsprop: { learningRate: LEARNING_RATE, decayRate: [0.99, 0, 1], epsilon: EPSILON },
  adam: {
    learningRate: [1e-3, 0, Infinity],
    beta1: [0.9, 0, 1],
    beta2: [0.999, 0, 1],
    epsilon: EPSILON,
  },
} as const satisfies Record<UpdateRuleName, Record<string, Hyper>>;

/**
 * Every rule's preamble: checks that config is an object, reads each of the rule's
 * hyperparameters from it (or its default) and checks its range, then checks w against dw.
 */
function prelude<R extends UpdateRuleName>(
  rule: R,
  w: Matrix,
  dw: Matrix,
  config: object,
): Record<keyof (typeof HYPERS)[R], number> {
  if (config === null || typeof config !== "object") {
    throw new TypeError(`${rule}: config must be an object, got ${config}`);
  }
  const values: Record<string, number> = {};
  for (const [key, [fallback, lo, hi]] of Object.entries(HYPERS[rule] as Record<string, Hyper>)) {
    values[key] = hyper(rule, config as Record<string, unknown>, key, fallback, lo, hi);
  }
  checkPair(rule, w, dw);
  return values as Record<keyof (typeof HYPERS)[R], number>;
}

/** Reads a hyperparameter with its default and checks lo ≤ value (< hi when hi is finite). */
function hyper(
  op: string,
  config: Record<string, unknown>,
  key: string,
  fallback: number,
  lo: number,
  hi: number,
): number {
  const value = config[key] ?? fallback;
  const ok = typeof value === "number" && Number.isFinite(value) && value >= lo &&
    (hi === Infinity || value < hi);
  if (!ok) {
    const range = hi === Infinity ? `a finite number ≥ ${lo}` : `in [${lo}, ${hi})`;
    throw new RangeError(`${op}: config.${key} must be ${range}, got ${value}`);
  }
  return value;
}

/** Checks that w and dw are matrices of one shape (a mismatch must not broadcast silently). */
function checkPair(op: string, w: Matrix, dw: Matrix): void {
  if (!(w instanceof Matrix) || !(dw instanceof Matrix)) {
    throw new TypeError(`${op}: w and dw must be Matrix instances`);
  }
  assertSameShape(`${op}: w vs dw`, w, dw);
}

/** A state matrix from the config, or zeros like w; its shape must match w. */
function state<C extends object>(op: string, config: C, key: keyof C & string, w: Matrix): Matrix {
  const s = config[key] as Matrix | undefined;
  if (s === undefined) return Matrix.zeros(w.rows, w.cols);
  if (!(s instanceof Matrix)) throw new TypeError(`${op}: config.${key} must be a Matrix`);
  if (s.rows !== w.rows || s.cols !== w.cols) {
    throw new RangeError(
      `${op}: config.${key} ${shapeOf(s)} does not match w ${shapeOf(w)}; reset the state when ` +
        `the weights change shape`,
    );
  }
  return s;
}
