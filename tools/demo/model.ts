/**
 * The model behind the interactive demo (`deno task demo`): what the page computes, all of it by
 * calling `lib/` — the four multiclass losses of `lib/losses`, the L2 penalty `regLoss`, the update
 * rules of `lib/optim`, `TwoLayerNet` of `lib/nn` and the data sets of `lib/data/synthetic.ts`.
 * Nothing here re-derives a loss or a gradient: this module only arranges the demo's parameters
 * (W, 3×2, and b, 3, as on CS231n's page) in the library's layout and back.
 *
 * Layout: the library scores with s = x·W for W of shape D×C. The demo keeps one 3×3 matrix
 * `P = [W₀ᵀ; W₁ᵀ; bᵀ]`: row 0 holds every class's weight on x₀, row 1 on x₁, row 2 the biases, so
 * s = [x₀, x₁, 1]·P (the bias trick). As on CS231n's page, only W is regularized, not b:
 * L = data loss(P) + λ‖W‖², ∂/∂W of the penalty = 2λW (`regLoss`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluateLinear, PRESETS, toDataset } from "./model.ts";
 * const { points, params } = PRESETS.cs231n.make(0);
 * const e = evaluateLinear(toDataset(points), params, "ww", 0.1);
 * assert.equal(e.losses.length, 9);
 * assert(Math.abs(e.loss - (e.dataLoss + e.regLoss)) < 1e-12);
 * ```
 * @module
 */
import { matmul, Matrix, vstack } from "../../lib/matrix.ts";
import {
  oneVsAllLoss,
  oneVsAllLossFromScores,
  regLoss,
  softmaxLoss,
  softmaxLossVectorized,
  structuredSvmLoss,
  structuredSvmLossFromScores,
  svmLoss,
  svmLossVectorized,
} from "../../lib/losses/mod.ts";
import type { LossResult } from "../../lib/losses/regularization.ts";
import { adam, sgd, sgdMomentum, type UpdateConfig } from "../../lib/optim/update_rules.ts";
import type { TwoLayerNet, TwoLayerNetParams } from "../../lib/nn/two_layer_net.ts";
import { NUM_CLASSES } from "./data.ts";

export { NUM_CLASSES, type Point, PRESETS, randomParams, toDataset } from "./data.ts";

/**
 * The four losses of the page, keyed by the value of its loss menu.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { LinearLossName } from "./model.ts";
 * const name: LinearLossName = "softmax";
 * assert.equal(name, "softmax");
 * ```
 */
export type LinearLossName = "ww" | "ova" | "structured" | "softmax";

/**
 * Each loss of the page: its label, its Lᵢ in words and symbols, the library's loss-and-gradient
 * function and the library's per-example losses from scores.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LINEAR_LOSSES } from "./model.ts";
 * assert.deepEqual(Object.keys(LINEAR_LOSSES), ["ww", "ova", "structured", "softmax"]);
 * ```
 */
export const LINEAR_LOSSES: Readonly<
  Record<LinearLossName, {
    label: string;
    formula: string;
    loss: (W: Matrix, X: Matrix, y: Int32Array, reg: number) => LossResult;
    fromScores: (scores: Matrix, y: Int32Array) => { losses: Float64Array; loss: number };
  }>
> = {
  ww: {
    label: "Multiclass SVM (Weston–Watkins)",
    formula: "Lᵢ = Σ_{j≠yᵢ} max(0, s_j − s_{yᵢ} + 1): every wrong class within 1 of the right one",
    loss: svmLossVectorized,
    fromScores: svmLoss,
  },
  ova: {
    label: "One-vs-all SVM",
    formula: "Lᵢ = Σ_j max(0, 1 − t_j s_j), t = +1 for yᵢ, −1 otherwise: one binary SVM per class",
    loss: oneVsAllLoss,
    fromScores: oneVsAllLossFromScores,
  },
  structured: {
    label: "Structured SVM (top runner-up only)",
    formula: "Lᵢ = max(0, max_{j≠yᵢ} s_j − s_{yᵢ} + 1): only the highest wrong score counts",
    loss: structuredSvmLoss,
    fromScores: structuredSvmLossFromScores,
  },
  softmax: {
    label: "Softmax (cross-entropy)",
    formula: "Lᵢ = −ln(e^{s_{yᵢ}} / Σ_j e^{s_j}): never exactly 0",
    loss: softmaxLossVectorized,
    fromScores: softmaxLoss,
  },
};

/**
 * What the page shows for one state: scores (N×3), per-example losses, data / reg / total loss
 * and the gradient, in the layout of the parameters.
 *
 * @example
 * ```ts
 * import type { Evaluation } from "./model.ts";
 * const show = (e: Evaluation) => `${e.dataLoss} + ${e.regLoss} = ${e.loss}`;
 * ```
 */
