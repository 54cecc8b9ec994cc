/**
 * The `config` objects of the update rules: hyperparameters (learning rate, decay rates, ε) plus
 * the running state a rule carries from one step to the next (velocity, cache, moments,
 * step count).
 * Field names are CS231n's `optim.py` keys in camelCase.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import type { AdamConfig } from "./update_config.ts";
 * import { adam } from "./update_rules.ts";
 * const config: AdamConfig = { learningRate: 1e-2 };
 * const next: AdamConfig = adam(Matrix.ones(1, 1), Matrix.ones(1, 1), config).config;
 * assert(next.m instanceof Matrix && next.t === 1 && config.t === undefined);
 * ```
 * @module
 */
import type { Matrix } from "../matrix.ts";

/**
 * Hyperparameters of vanilla SGD.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { SgdConfig } from "./update_rules.ts";
 * const config: SgdConfig = { learningRate: 1e-3 };
 * assert.equal(config.learningRate, 0.001);
 * ```
 */
export interface SgdConfig {
  /** Step size (default 1e-2). */
  learningRate?: number;
}

/**
 * Hyperparameters and state of SGD with momentum and of Nesterov momentum.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { type MomentumConfig, sgdMomentum } from "./update_rules.ts";
 * const config: MomentumConfig = { momentum: 0.5 };
 * const next = sgdMomentum(Matrix.zeros(1, 2), Matrix.ones(1, 2), config).config;
 * assert.deepEqual(next.velocity.toArray(), [[-0.01, -0.01]]); // μ·0 − 1e-2·1
 * ```
 */
export interface MomentumConfig extends SgdConfig {
  /** Friction μ in [0, 1) (default 0.9). */
  momentum?: number;
  /** Running velocity v, same shape as w (default zeros). */
  velocity?: Matrix;
}

/**
 * Hyperparameters and state of Adagrad.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { adagrad, type AdagradConfig } from "./update_rules.ts";
 * const config: AdagradConfig = { cache: Matrix.fromArray([[1]]) };
 * const { cache } = adagrad(Matrix.zeros(1, 1), Matrix.fromArray([[3]]), config).config;
 * assert.equal(cache.get(0, 0), 10); // 1 + 3²
 * ```
 */
export interface AdagradConfig extends SgdConfig {
  /** Smoothing term that avoids division by zero (default 1e-8). */
  epsilon?: number;
  /** Sum of squared gradients, same shape as w (default zeros). */
  cache?: Matrix;
}

/**
 * Hyperparameters and state of RMSprop.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { rmsprop, type RmspropConfig } from "./update_rules.ts";
 * const config: RmspropConfig = { decayRate: 0.5 };
 * const { cache } = rmsprop(Matrix.zeros(1, 1), Matrix.fromArray([[2]]), config).config;
 * assert.equal(cache.get(0, 0), 2); // 0.5·0 + 0.5·2²
 * ```
 */
export interface RmspropConfig extends AdagradConfig {
  /** Decay ρ of the moving average of squared gradients, in [0, 1) (default 0.99). */
  decayRate?: number;
}

/**
 * Hyperparameters and state of Adam.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { adam, type AdamConfig } from "./update_rules.ts";
 * const config: AdamConfig = { beta1: 0.5, t: 3 };
 * assert.equal(adam(Matrix.zeros(1, 1), Matrix.ones(1, 1), config).config.t, 4);
 * ```
 */
export interface AdamConfig extends SgdConfig {
  /** Decay of the first moment, in [0, 1) (default 0.9). */
  beta1?: number;
  /** Decay of the second moment, in [0, 1) (default 0.999). */
  beta2?: number;
  /** Smoothing term (default 1e-8). */
  epsilon?: number;
  /** First moment (moving mean of dw), same shape as w (default zeros). */
  m?: Matrix;
  /** Second moment (moving mean of dw²), same shape as w (default zeros). */
  v?: Matrix;
  /** Number of steps taken so far (default 0). */
  t?: number;
}

/**
 * Every field any rule reads: a config that can be handed to whichever rule is chosen.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { type UpdateConfig, updateRules } from "./update_rules.ts";
 * const config: UpdateConfig = { learningRate: 0.1, momentum: 0.5, decayRate: 0.9 };
 * for (const rule of Object.values(updateRules)) {
 *   assert.equal(rule(Matrix.ones(1, 1), Matrix.ones(1, 1), config).config.learningRate, 0.1);
 * }
 * ```
 */
export type UpdateConfig = MomentumConfig & RmspropConfig & AdamConfig;

/**
 * What a rule returns: the next weights and the next config (a new object).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { sgd, type UpdateResult } from "./update_rules.ts";
 * const config = { learningRate: 0.5 };
 * const result: UpdateResult = sgd(Matrix.ones(1, 1), Matrix.ones(1, 1), config);
 * assert(result.config !== config && result.w.get(0, 0) === 0.5);
 * ```
 */
export interface UpdateResult<C = UpdateConfig> {
  /** The updated weights (a new matrix; the input is not changed). */
  w: Matrix;
  /** The rule's state for the next step (cache, velocity, moments, step count). */
  config: C;
}
