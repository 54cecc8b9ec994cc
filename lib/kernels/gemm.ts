/**
 * The fast path for dense products. Every matrix product in the library goes through the three
 * functions here (`matmul`, `matmulTA` and `matmulTB` in matrix.ts call them), which pick a
 * kernel by size:
 *
 * - small products (m·k·n below `minWasmWork`, a single row times a matrix, an outer product):
 *   the readable TypeScript loops of `reference.ts`;
 * - larger ones: the WebAssembly SIMD kernel of `gemm.wat` (packing + 6×4 register tiles, fused
 *   multiply-add where relaxed SIMD is available), on the calling thread;
 * - from `minParallelWork` on: the same kernel on the caller plus a pool of workers sharing its
 *   memory. The pool starts by itself on the first such product (that product and any until the
 *   workers are warm run on the caller alone); `initKernels()` starts it and waits for it.
 *
 * Without WebAssembly SIMD, shared memory or workers, or for operands beyond the 2 GiB of
 * WebAssembly memory, the library falls back (to the TypeScript kernel, or to one thread) with
 * the same results to ~1e-12 relative. Results never depend on the number of threads: each output
 * entry is one running sum over k in order, and threads only split the rows or columns of C.
 *
 * All arrays are row-major `Float64Array`s; `out` is overwritten (not accumulated into).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gemm } from "./gemm.ts";
 * const out = new Float64Array(1);
 * gemm(new Float64Array([1, 2]), new Float64Array([3, 4]), out, 1, 2, 1);
 * assert(out[0] === 11);
 * ```
 * @module
 */
import { WorkerPool } from "./pool.ts";
import { gemmReference, gemmTAReference, gemmTBReference } from "./reference.ts";
import { WasmGemm } from "./engine.ts";
import { loadWasmKernel, type WasmVariant } from "./wasm.ts";

/**
 * Which kernels may run: `auto` picks by size, `wasm` forces WebAssembly, `ts` TypeScript.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { configureKernels, type KernelBackend } from "./gemm.ts";
 * const backend: KernelBackend = configureKernels().backend;
 * assert(["auto", "wasm", "ts"].includes(backend));
 * ```
 */
export type KernelBackend = "auto" | "wasm" | "ts";

/**
 * Settings of the kernel dispatcher (see `configureKernels`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { configureKernels, type KernelOptions } from "./gemm.ts";
 * const before = configureKernels();
 * const options: KernelOptions = { minWasmWork: 8 ** 3 };
 * assert.equal(configureKernels(options).minWasmWork, 512);
 * configureKernels({ minWasmWork: before.minWasmWork });
 * ```
 */
export interface KernelOptions {
  /** `auto` (default): TypeScript below `minWasmWork`, WebAssembly above; or force one. */
  backend?: KernelBackend;
  /** Which WebAssembly build: `auto` (default) prefers relaxed SIMD when the engine has it. */
  variant?: WasmVariant | "auto";
  /** Threads per product, the caller included (default: the number of CPU cores). */
  threads?: number;
  /** m·k·n below which the TypeScript kernel runs (backend `auto`). */
  minWasmWork?: number;
  /** m·k·n below which no worker is woken. */
  minParallelWork?: number;
}

/**
 * What the dispatcher does now (see `kernelInfo`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kernelInfo, type KernelInfo } from "./gemm.ts";
 * const info: KernelInfo = kernelInfo();
 * assert(info.workersReady <= info.workers);
 * ```
 */
export interface KernelInfo {
  /** The configured backend. */
  backend: KernelBackend;
  /** The WebAssembly build in use; null with backend "ts" or without WebAssembly SIMD. */
  variant: WasmVariant | null;
  /** Threads per large product, the caller included. */
  threads: number;
  /** Workers started (threads − 1 once the pool runs, else 0). */
  workers: number;
  /** Workers warm and in use. */
  workersReady: number;
  /** m·k·n below which the TypeScript kernel runs. */
  minWasmWork: number;
  /** m·k·n below which no worker is woken. */
  minParallelWork: number;
}

/**
 * Measured on a 2-core x86-64 (tools/bench.ts, section "thresholds"): WebAssembly beats the
 * TypeScript loops from about 16³, except for a row vector times a matrix and an outer product
 * (copying into WebAssembly memory costs as much as the product), and waking a worker pays from
 * about 100³.
 */
const DEFAULTS = { minWasmWork: 16 ** 3, minParallelWork: 100 ** 3 };

