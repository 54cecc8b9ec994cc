/**
 * The data of the interactive demo: its points, the presets (CS231n's nine points, blobs, a spiral,
 * drawn by the library's seeded generators in `lib/data/synthetic.ts`) and random parameters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PRESETS, toDataset } from "./data.ts";
 * const { X, y } = toDataset(PRESETS.spiral.make(0).points);
 * assert.equal(X.rows, y.length);
 * ```
 * @module
 */
import { Matrix } from "../../lib/matrix.ts";
import { makeBlobs, makeSpiral } from "../../lib/data/synthetic.ts";
import { Rng } from "../../lib/random.ts";

/**
 * One data point of the demo: its two coordinates and its class (0, 1 or 2).
 *
 * @example
 * ```ts
 * import type { Point } from "./model.ts";
 * const p: Point = { x: 0.5, y: 0.4, label: 0 };
 * ```
 */
export interface Point {
  /** The first coordinate, x₀. */
  x: number;
  /** The second coordinate, x₁. */
  y: number;
  /** The class, 0 … 2. */
  label: number;
}

/** The number of classes the demo shows. */
export const NUM_CLASSES = 3;

/**
 * The points as the library takes them: X (N×2) and y (N labels).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toDataset } from "./model.ts";
 * const { X, y } = toDataset([{ x: 1, y: 2, label: 1 }]);
 * assert.deepEqual(X.toArray(), [[1, 2]]);
 * assert.deepEqual([...y], [1]);
 * ```
 */
export function toDataset(points: readonly Point[]): { X: Matrix; y: Int32Array } {
  const X = new Matrix(points.length, 2);
  points.forEach((p, i) => X.data.set([p.x, p.y], 2 * i));
  return { X, y: Int32Array.from(points, (p) => p.label) };
}

/**
 * A starting state: points, linear parameters P and, for the presets that suit it, the net's
 * hidden-layer size. `make(seed)` is deterministic (the library's seeded generators).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PRESETS } from "./data.ts";
 * assert.equal(PRESETS.blobs.make(3).points.length, 30);
 * ```
 */
export interface Preset {
  /** Its name in the menu. */
  label: string;
  /** The points and the linear classifier's parameters P (3×3). */
  make(seed: number): { points: Point[]; params: Matrix };
}

/** Points of a `Dataset`-like X, y. */
function pointsOf(X: Matrix, y: Int32Array): Point[] {
  return Array.from(y, (label, i) => ({ x: X.get(i, 0), y: X.get(i, 1), label }));
}

/**
 * The presets of the page: CS231n's nine points and starting W, b; three Gaussian blobs; the
 * spiral of CS231n's neural-network case study (no line separates it: try the two-layer net).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PRESETS } from "./data.ts";
 * const { points, params } = PRESETS.cs231n.make(0);
 * assert.deepEqual(points[0], { x: 0.5, y: 0.4, label: 0 });
 * assert.deepEqual(params.toArray(), [[1, 2, 3], [2, -4, -1], [0, 0.5, -0.5]]); // W₀ = (1, 2)…
 * ```
 */
export const PRESETS: Readonly<Record<"cs231n" | "blobs" | "spiral", Preset>> = {
  cs231n: {
    label: "CS231n demo (9 points)",
    make: () => ({
      points: [
        [0.5, 0.4, 0],
        [0.8, 0.3, 0],
        [0.3, 0.8, 0],
        [-0.4, 0.3, 1],
        [-0.3, 0.7, 1],
        [-0.7, 0.2, 1],
        [0.7, -0.4, 2],
        [0.5, -0.6, 2],
        [-0.4, -0.5, 2],
      ].map(([x, y, label]) => ({ x, y, label })),
      // W = [[1, 2], [2, −4], [3, −1]], b = [0, 0.5, −0.5] in the layout of the module doc.
      params: Matrix.fromArray([[1, 2, 3], [2, -4, -1], [0, 0.5, -0.5]]),
    }),
  },
  blobs: {
    label: "Three blobs (30 points)",
    make: (seed) => {
      const centers = [0, 1, 2].map((k) => [Math.cos(2.1 * k + 0.5), Math.sin(2.1 * k + 0.5)]);
      const { X, y } = makeBlobs({ pointsPerClass: 10, centers, std: 0.3, seed });
      return { points: pointsOf(X, y), params: randomParams(seed) };
    },
  },
  spiral: {
    label: "Spiral (90 points)",
    make: (seed) => {
      const { X, y } = makeSpiral({ pointsPerClass: 30, numClasses: 3, noise: 0.15, seed });
      return { points: pointsOf(X, y), params: randomParams(seed) };
    },
  },
};

/**
 * Random linear parameters: every entry of W and b drawn from N(0, 1) with the library's seeded
 * generator (the page's "randomize" button).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { randomParams } from "./data.ts";
 * assert.deepEqual(randomParams(7).toArray(), randomParams(7).toArray());
 * assert.deepEqual(randomParams(7).shape, [3, 3]);
 * ```
 */
export function randomParams(seed: number): Matrix {
  return Matrix.randn(3, NUM_CLASSES, new Rng(seed));
}
