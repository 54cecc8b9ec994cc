/**
 * The fast path for dense products. Every matrix product in the library goes through the three
 * functions here (`matmul`, `matmulTA` and `matmulTB` in matrix.ts call them), which pick a
 * kernel by backend and size:
 *
 * - the system BLAS (`blas.ts`: OpenBLAS, MKL, Accelerate… through `Deno.dlopen`, called on the
 *   arrays in place) when one is found, from `minBlasWork` on; below it the readable TypeScript
 *   loops of `reference.ts`;
 * - without a BLAS (none installed, or no `--allow-ffi`, as for graded code): the TypeScript loops
 *   for small products (m·k·n below `minWasmWork`, a single row times a matrix, an outer
 *   product), else the WebAssembly SIMD kernel of `gemm.wat` (packing + 6×4 register tiles, fused
 *   multiply-add where relaxed SIMD is available) on the calling thread, and from
 *   `minParallelWork` on the same kernel on the caller plus a pool of workers sharing its memory.
 *   The pool starts by itself on the first such product; `initKernels()` starts it and waits.
 *
 * The BLAS is searched for once, on the first product or `kernelInfo()`. `configureKernels({
 * backend })` or the environment variable `CS231N_BACKEND` (`auto`, `blas`, `wasm`, `ts`) force one
 * backend. Without WebAssembly SIMD, shared memory or workers, or for operands beyond the 2 GiB of
 * WebAssembly memory, the library falls back (to the TypeScript kernel, or to one thread). Every
 * backend agrees with the TypeScript loops to ~1e-12 relative, and a backend gives the same bits
 * for the same inputs; WebAssembly results never depend on the number of threads (each output
 * entry is one running sum over k in order, threads only split the rows or columns of C).
 *
 * All arrays are row-major `Float64Array`s; `out` is overwritten (not accumulated into).
 *
 * (`gemm`, `gemmTA` and `gemmTB` repeat the names, shapes and docs of `reference.ts` on purpose:
 * they are one-line entry points into one `dispatch`, the readable loops stay in `reference.ts`.)
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
import { type Blas, type BlasSearch, findBlas, openBlas } from "./blas.ts";
import {
  backendFromEnv,
  checkKernelOptions,
  KERNEL_DEFAULTS,
  type KernelBackend,
  type KernelInfo,
  type KernelOptions,
} from "./settings.ts";

export { describeKernels } from "./settings.ts";
export type { KernelBackend, KernelInfo, KernelOptions } from "./settings.ts";

const state = {
  backend: undefined as KernelBackend | undefined, // undefined: CS231N_BACKEND, else "auto"
  variant: "auto" as WasmVariant | "auto",
  threads: defaultThreads(),
  threadsSet: false, // the BLAS keeps its own thread count until threads is configured
  minBlasWork: KERNEL_DEFAULTS.minBlasWork as number,
  minWasmWork: KERNEL_DEFAULTS.minWasmWork as number,
  minParallelWork: KERNEL_DEFAULTS.minParallelWork as number,
  blas: undefined as BlasSearch | undefined, // undefined: not searched yet
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
  const backend = currentBackend();
  if (backend === "blas" || (backend === "auto" && work >= state.minBlasWork)) {
    const blas = getBlas();
    if (blas !== null && blas.fits(m, k, n)) {
      blas.product(a, b, out, m, k, n, transA, transB);
      return;
    }
  }
  const small = work < state.minWasmWork || m === 1 || k === 1; // a row, or an outer product
  const engine = backend === "ts" || (backend === "auto" && small) ? null : getEngine();
  if (engine === null || !engine.fits(m, k, n)) {
    if (transA) gemmTAReference(a, b, out, m, k, n);
    else if (transB) gemmTBReference(a, b, out, m, k, n);
    else gemmReference(a, b, out, m, k, n);
    return;
  }
  const pool = work >= state.minParallelWork ? getPool(engine) : null;
  engine.product(a, b, out, m, k, n, transA, transB, pool ?? undefined, engine.threads);
}

/** The configured backend: set by configureKernels, else CS231N_BACKEND, else auto. */
function currentBackend(): KernelBackend {
  return state.backend ??= backendFromEnv() ?? "auto";
}