export interface Evaluation<G = Matrix> {
  /** Class scores, one row per point. */
  scores: Matrix;
  /** Lᵢ for every point. */
  losses: Float64Array;
  /** The mean of the Lᵢ. */
  dataLoss: number;
  /** λ‖W‖² (for the net: λ(‖W1‖² + ‖W2‖²)). */
  regLoss: number;
  /** dataLoss + regLoss, as the library's loss function returns it. */
  loss: number;
  /** ∂loss/∂parameters. */
  grad: G;
}

/**
 * The linear classifier's losses and gradient for parameters `P` (3×3, see the module doc), by
 * the library: the loss function with reg 0 for the data part, `regLoss` on the W rows for the
 * penalty, `…FromScores` for the per-example losses. No points: every loss and gradient is 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../../lib/matrix.ts";
 * import { evaluateLinear, toDataset } from "./model.ts";
 * const P = Matrix.fromArray([[1, 0, 0], [0, 1, 0], [0, 0, 0]]); // W = [[1, 0], [0, 1], [0, 0]]
 * const e = evaluateLinear(toDataset([{ x: 2, y: 0, label: 0 }]), P, "ww", 0.5);
 * assert.equal(e.dataLoss, 0 + 0); // s = [2, 0, 0]: both margins 2 − 0 ≥ 1
 * assert.equal(e.regLoss, 0.5 * 2); // λ(1² + 1²)
 * assert.deepEqual(e.grad.toArray(), [[1, 0, 0], [0, 1, 0], [0, 0, 0]]); // 2λW, b not penalized
 * ```
 */
export function evaluateLinear(
  data: { X: Matrix; y: Int32Array },
  P: Matrix,
  lossName: LinearLossName,
  reg: number,
): Evaluation {
  const spec = LINEAR_LOSSES[lossName];
  const penalty = regLoss(P.sliceRows(0, 2), reg);
  const regGrad = vstack([penalty.dW, Matrix.zeros(1, NUM_CLASSES)]);
  if (data.X.rows === 0) {
    return {
      scores: Matrix.zeros(0, NUM_CLASSES),
      losses: new Float64Array(0),
      dataLoss: 0,
      regLoss: penalty.loss,
      loss: penalty.loss,
      grad: regGrad,
    };
  }
  const Xb = data.X.appendOnes();
  const { loss: dataLoss, dW } = spec.loss(P, Xb, data.y, 0);
  const scores = matmul(Xb, P);
  const { losses } = spec.fromScores(scores, data.y);
  return {
    scores,
    losses,
    dataLoss,
    regLoss: penalty.loss,
    loss: dataLoss + penalty.loss,
    grad: dW.add(regGrad),
  };
}

/**
 * The class with the highest score at each of the points `X` (N×2) for parameters `P` (the
 * colour of the background regions), by the library's `matmul` and `argmax`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../../lib/matrix.ts";
 * import { linearRegions } from "./model.ts";
 * const P = Matrix.fromArray([[1, -1, 0], [0, 0, 1], [0, 0, 0]]);
 * assert.deepEqual([...linearRegions(Matrix.fromArray([[1, 0], [-1, 0], [0, 1]]), P)], [0, 1, 2]);
 * ```
 */
export function linearRegions(X: Matrix, P: Matrix): Int32Array {
  return matmul(X.appendOnes(), P).argmax(1);
}

/**
 * The 9 parameters of the linear classifier, in the order the page lists them: for each class c,
 * W[c,0], W[c,1], b[c]; `row`/`col` locate each in P.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PARAMS } from "./model.ts";
 * assert.deepEqual(PARAMS[1], { name: "W[0,1]", row: 1, col: 0 });
 * assert.deepEqual(PARAMS[8], { name: "b[2]", row: 2, col: 2 });
 * ```
 */
export const PARAMS: readonly { name: string; row: number; col: number }[] = Array.from(
  { length: 9 },
  (_, k) => {
    const c = Math.floor(k / 3), d = k % 3;
    return { name: d < 2 ? `W[${c},${d}]` : `b[${c}]`, row: d, col: c };
  },
);

/**
 * The update rules of the page's menu, from `lib/optim/update_rules.ts`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UPDATE_RULES } from "./model.ts";
 * assert.deepEqual(Object.keys(UPDATE_RULES), ["sgd", "momentum", "adam"]);
 * ```
 */
export const UPDATE_RULES = {
  sgd: { label: "SGD", rule: sgd },
  momentum: { label: "SGD + momentum (μ = 0.9)", rule: sgdMomentum },
  adam: { label: "Adam", rule: adam },
} as const;

/**
 * The name of an update rule of the page.
 *
 * @example
 * ```ts
 * import type { RuleName } from "./model.ts";
 * const rule: RuleName = "adam";
 * ```
 */
export type RuleName = keyof typeof UPDATE_RULES;

/**
 * An optimizer over named parameters: one library update rule and one config (its running state:
 * velocity, Adam's moments) per parameter. `step` returns the updated parameters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../../lib/matrix.ts";
 * import { Optimizer } from "./model.ts";
 * const opt = new Optimizer("sgd");
 * const { w } = opt.step({ w: Matrix.fromArray([[1]]) }, { w: Matrix.fromArray([[2]]) }, 0.1);
 * assert(Math.abs(w.get(0, 0) - 0.8) < 1e-15);
 * ```
 */