const state = {
  backend: "auto" as KernelBackend,
  variant: "auto" as WasmVariant | "auto",
  threads: defaultThreads(),
  minWasmWork: DEFAULTS.minWasmWork,
  minParallelWork: DEFAULTS.minParallelWork,
  engine: undefined as WasmGemm | null | undefined, // undefined: not tried yet
  pool: null as WorkerPool | null,
  poolFailed: false,
};

function defaultThreads(): number {
  const n = globalThis.navigator?.hardwareConcurrency;
  return Number.isInteger(n) && n > 0 ? Math.min(n, 64) : 1;
}

/**
 * C = A·B where A is m×k, B is k×n and C (out) is m×n.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gemm } from "./gemm.ts";
 * const out = new Float64Array(4);
 * gemm(new Float64Array([1, 0, 0, 1]), new Float64Array([5, 6, 7, 8]), out, 2, 2, 2);
 * assert(out.join() === "5,6,7,8");
 * ```
 */
export function gemm(
  a: Float64Array,
  b: Float64Array,
  out: Float64Array,
  m: number,
  k: number,
  n: number,
): void {
  dispatch("gemm", false, false, a, b, out, m, k, n);
}

/**
 * C = Aᵀ·B without forming Aᵀ: A is k×m, B is k×n, C (out) is m×n.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gemmTA } from "./gemm.ts";
 * const out = new Float64Array(1);
 * gemmTA(new Float64Array([1, 2]), new Float64Array([3, 4]), out, 1, 2, 1); // [1 2]·[3 4]ᵀ
 * assert(out[0] === 11);
 * ```
 */
export function gemmTA(
  a: Float64Array,
  b: Float64Array,
  out: Float64Array,
  m: number,
  k: number,
  n: number,
): void {
  dispatch("gemmTA", true, false, a, b, out, m, k, n);
}

/**
 * C = A·Bᵀ without forming Bᵀ: A is m×k, B is n×k, C (out) is m×n (row-by-row dot products).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gemmTB } from "./gemm.ts";
 * const out = new Float64Array(1);
 * gemmTB(new Float64Array([1, 2]), new Float64Array([3, 4]), out, 1, 2, 1);
 * assert(out[0] === 11);
 * ```
 */
export function gemmTB(
  a: Float64Array,
  b: Float64Array,
  out: Float64Array,
  m: number,
  k: number,
  n: number,
): void {
  dispatch("gemmTB", false, true, a, b, out, m, k, n);
}

function dispatch(
  op: string,
  transA: boolean,
  transB: boolean,
  a: Float64Array,
  b: Float64Array,
  out: Float64Array,
  m: number,
  k: number,
  n: number,
): void {
  for (const [name, v] of [["m", m], ["k", k], ["n", n]] as const) {
    if (!Number.isInteger(v) || v < 0) {
      throw new RangeError(`${op}: ${name} must be a non-negative integer, got ${v}`);
    }
  }
  const aShape = transA ? `${k}×${m}` : `${m}×${k}`, bShape = transB ? `${n}×${k}` : `${k}×${n}`;
  for (
    const [name, arr, len, shape] of [["a", a, m * k, aShape], ["b", b, k * n, bShape]] as const
  ) {
    if (!(arr instanceof Float64Array) || arr.length < len) {
      throw new TypeError(
        `${op}: ${name} must be a Float64Array of at least ${len} values (${shape}), got ` +
          (arr instanceof Float64Array ? `${arr.length}` : typeof arr),
      );
    }
  }
  if (!(out instanceof Float64Array) || out.length < m * n) {
    throw new TypeError(
      `${op}: out must be a Float64Array of at least ${m * n} values (${m}×${n})`,
    );
  }
  if (m === 0 || n === 0) return;
  if (k === 0) {
    out.fill(0, 0, m * n);
    return;
  }
  const work = m * k * n;
  const small = work < state.minWasmWork || m === 1 || k === 1; // a row, or an outer product
  const engine = state.backend === "ts" || (state.backend === "auto" && small) ? null : getEngine();
  if (engine === null || !engine.fits(m, k, n)) {
    if (transA) gemmTAReference(a, b, out, m, k, n);
    else if (transB) gemmTBReference(a, b, out, m, k, n);
    else gemmReference(a, b, out, m, k, n);
    return;
  }
  const pool = work >= state.minParallelWork ? getPool(engine) : null;
  engine.product(a, b, out, m, k, n, transA, transB, pool ?? undefined, engine.threads);
}

