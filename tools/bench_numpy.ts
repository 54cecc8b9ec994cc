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
  /**
   * Operation: matmul (A·B), matmulTA (Aᵀ·B), matmulTB (A·Bᵀ), knn, softmax, twolayer (one loss
   * and gradient), softmaxTrain, twolayerTrain (minibatch SGD loops, timed per iteration).
   */
  op:
    | "matmul"
    | "matmulTA"
    | "matmulTB"
    | "knn"
    | "softmax"
    | "twolayer"
    | "softmaxTrain"
    | "twolayerTrain";
  /**
   * m, k, n for products; N, D, C (H before C for two-layer) for the lessons' functions; and the
   * batch size last for the training loops: [N, D, C, B], [N, D, H, C, B].
   */
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
ITERS = int(sys.argv[3]); VAL_ROWS = 1000
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
def predict(P, X):
    return (np.maximum(0, X @ P["W1"] + P["b1"]) @ P["W2"] + P["b2"]).argmax(1)
def train_softmax(X, y, C, B):
    N, D = X.shape; W = 0.001 * np.random.randn(D, C)
    for it in range(ITERS):  # CS231n's LinearClassifier.train
        idx = np.random.choice(N, B, replace=True)
        loss, dW = softmax(W, X[idx], y[idx], 1e-5); W -= 1e-7 * dW
def train_twolayer(X, y, Xv, yv, H, C, B):
    N, D = X.shape; lr = 1e-3; per_epoch = max(N // B, 1)
    P = {"W1": 1e-4 * np.random.randn(D, H), "b1": np.zeros(H),
         "W2": 1e-4 * np.random.randn(H, C), "b2": np.zeros(C)}
    for it in range(ITERS):  # CS231n's TwoLayerNet.train
        idx = np.random.choice(N, B, replace=True); Xb = X[idx]; yb = y[idx]
        g = twolayer(P["W1"], P["b1"], P["W2"], P["b2"], Xb, yb, 5e-6)
        for k, name in enumerate(("W1", "b1", "W2", "b2")): P[name] -= lr * g[k + 1]
        if (it + 1) % per_epoch == 0:
            (predict(P, Xb) == yb).mean(); (predict(P, Xv) == yv).mean(); lr *= 0.95
out = []
for c in cases:
    op, d = c["op"], c["dims"]
    iters = 1
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
    elif op == "twolayer":
        N, D, H, C = d; X = rng.standard_normal((N, D)); y = rng.integers(0, C, N)
        W1 = rng.standard_normal((D, H)) * 1e-4; W2 = rng.standard_normal((H, C)) * 1e-4
        b1 = np.zeros(H); b2 = np.zeros(C); f = lambda: twolayer(W1, b1, W2, b2, X, y, 0.1)
    elif op == "softmaxTrain":
        N, D, C, B = d; X = rng.random((N, D)); y = np.arange(N) % C; iters = ITERS
        f = lambda: train_softmax(X, y, C, B)
    else:
        N, D, H, C, B = d; X = rng.random((N, D)); y = np.arange(N) % C; iters = ITERS
        Xv = rng.random((VAL_ROWS, D)); yv = np.arange(VAL_ROWS) % C
        f = lambda: train_twolayer(X, y, Xv, yv, H, C, B)
    best, median = timeit(f)
    out.append([best / iters, median / iters])
def blas_library():
    # numpy links "libblas.so.3" on Debian: name the file really mapped, and ask OpenBLAS its config
    try:
        import ctypes
        path = next(p for p in (l.split()[-1] for l in open("/proc/self/maps"))
                    if "blas" in p.rsplit("/", 1)[-1])
        lib = ctypes.CDLL(path)
        try:
            lib.openblas_get_config.restype = ctypes.c_char_p
            return path + ": " + lib.openblas_get_config().decode()
        except AttributeError:
            return path
    except Exception:
        return "?"
print(json.dumps({"times": out, "numpy": np.__version__, "blas": blas_library()}))
`;

/**
 * What one numpy run gives: best and median ms per case (per iteration for training loops), the
 * numpy version, the BLAS library it runs on, and the Python used.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { NumpyRun } from "./bench_numpy.ts";
 * const run: NumpyRun = { times: [[1, 1.2]], numpy: "1.24.2", blas: "libblas.so.3", python: "python3" };
 * assert.equal(run.times[0][0], 1);
 * ```
 */
export interface NumpyRun {
  /** [best, median] milliseconds per case. */
  times: [number, number][];
  /** numpy's version. */
  numpy: string;
  /** The BLAS file numpy runs on (and OpenBLAS's config when it is OpenBLAS), or "?". */
  blas: string;
  /** The Python that ran it. */
  python: string;
}

/**
 * Runs the numpy script on `cases` with OpenBLAS limited to `threads` (1) or free (otherwise),
 * training loops `trainIters` iterations per timed call, with `python` (default: `python3`, else
 * `/usr/bin/python3`); null when no Python with numpy is found.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runNumpy } from "./bench_numpy.ts";
 * const res = await runNumpy([{ op: "matmul", dims: [8, 8, 8], threads: 1 }], 1, 0.01);
 * assert(res === null || (res.times.length === 1 && res.times[0][0] > 0));
 * ```
 */
export async function runNumpy(
  cases: Case[],
  threads: number,
  budget: number,
  trainIters = 450,
  python?: string,
): Promise<NumpyRun | null> {
  for (const py of python ? [python] : ["python3", "/usr/bin/python3"]) {
    try {
      const env: Record<string, string> = threads === 1
        ? { OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" }
        : {};
      const { success, stdout } = await new Deno.Command(py, {
        args: ["-c", NUMPY_SCRIPT, JSON.stringify(cases), String(budget), String(trainIters)],
        env,
        stdout: "piped",
        stderr: "null",
      }).output();
      if (!success) continue;
      const parsed = JSON.parse(new TextDecoder().decode(stdout));
      return { ...parsed, python: py } as NumpyRun;
    } catch {
      // not installed: try the next
    }
  }
  return null;
}
