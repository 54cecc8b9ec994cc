/**
 * Small 2-D datasets for seeing what a classifier does: the CS231n spiral (not linearly separable)
 * and Gaussian blobs (linearly separable when far apart).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeSpiral } from "./synthetic.ts";
 * const { X, y } = makeSpiral({ pointsPerClass: 100, numClasses: 3, seed: 0 });
 * assert.deepEqual(X.shape, [300, 2]);
 * assert.equal(y[299], 2);
 * ```
 * @module
 */
import { Matrix } from "../matrix.ts";
import { type Seed, toRng } from "../random.ts";
import type { Dataset } from "./dataset.ts";

/**
 * The spiral of the CS231n neural-network case study: K arms of N points each. Point i of class j
 * has radius r = i/(N−1) and angle t = 4j + 4r (radians) plus N(0, noise²) jitter, at
 * (r·sin t, r·cos t).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeSpiral } from "./synthetic.ts";
 * const a = makeSpiral({ seed: 1 }), b = makeSpiral({ seed: 1 });
 * assert.deepEqual(a.X.data, b.X.data);
 * ```
 */
export function makeSpiral(
  { pointsPerClass = 100, numClasses = 3, noise = 0.2, seed = 0 }: {
    pointsPerClass?: number;
    numClasses?: number;
    noise?: number;
    seed?: Seed;
  } = {},
): Dataset {
  checkPositive("makeSpiral", { pointsPerClass, numClasses });
  const rng = toRng(seed);
  const N = pointsPerClass, K = numClasses;
  const X = new Matrix(N * K, 2);
  const y = new Int32Array(N * K);
  for (let j = 0; j < K; j++) {
    for (let i = 0; i < N; i++) {
      const ix = j * N + i;
      const r = N === 1 ? 0 : i / (N - 1);
      const t = 4 * j + 4 * r + rng.normal(0, noise);
      X.data[2 * ix] = r * Math.sin(t);
      X.data[2 * ix + 1] = r * Math.cos(t);
      y[ix] = j;
    }
  }
  return { X, y, classNames: Array.from({ length: K }, (_, j) => `class ${j}`) };
}

/**
 * Gaussian blobs: `pointsPerClass` points around each center with standard deviation `std`.
 * Centers default to `numClasses` points evenly spaced on a circle of radius 2.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeBlobs } from "./synthetic.ts";
 * const { X, y } = makeBlobs({ pointsPerClass: 50, numClasses: 4, std: 0.3, seed: 0 });
 * assert.equal(X.rows, 200);
 * assert.equal(new Set(y).size, 4);
 * ```
 */
export function makeBlobs(
  { pointsPerClass = 100, numClasses = 3, std = 0.5, centers, seed = 0 }: {
    pointsPerClass?: number;
    numClasses?: number;
    std?: number;
    centers?: readonly (readonly number[])[];
    seed?: Seed;
  } = {},
): Dataset {
  const cs = centers ??
    Array.from({ length: numClasses }, (_, k) => {
      const a = (2 * Math.PI * k) / numClasses;
      return [2 * Math.cos(a), 2 * Math.sin(a)];
    });
  const K = cs.length, D = cs[0]?.length ?? 0;
  checkPositive("makeBlobs", { pointsPerClass, numClasses: K });
  cs.forEach((c, k) => {
    if (c.length !== D) {
      throw new RangeError(`makeBlobs: center ${k} has ${c.length} coordinates, center 0 has ${D}`);
    }
  });
  const rng = toRng(seed);
  const X = new Matrix(pointsPerClass * K, D);
  const y = new Int32Array(pointsPerClass * K);
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < pointsPerClass; i++) {
      const ix = k * pointsPerClass + i;
      for (let d = 0; d < D; d++) X.data[ix * D + d] = cs[k][d] + rng.normal(0, std);
      y[ix] = k;
    }
  }
  return { X, y, classNames: Array.from({ length: K }, (_, k) => `blob ${k}`) };
}

function checkPositive(op: string, values: Record<string, number>): void {
  for (const [name, v] of Object.entries(values)) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`${op}: ${name} must be a positive integer, got ${v}`);
    }
  }
}
