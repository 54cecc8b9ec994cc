/**
 * The readable pure-TypeScript matrix products: the reference the WebAssembly kernel is tested
 * against, and the fallback when WebAssembly SIMD is missing. `gemm.ts` calls these for small
 * shapes, where copying into WebAssembly memory would cost more than it saves.
 *
 * All arrays are row-major `Float64Array`s; `out` is overwritten (not accumulated into).
 * The loop orders keep the innermost loop walking contiguous memory (i-k-j), never the naive i-j-k.
 * A zero in A skips its row of B (cheap sparsity, e.g. after a ReLU), so unlike the WebAssembly
 * kernel a 0·∞ term counts as 0 instead of NaN.
 *
 * (Three loops that look alike, not one loop parameterized by strides, on purpose: each walks its
 * own operands in memory order (Aᵀ·B goes k-i-j so the rows of A stay contiguous; A·Bᵀ is dot
 * products of rows with two running sums), which a stride-generic loop would lose on the `ts`
 * backend, where these are the only kernel.)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gemmReference } from "./reference.ts";
 * const out = new Float64Array(1);
 * gemmReference(new Float64Array([1, 2]), new Float64Array([3, 4]), out, 1, 2, 1);
 * assert(out[0] === 11);
 * ```
 * @module
 */

/**
 * C = A·B where A is m×k, B is k×n and C (out) is m×n.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gemmReference } from "./reference.ts";
 * const out = new Float64Array(4);
 * gemmReference(new Float64Array([1, 0, 0, 1]), new Float64Array([5, 6, 7, 8]), out, 2, 2, 2);
 * assert(out.join() === "5,6,7,8");
 * ```
 */
export function gemmReference(
  a: Float64Array,
  b: Float64Array,
  out: Float64Array,
  m: number,
  k: number,
  n: number,
): void {
  out.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    const ai = i * k;
    for (let p = 0; p < k; p++) {
      const aip = a[ai + p];
      if (aip === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) out[ci + j] += aip * b[bp + j];
    }
  }
}

/**
 * C = Aᵀ·B without forming Aᵀ: A is k×m, B is k×n, C (out) is m×n.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gemmTAReference } from "./reference.ts";
 * const out = new Float64Array(1);
 * gemmTAReference(new Float64Array([1, 2]), new Float64Array([3, 4]), out, 1, 2, 1); // [1 2]·[3 4]ᵀ
 * assert(out[0] === 11);
 * ```
 */
export function gemmTAReference(
  a: Float64Array,
  b: Float64Array,
  out: Float64Array,
  m: number,
  k: number,
  n: number,
): void {
  out.fill(0, 0, m * n);
  for (let p = 0; p < k; p++) {
    const ap = p * m;
    const bp = p * n;
    for (let i = 0; i < m; i++) {
      const api = a[ap + i];
      if (api === 0) continue;
      const ci = i * n;
      for (let j = 0; j < n; j++) out[ci + j] += api * b[bp + j];
    }
  }
}

/**
 * C = A·Bᵀ without forming Bᵀ: A is m×k, B is n×k, C (out) is m×n (row-by-row dot products).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gemmTBReference } from "./reference.ts";
 * const out = new Float64Array(1);
 * gemmTBReference(new Float64Array([1, 2]), new Float64Array([3, 4]), out, 1, 2, 1);
 * assert(out[0] === 11);
 * ```
 */
export function gemmTBReference(
  a: Float64Array,
  b: Float64Array,
  out: Float64Array,
  m: number,
  k: number,
  n: number,
): void {
  for (let i = 0; i < m; i++) {
    const ai = i * k;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s0 = 0, s1 = 0;
      let p = 0;
      for (; p + 1 < k; p += 2) {
        s0 += a[ai + p] * b[bj + p];
        s1 += a[ai + p + 1] * b[bj + p + 1];
      }
      if (p < k) s0 += a[ai + p] * b[bj + p];
      out[i * n + j] = s0 + s1;
    }
  }
}
