/**
 * The numpy side of `tools/bench.ts`: the lessons' vectorized numpy code (as in CS231n's starter
 * code), timed in its own `python3 -c` process exactly like this library's side (best of several
 * runs after a warm-up). `python3` first, then `/usr/bin/python3` (a pyenv `python3` may lack
 * numpy; Debian's `python3-numpy` installs it for the system one).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NUMPY_SCRIPT } from "./bench_numpy.ts";
 * assert.match(NUMPY_SCRIPT, /import numpy as np/);
 * ```
 * @module
 */

/**
 * One timed case: the same spec runs here and in numpy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Case } from "./bench_numpy.ts";
 * const c: Case = { op: "softmax", dims: [500, 3073, 10], threads: 2 };
 * assert.equal(c.dims.length, 3);
 * ```
 */
export interface Case {
  /** Operation: matmul (A·B), matmulTA (Aᵀ·B), matmulTB (A·Bᵀ), knn, softmax, twolayer. */
  op: "matmul" | "matmulTA" | "matmulTB" | "knn" | "softmax" | "twolayer";
  /** m, k, n for products; N, D, C (and H) for the lessons' functions. */
  dims: number[];
  /** Threads for this library and numpy. */
  threads: number;
  /** Also time ml-matrix and tfjs-core (products only). */
  js?: boolean;
}

/**
 * The lessons' numpy code (CS231n's vectorized versions), timed like ours.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NUMPY_SCRIPT } from "./bench_numpy.ts";
 * assert.match(NUMPY_SCRIPT, /def softmax\(W, X, y, reg\)/);
 * ```
 */
export const NUMPY_SCRIPT = `
import json, sys, time
import numpy as np
cases = json.loads(sys.argv[1]); budget = float(sys.argv[2])
rng = np.random.default_rng(0)
def timeit(f):
    f(); times = []
    t_end = time.perf_counter() + budget
    while len(times) < 3 or (time.perf_counter() < t_end and len(times) < 50):
        t = time.perf_counter(); f(); times.append(time.perf_counter() - t)
    times.sort(); return [times[0] * 1e3, times[len(times) // 2] * 1e3]
def softmax(W, X, y, reg):
    N = X.shape[0]; s = X @ W; s -= s.max(axis=1, keepdims=True)
    p = np.exp(s); p /= p.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(N), y]).mean() + reg * np.sum(W * W)
    p[np.arange(N), y] -= 1; p /= N
    return loss, X.T @ p + 2 * reg * W
def twolayer(W1, b1, W2, b2, X, y, reg):
    N = X.shape[0]; h = np.maximum(0, X @ W1 + b1); s = h @ W2 + b2
    s -= s.max(axis=1, keepdims=True); p = np.exp(s); p /= p.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(N), y]).mean() + reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    p[np.arange(N), y] -= 1; p /= N
    dW2 = h.T @ p + 2 * reg * W2; db2 = p.sum(0); dh = p @ W2.T; dh[h <= 0] = 0
    return loss, X.T @ dh + 2 * reg * W1, dh.sum(0), dW2, db2
out = []
for c in cases:
    op, d = c["op"], c["dims"]
    if op in ("matmul", "matmulTA", "matmulTB"):
        m, k, n = d
        A = rng.standard_normal((k, m) if op == "matmulTA" else (m, k))
        B = rng.standard_normal((n, k) if op == "matmulTB" else (k, n))
        f = {"matmul": lambda: A @ B, "matmulTA": lambda: A.T @ B, "matmulTB": lambda: A @ B.T}[op]
    elif op == "knn":
        X = rng.random((d[0], d[2])); Xtr = rng.random((d[1], d[2]))
        f = lambda: np.sqrt(np.maximum(0, np.sum(X**2, axis=1)[:, None]
                                       + np.sum(Xtr**2, axis=1)[None, :] - 2 * X @ Xtr.T))
    elif op == "softmax":
        X = rng.standard_normal((d[0], d[1])); W = rng.standard_normal((d[1], d[2])) * 1e-4
        y = rng.integers(0, d[2], d[0]); f = lambda: softmax(W, X, y, 0.1)
    else:
        N, D, H, C = d; X = rng.standard_normal((N, D)); y = rng.integers(0, C, N)
        W1 = rng.standard_normal((D, H)) * 1e-4; W2 = rng.standard_normal((H, C)) * 1e-4
        b1 = np.zeros(H); b2 = np.zeros(C); f = lambda: twolayer(W1, b1, W2, b2, X, y, 0.1)
    out.append(timeit(f))
print(json.dumps({"times": out, "numpy": np.__version__,
                  "blas": np.show_config(mode="dicts")["Build Dependencies"]["blas"]["name"]
                  if np.lib.NumpyVersion(np.__version__) >= "1.25.0" else "?"}))
`;

/**
 * Runs the numpy script on `cases` with OpenBLAS limited to `threads` (1) or free (otherwise);
 * null when no Python with numpy is found.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runNumpy } from "./bench_numpy.ts";
 * const res = await runNumpy([{ op: "matmul", dims: [8, 8, 8], threads: 1 }], 1, 0.01);
 * assert(res === null || (res.times.length === 1 && res.times[0][0] > 0));
 * ```
 */
export async function runNumpy(cases: Case[], threads: number, budget: number) {
  for (const python of ["python3", "/usr/bin/python3"]) {
    try {
      const env: Record<string, string> = threads === 1
        ? { OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" }
        : {};
      const { success, stdout } = await new Deno.Command(python, {
        args: ["-c", NUMPY_SCRIPT, JSON.stringify(cases), String(budget)],
        env,
        stdout: "piped",
        stderr: "null",
      }).output();
      if (!success) continue;
      const parsed = JSON.parse(new TextDecoder().decode(stdout));
      return { ...parsed, python } as {
        times: [number, number][];
        numpy: string;
        blas: string;
        python: string;
      };
    } catch {
      // not installed: try the next
    }
  }
  return null;
}