/** The BLAS, searched for once per process (null when none was found, with the reason kept). */
function getBlas(): Blas | null {
  if (state.blas === undefined) {
    state.blas = findBlas();
    if (state.blas.blas && state.threadsSet) state.blas.blas.setThreads(state.threads);
  }
  return state.blas.blas;
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
 * build or the thread count stops the current worker pool; a new one starts when needed. Asking
 * for backend "blas" when no CBLAS library can be opened throws, saying why.
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
  checkKernelOptions(options);
  const { backend, variant, threads, minBlasWork, minWasmWork, minParallelWork } = options;
  if (options.blasLibrary != null && options.blasLibrary !== state.blas?.blas?.library) {
    const library = options.blasLibrary;
    let blas: Blas;
    try {
      blas = openBlas(library);
    } catch (e) {
      throw new Error(
        `configureKernels: blasLibrary ${library} cannot be opened as a CBLAS library (${
          e instanceof Error ? e.message : e
        })`,
      );
    }
    state.blas?.blas?.close();
    state.blas = { blas, tried: [library], reason: "" };
    if (state.threadsSet) blas.setThreads(state.threads);
  }
  if (backend === "blas" && getBlas() === null) {
    throw new Error(
      `configureKernels: backend "blas" needs a CBLAS library: ${state.blas!.reason}`,
    );
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
  if (threads !== undefined) {
    state.threads = threads;
    state.threadsSet = true;
    state.blas?.blas?.setThreads(threads);
  }
  if (minBlasWork !== undefined) state.minBlasWork = minBlasWork;
  if (minWasmWork !== undefined) state.minWasmWork = minWasmWork;
  if (minParallelWork !== undefined) state.minParallelWork = minParallelWork;
  return kernelInfo();
}

/**
 * The dispatcher's current state: backend, the BLAS found (or why none), the WebAssembly build,
 * threads and thresholds. The first call searches for the BLAS (once per process).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kernelInfo } from "./gemm.ts";
 * const info = kernelInfo();
 * assert(info.threads >= 1 && info.minWasmWork <= info.minParallelWork);
 * assert(info.blasLibrary !== null || info.blasNote !== "");
 * ```
 */
export function kernelInfo(): KernelInfo {
  const backend = currentBackend();
  const found = getBlas();
  const blas = backend === "auto" || backend === "blas" ? found : null;
  const engine = backend === "ts" ? null : getEngine();
  return {
    backend,
    active: blas ? "blas" : engine ? "wasm" : "ts",
    blasLibrary: found?.library ?? null,
    blasVendor: found?.vendor ?? null,
    blasNote: found ? "" : state.blas!.reason,
    variant: engine?.kernel.variant ?? null,
    threads: state.threads,
    workers: state.pool?.size ?? 0,
    workersReady: state.pool?.ready ?? 0,
    minBlasWork: state.minBlasWork,
    minWasmWork: state.minWasmWork,
    minParallelWork: state.minParallelWork,
  };
}

/**
 * Applies `options` and readies the backend: finds the BLAS and runs one product on it, or
 * compiles the WebAssembly kernel, starts its worker pool (when threads > 1) and waits until every
 * worker is warm. Call it before timing anything.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initKernels, shutdownKernels } from "./gemm.ts";
 * const info = await initKernels({ backend: "wasm", threads: 2 });
 * assert(info.variant === null || info.workersReady === 1);
 * await shutdownKernels();
 * ```
 */
export async function initKernels(options: KernelOptions = {}): Promise<KernelInfo> {
  configureKernels(options);
  const backend = currentBackend();
  const blas = backend === "auto" || backend === "blas" ? getBlas() : null;
  if (blas) {
    const a = new Float64Array(64 * 64).fill(1), out = new Float64Array(64 * 64);
    blas.product(a, a, out, 64, 64, 64); // wakes the library's own threads
    return kernelInfo();
  }
  const engine = getEngine();
  const pool = engine ? getPool(engine) : null;
  if (pool) await pool.whenReady();
  return kernelInfo();
}

/**
 * Stops the worker pool and frees the WebAssembly memory; the next product starts afresh (the
 * BLAS, once found, stays open). Not needed before exiting (the workers never keep the process
 * alive).
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