function getEngine(): WasmGemm | null {
  if (state.engine === undefined) {
    const kernel = loadWasmKernel(state.variant);
    state.engine = kernel ? new WasmGemm(kernel, state.threads) : null;
  }
  return state.engine;
}

function getPool(engine: WasmGemm): WorkerPool | null {
  if (state.pool === null && engine.threads > 1 && !state.poolFailed) {
    try {
      state.pool = new WorkerPool(engine, engine.threads - 1);
    } catch {
      state.poolFailed = true; // no workers here: stay on one thread
    }
  }
  return state.pool;
}

/**
 * Changes the dispatcher's settings (only those given) and returns the new state. Changing the
 * build or the thread count stops the current worker pool; a new one starts when needed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { configureKernels } from "./gemm.ts";
 * const before = configureKernels({});
 * assert.equal(configureKernels({ backend: "ts" }).backend, "ts");
 * configureKernels({ backend: before.backend });
 * assert.throws(() => configureKernels({ threads: 0 }), /threads must be an integer/);
 * ```
 */
export function configureKernels(options: KernelOptions = {}): KernelInfo {
  const { backend, variant, threads, minWasmWork, minParallelWork } = options;
  if (backend !== undefined && !["auto", "wasm", "ts"].includes(backend)) {
    throw new RangeError(
      `configureKernels: backend must be "auto", "wasm" or "ts", got ${backend}`,
    );
  }
  if (variant !== undefined && !["auto", "relaxed-simd", "simd"].includes(variant)) {
    throw new RangeError(
      `configureKernels: variant must be "auto", "relaxed-simd" or "simd", got ${variant}`,
    );
  }
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 64)) {
    throw new RangeError(`configureKernels: threads must be an integer in [1, 64], got ${threads}`);
  }
  for (const [name, v] of [["minWasmWork", minWasmWork], ["minParallelWork", minParallelWork]]) {
    if (v !== undefined && !(typeof v === "number" && v >= 0)) {
      throw new RangeError(`configureKernels: ${name} must be a number ≥ 0, got ${v}`);
    }
  }
  const rebuild = (variant !== undefined && variant !== state.variant) ||
    (threads !== undefined && threads !== state.threads);
  if (rebuild) {
    void state.pool?.shutdown();
    state.pool = null;
    state.poolFailed = false;
    state.engine = undefined;
  }
  if (backend !== undefined) state.backend = backend;
  if (variant !== undefined) state.variant = variant;
  if (threads !== undefined) state.threads = threads;
  if (minWasmWork !== undefined) state.minWasmWork = minWasmWork;
  if (minParallelWork !== undefined) state.minParallelWork = minParallelWork;
  return kernelInfo();
}

/**
 * The dispatcher's current state: backend, WebAssembly build, threads and thresholds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kernelInfo } from "./gemm.ts";
 * const info = kernelInfo();
 * assert(info.threads >= 1 && info.minWasmWork <= info.minParallelWork);
 * ```
 */
export function kernelInfo(): KernelInfo {
  const engine = state.backend === "ts" ? null : getEngine();
  return {
    backend: state.backend,
    variant: engine?.kernel.variant ?? null,
    threads: state.threads,
    workers: state.pool?.size ?? 0,
    workersReady: state.pool?.ready ?? 0,
    minWasmWork: state.minWasmWork,
    minParallelWork: state.minParallelWork,
  };
}

/**
 * Applies `options`, compiles the kernel, starts the worker pool (when threads > 1) and waits
 * until every worker is warm: call it before timing anything.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initKernels, shutdownKernels } from "./gemm.ts";
 * const info = await initKernels({ threads: 2 });
 * assert(info.variant === null || info.workersReady === 1);
 * await shutdownKernels();
 * ```
 */
export async function initKernels(options: KernelOptions = {}): Promise<KernelInfo> {
  configureKernels(options);
  const engine = getEngine();
  const pool = engine ? getPool(engine) : null;
  if (pool) await pool.whenReady();
  return kernelInfo();
}

/**
 * Stops the worker pool and frees the WebAssembly memory; the next product starts afresh.
 * Not needed before exiting (the workers never keep the process alive).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kernelInfo, shutdownKernels } from "./gemm.ts";
 * await shutdownKernels();
 * assert.equal(kernelInfo().workers, 0);
 * ```
 */
export async function shutdownKernels(): Promise<void> {
  const pool = state.pool;
  state.pool = null;
  state.poolFailed = false;
  state.engine = undefined;
  await pool?.shutdown();
}