export class Optimizer {
  /** The rule every parameter is updated with. */
  readonly rule: RuleName;
  #configs = new Map<string, UpdateConfig>();

  /** A fresh optimizer: no velocity, no moments. */
  constructor(rule: RuleName) {
    this.rule = rule;
  }

  /** One step of every parameter in `params` along its gradient in `grads`, step size `lr`. */
  step<T extends Record<string, Matrix>>(params: T, grads: T, lr: number): T {
    const out: Record<string, Matrix> = {};
    for (const [name, w] of Object.entries(params)) {
      const config = { ...this.#configs.get(name), learningRate: lr };
      const next = UPDATE_RULES[this.rule].rule(w, grads[name], config);
      this.#configs.set(name, next.config);
      out[name] = next.w;
    }
    return out as T;
  }
}

/**
 * The two-layer net's view for the page: softmax loss per example (`softmaxLoss` of the
 * net's scores), λ(‖W1‖² + ‖W2‖²) by `regLoss`, and the net's own loss and gradients.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TwoLayerNet } from "../../lib/nn/two_layer_net.ts";
 * import { evaluateNet, PRESETS, toDataset } from "./model.ts";
 * const net = new TwoLayerNet(2, 10, 3, { std: 0.5, seed: 1 });
 * const e = evaluateNet(net, toDataset(PRESETS.spiral.make(0).points), 1e-3);
 * assert(Math.abs(e.loss - (e.dataLoss + e.regLoss)) < 1e-12);
 * ```
 */
export function evaluateNet(
  net: TwoLayerNet,
  data: { X: Matrix; y: Int32Array },
  reg: number,
): Evaluation<TwoLayerNetParams> {
  const { W1, W2 } = net.params;
  const penalty = regLoss(W1, reg).loss + regLoss(W2, reg).loss;
  if (data.X.rows === 0) {
    const zero = (m: Matrix) => Matrix.zeros(m.rows, m.cols);
    const grad = {
      W1: regLoss(W1, reg).dW,
      b1: zero(net.params.b1),
      W2: regLoss(W2, reg).dW,
      b2: zero(net.params.b2),
    };
    return {
      scores: Matrix.zeros(0, 3),
      losses: new Float64Array(0),
      dataLoss: 0,
      regLoss: penalty,
      loss: penalty,
      grad,
    };
  }
  const scores = net.loss(data.X);
  const { losses, loss: dataLoss } = softmaxLoss(scores, data.y);
  const { loss, grads } = net.loss(data.X, data.y, reg);
  return { scores, losses, dataLoss, regLoss: penalty, loss, grad: grads };
}

/**
 * The page's total loss as a function of the parameters P alone (data and λ fixed), for the loss
 * surface: the library's loss with reg 0 plus `regLoss` of the W rows, X with its ones column
 * built once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluateLinear, linearLossFn, PRESETS, toDataset } from "./model.ts";
 * const { points, params } = PRESETS.cs231n.make(0);
 * const f = linearLossFn(toDataset(points), "softmax", 0.1);
 * assert.equal(f(params), evaluateLinear(toDataset(points), params, "softmax", 0.1).loss);
 * ```
 */
export function linearLossFn(
  data: { X: Matrix; y: Int32Array },
  lossName: LinearLossName,
  reg: number,
): (P: Matrix) => number {
  const Xb = data.X.appendOnes(), loss = LINEAR_LOSSES[lossName].loss;
  return (P) => {
    const penalty = regLoss(P.sliceRows(0, 2), reg).loss;
    return Xb.rows === 0 ? penalty : loss(P, Xb, data.y, 0).loss + penalty;
  };
}

/**
 * A slice of the loss surface: f on an n×n grid where parameter `a` (an index into `PARAMS`) runs
 * over `as` and parameter `b` over `bs`, every other parameter as in P. `values[i * n + j]` is
 * the loss at (as[i], bs[j]).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../../lib/matrix.ts";
 * import { lossSurface } from "./model.ts";
 * const f = (P: Matrix) => P.get(0, 0) ** 2 + P.get(1, 0); // W[0,0]² + W[0,1]
 * const { values } = lossSurface(f, Matrix.zeros(3, 3), 0, 1, [-1, 1], [0, 2]);
 * assert.deepEqual([...values], [1, 3, 1, 3]);
 * ```
 */
export function lossSurface(
  f: (P: Matrix) => number,
  P: Matrix,
  a: number,
  b: number,
  as: readonly number[],
  bs: readonly number[],
): { values: Float64Array } {
  const pa = PARAMS[a], pb = PARAMS[b];
  const values = new Float64Array(as.length * bs.length);
  const Q = P.clone();
  as.forEach((va, i) => {
    Q.set(pa.row, pa.col, va);
    bs.forEach((vb, j) => {
      Q.set(pb.row, pb.col, vb);
      values[i * bs.length + j] = f(Q);
    });
  });
  return { values };
}
