/**
 * Learning-rate schedules: annealing the step size over time, as in CS231n's notes ("Annealing the
 * learning rate"). Each maker returns a pure function of the epoch (or iteration) t = 0, 1, 2, …
 * that gives the learning rate to use at t; the descent loops accept one as `schedule`.
 *
 * | schedule | formula |
 * |---|---|
 * | `stepDecay({ lr0, dropEvery, factor })` | lr0 · factor^⌊t / dropEvery⌋ |
 * | `exponentialDecay({ lr0, k })` | lr0 · e^(−k·t) |
 * | `inverseTimeDecay({ lr0, k })` | lr0 / (1 + k·t) |
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stepDecay } from "./schedules.ts";
 * const lr = stepDecay({ lr0: 0.1, dropEvery: 10, factor: 0.5 });
 * assert.deepEqual([0, 9, 10, 25].map(lr), [0.1, 0.1, 0.05, 0.025]);
 * ```
 * @module
 */

/**
 * A learning-rate schedule: the learning rate at epoch (or iteration) t ≥ 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Schedule } from "./schedules.ts";
 * const constant: Schedule = () => 1e-3;
 * assert.equal(constant(100), 1e-3);
 * ```
 */
export type Schedule = (t: number) => number;

/**
 * Step decay: multiply the rate by `factor` every `dropEvery` epochs,
 * lr(t) = lr0 · factor^⌊t / dropEvery⌋ (e.g. halve it every 5 epochs).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stepDecay } from "./schedules.ts";
 * const lr = stepDecay({ lr0: 1, dropEvery: 5, factor: 0.1 });
 * assert.equal(lr(4), 1);
 * assert(Math.abs(lr(12) - 0.01) < 1e-15); // two drops
 * ```
 */
export function stepDecay(
  { lr0, dropEvery, factor = 0.5 }: { lr0: number; dropEvery: number; factor?: number },
): Schedule {
  checkRate("stepDecay", lr0);
  if (!Number.isInteger(dropEvery) || dropEvery < 1) {
    throw new RangeError(`stepDecay: dropEvery must be a positive integer, got ${dropEvery}`);
  }
  if (!(factor > 0 && factor <= 1)) {
    throw new RangeError(`stepDecay: factor must be in (0, 1], got ${factor}`);
  }
  return (t) => lr0 * factor ** Math.floor(checkTime("stepDecay", t) / dropEvery);
}

/**
 * Exponential decay: lr(t) = lr0 · e^(−k·t). CS231n's `Solver` uses the per-epoch form
 * lr ← lr · lrDecay, which is this schedule with k = −ln(lrDecay).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exponentialDecay } from "./schedules.ts";
 * const lr = exponentialDecay({ lr0: 0.1, k: Math.LN2 }); // halves every step
 * assert(Math.abs(lr(3) - 0.0125) < 1e-15);
 * ```
 */
export function exponentialDecay({ lr0, k }: { lr0: number; k: number }): Schedule {
  checkRate("exponentialDecay", lr0);
  checkK("exponentialDecay", k);
  return (t) => lr0 * Math.exp(-k * checkTime("exponentialDecay", t));
}

/**
 * 1/t decay: lr(t) = lr0 / (1 + k·t).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inverseTimeDecay } from "./schedules.ts";
 * const lr = inverseTimeDecay({ lr0: 0.1, k: 0.5 });
 * assert.deepEqual([0, 2, 8].map(lr), [0.1, 0.05, 0.02]);
 * ```
 */
export function inverseTimeDecay({ lr0, k }: { lr0: number; k: number }): Schedule {
  checkRate("inverseTimeDecay", lr0);
  checkK("inverseTimeDecay", k);
  return (t) => lr0 / (1 + k * checkTime("inverseTimeDecay", t));
}

function checkRate(op: string, lr0: number): void {
  if (!(lr0 > 0) || !Number.isFinite(lr0)) {
    throw new RangeError(`${op}: lr0 must be a positive finite number, got ${lr0}`);
  }
}

function checkK(op: string, k: number): void {
  if (!(k >= 0) || !Number.isFinite(k)) {
    throw new RangeError(`${op}: k must be a finite number ≥ 0, got ${k}`);
  }
}

function checkTime(op: string, t: number): number {
  if (!(t >= 0) || !Number.isFinite(t)) {
    throw new RangeError(`${op}: t (epoch or iteration) must be a finite number ≥ 0, got ${t}`);
  }
  return t;
}
