/**
 * References shared by the hidden tests (instructor only: folders named `hidden` are never put in
 * the student edition). Plain loops over `Float64Array`s, independent of the student's code.
 */
import type { Matrix } from "../../../lib/matrix.ts";

/** All numTest × numTrain distances, row-major, by the definition. */
export function referenceDistances(A: Matrix, B: Matrix, metric: "L2" | "L1"): Float64Array {
  const out = new Float64Array(A.rows * B.rows);
  for (let i = 0; i < A.rows; i++) {
    for (let j = 0; j < B.rows; j++) {
      let s = 0;
      for (let p = 0; p < A.cols; p++) {
        const d = A.data[i * A.cols + p] - B.data[j * B.cols + p];
        s += metric === "L2" ? d * d : Math.abs(d);
      }
      out[i * B.rows + j] = metric === "L2" ? Math.sqrt(s) : s;
    }
  }
  return out;
}

/** ∂f/∂x by centered differences, perturbing `x` in place and restoring it. */
export function numericalGradient(f: () => number, x: Float64Array, h = 1e-5): Float64Array {
  const grad = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const old = x[i];
    x[i] = old + h;
    const plus = f();
    x[i] = old - h;
    const minus = f();
    x[i] = old;
    grad[i] = (plus - minus) / (2 * h);
  }
  return grad;
}

/**
 * ∂f/∂x by centered differences, for an `f` that asks the sandbox (so it is async): perturbs `x`
 * (a judge-side copy the caller sends with every evaluation) in place and restores it exactly.
 */
export async function numericalGradientAsync(
  f: () => Promise<number>,
  x: Float64Array,
  h = 1e-5,
): Promise<Float64Array> {
  const grad = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const old = x[i];
    try {
      x[i] = old + h;
      const plus = await f();
      x[i] = old - h;
      const minus = await f();
      grad[i] = (plus - minus) / (2 * h);
    } finally {
      x[i] = old;
    }
  }
  return grad;
}

/** max |a − b| / max(1e-8, |a| + |b|) over all entries. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(
      worst,
      Math.abs(a[i] - b[i]) / Math.max(1e-8, Math.abs(a[i]) + Math.abs(b[i])),
    );
  }
  return worst;
}

/** Multiclass SVM data loss and dW (D×C, row-major) by the lecture formula, no regularization. */
export function referenceSvm(
  W: Matrix,
  X: Matrix,
  y: ArrayLike<number>,
): { loss: number; dW: Float64Array } {
  const [N, D, C] = [X.rows, X.cols, W.cols];
  const dW = new Float64Array(D * C);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    const s = scoresOf(W, X, i);
    for (let j = 0; j < C; j++) {
      if (j === y[i]) continue;
      const margin = s[j] - s[y[i]] + 1;
      if (margin <= 0) continue;
      loss += margin;
      for (let d = 0; d < D; d++) {
        dW[d * C + j] += X.data[i * D + d] / N;
        dW[d * C + y[i]] -= X.data[i * D + d] / N;
      }
    }
  }
  return { loss: loss / N, dW };
}

/** Softmax data loss and dW by the lecture formula (with the max shift), no regularization. */
export function referenceSoftmax(
  W: Matrix,
  X: Matrix,
  y: ArrayLike<number>,
): { loss: number; dW: Float64Array } {
  const [N, D, C] = [X.rows, X.cols, W.cols];
  const dW = new Float64Array(D * C);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    const s = scoresOf(W, X, i);
    const m = Math.max(...s);
    const z = s.reduce((acc, v) => acc + Math.exp(v - m), 0);
    loss += Math.log(z) - (s[y[i]] - m);
    for (let j = 0; j < C; j++) {
      const g = Math.exp(s[j] - m) / z - (j === y[i] ? 1 : 0);
      for (let d = 0; d < D; d++) dW[d * C + j] += (g * X.data[i * D + d]) / N;
    }
  }
  return { loss: loss / N, dW };
}

/** Multiclass SVM loss of a score matrix with margin Δ and its ∂L/∂scores (row-major), by loops. */
export function referenceSvmScores(
  scores: Matrix,
  y: ArrayLike<number>,
  delta = 1,
): { loss: number; dx: Float64Array } {
  const [N, C] = [scores.rows, scores.cols];
  const dx = new Float64Array(N * C);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    const s = (j: number) => scores.data[i * C + j];
    for (let j = 0; j < C; j++) {
      const margin = s(j) - s(y[i]) + delta;
      if (j === y[i] || margin <= 0) continue;
      loss += margin;
      dx[i * C + j] += 1 / N;
      dx[i * C + y[i]] -= 1 / N;
    }
  }
  return { loss: loss / N, dx };
}

/** Softmax loss of a score matrix (with the max shift) and its ∂L/∂scores, by loops. */
export function referenceSoftmaxScores(
  scores: Matrix,
  y: ArrayLike<number>,
): { loss: number; dx: Float64Array } {
  const [N, C] = [scores.rows, scores.cols];
  const dx = new Float64Array(N * C);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    const s = Array.from(scores.data.subarray(i * C, i * C + C));
    const m = Math.max(...s);
    const z = s.reduce((acc, v) => acc + Math.exp(v - m), 0);
    loss += Math.log(z) - (s[y[i]] - m);
    for (let j = 0; j < C; j++) {
      dx[i * C + j] = (Math.exp(s[j] - m) / z - (j === y[i] ? 1 : 0)) / N;
    }
  }
  return { loss: loss / N, dx };
}

function scoresOf(W: Matrix, X: Matrix, i: number): number[] {
  const s = new Array<number>(W.cols).fill(0);
  for (let d = 0; d < X.cols; d++) {
    for (let j = 0; j < W.cols; j++) s[j] += X.data[i * X.cols + d] * W.data[d * W.cols + j];
  }
  return s;
}

/**
 * Wraps a judge function that student code calls back (an `evaluate`, an `f`): the first error it
 * throws (a failed check) is kept, and `settle(call)` fails with it, whatever the call did, so
 * the test fails with the judge's message even when the student's code caught that error.
 */
export function guarded<A extends unknown[], R>(
  fn: (...args: A) => R,
): { fn: (...args: A) => R; settle<T>(call: Promise<T>): Promise<T> } {
  let failure: { error: unknown } | null = null;
  return {
    fn: (...args: A) => {
      try {
        return fn(...args);
      } catch (error) {
        failure ??= { error };
        throw error;
      }
    },
    settle: async <T>(call: Promise<T>): Promise<T> => {
      let out: T;
      try {
        out = await call;
      } catch (error) {
        if (failure) throw failure.error;
        throw error;
      }
      if (failure) throw failure.error;
      return out;
    },
  };
}
