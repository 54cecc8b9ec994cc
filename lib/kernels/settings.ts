/**
 * The kernel dispatcher's settings: which backend runs the products (`CS231N_BACKEND` or
 * `configureKernels({ backend })`), the thread count and the size thresholds, their checks, and
 * what `kernelInfo()` reports.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkKernelOptions } from "./settings.ts";
 * assert.throws(() => checkKernelOptions({ backend: "gpu" as "ts" }), /backend must be/);
 * ```
 * @module
 */
import { readEnv } from "./blas.ts";
import type { WasmVariant } from "./wasm.ts";

/**
 * Which kernels may run: `auto` picks the system BLAS when one is found (TypeScript for tiny
 * products), else WebAssembly by size; `blas`, `wasm` or `ts` forces one for every product.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { configureKernels, type KernelBackend } from "./gemm.ts";
 * const backend: KernelBackend = configureKernels().backend;
 * assert(["auto", "blas", "wasm", "ts"].includes(backend));
 * ```
 */
export type KernelBackend = "auto" | "blas" | "wasm" | "ts";

/** The accepted backends, in the order error messages list them. */
const BACKENDS: readonly KernelBackend[] = ["auto", "blas", "wasm", "ts"];

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
  /** `auto` (default, or the `CS231N_BACKEND` environment variable), or one backend for all. */
  backend?: KernelBackend;
  /** Which WebAssembly build: `auto` (default) prefers relaxed SIMD when the engine has it. */
  variant?: WasmVariant | "auto";
  /**
   * Threads per product, the caller included (default: the number of CPU cores). The BLAS gets
   * it once it is set here; until then it keeps its own default (e.g. `OPENBLAS_NUM_THREADS`).
   */
  threads?: number;
  /**
   * A CBLAS library to use from now on instead of the one found (a path or a name the loader
   * searches for, like `BLAS_LIB`), e.g. the OpenBLAS inside numpy's wheel to compare like with
   * like; an error names it when it cannot be opened. null keeps the current one (so that
   * `configureKernels(kernelInfo())` restores a state).
   */
  blasLibrary?: string | null;
  /** m·k·n below which the TypeScript kernel runs instead of BLAS (backend `auto`). */
  minBlasWork?: number;
  /** m·k·n below which the TypeScript kernel runs instead of WebAssembly (backend `auto`). */
  minWasmWork?: number;
  /** m·k·n below which no WebAssembly worker is woken. */
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
 * const usesBlas = info.blasLibrary !== null && ["auto", "blas"].includes(info.backend);
 * assert.equal(info.active === "blas", usesBlas);
 * ```
 */
export interface KernelInfo {
  /** The configured backend. */
  backend: KernelBackend;
  /** Where products above the thresholds run now: the system BLAS, WebAssembly or TypeScript. */
  active: "blas" | "wasm" | "ts";
  /** The CBLAS library found (the name or path opened; used unless backend is wasm or ts). */
  blasLibrary: string | null;
  /** What that library says it is, e.g. "OpenBLAS 0.3.21 … Zen"; null without one. */
  blasVendor: string | null;
  /** Why no BLAS was found, e.g. "no FFI permission (run with --allow-ffi)"; "" when one was. */
  blasNote: string;
  /** The WebAssembly build in use; null with backend "ts" or without WebAssembly SIMD. */
  variant: WasmVariant | null;
  /** Threads per large product, the caller included. */
  threads: number;
  /** WebAssembly workers started (threads − 1 once the pool runs, else 0). */
  workers: number;
  /** Workers warm and in use. */
  workersReady: number;
  /** m·k·n below which the TypeScript kernel runs instead of BLAS. */
  minBlasWork: number;
  /** m·k·n below which the TypeScript kernel runs instead of WebAssembly. */
  minWasmWork: number;
  /** m·k·n below which no worker is woken. */
  minParallelWork: number;
}

/**
 * The default thresholds, measured on a 2-core x86-64 (tools/bench.ts, section "thresholds").
 * WebAssembly beats the TypeScript loops from about 16³, except for a row vector times a matrix
 * and an outer product (copying into WebAssembly memory costs as much as the product); waking a
 * worker pays from about 100³. A call into OpenBLAS through FFI costs about a microsecond, so
 * the TypeScript loops win only on the tiniest products: the crossover moved between 7³ and 12³
 * from run to run (8³: 2.2 µs in TypeScript, 3.4 µs in OpenBLAS in one run, 1.3 and 1.1 µs in
 * another; 12³: 4.4 and 3.8 µs), so 10³; rows times matrices and outer products included.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { KERNEL_DEFAULTS } from "./settings.ts";
 * assert(KERNEL_DEFAULTS.minBlasWork < KERNEL_DEFAULTS.minWasmWork);
 * ```
 */
export const KERNEL_DEFAULTS = {
  minBlasWork: 10 ** 3,
  minWasmWork: 16 ** 3,
  minParallelWork: 100 ** 3,
} as const;

/**
 * Throws a RangeError naming the first bad setting.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkKernelOptions } from "./settings.ts";
 * checkKernelOptions({ backend: "blas", threads: 2 }); // fine
 * assert.throws(() => checkKernelOptions({ threads: 0 }), /threads must be an integer in/);
 * ```
 */
export function checkKernelOptions(options: KernelOptions): void {
  const { backend, variant, threads } = options;
  if (backend !== undefined && !BACKENDS.includes(backend)) {
    throw new RangeError(
      `configureKernels: backend must be "auto", "blas", "wasm" or "ts", got ${backend}`,
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
  const { blasLibrary } = options;
  if (blasLibrary != null && (typeof blasLibrary !== "string" || blasLibrary === "")) {
    throw new RangeError(
      `configureKernels: blasLibrary must be a library path or name, got ${String(blasLibrary)}`,
    );
  }
  for (const name of ["minBlasWork", "minWasmWork", "minParallelWork"] as const) {
    const v = options[name];
    if (v !== undefined && !(typeof v === "number" && v >= 0)) {
      throw new RangeError(`configureKernels: ${name} must be a number ≥ 0, got ${v}`);
    }
  }
}

/**
 * The backend asked for by the `CS231N_BACKEND` environment variable (read only when
 * `--allow-env` grants it; never prompts), or undefined. A value that is not a backend throws,
 * naming the variable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { backendFromEnv } from "./settings.ts";
 * assert.equal(backendFromEnv(() => "wasm"), "wasm");
 * assert.equal(backendFromEnv(() => undefined), undefined);
 * assert.throws(() => backendFromEnv(() => "gpu"), /CS231N_BACKEND=gpu: must be one of auto/);
 * ```
 */
export function backendFromEnv(
  read: (name: string) => string | undefined = readEnv,
): KernelBackend | undefined {
  const value = read("CS231N_BACKEND")?.trim().toLowerCase();
  if (value === undefined || value === "") return undefined;
  if (!BACKENDS.includes(value as KernelBackend)) {
    throw new RangeError(
      `CS231N_BACKEND=${value}: must be one of ${BACKENDS.join(", ")} (or unset for auto)`,
    );
  }
  return value as KernelBackend;
}

/**
 * One line naming what computes the products, for charts and logs: the BLAS library (and what it
 * says it is), or the WebAssembly build and its threads, or the TypeScript loops.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeKernels, kernelInfo } from "./gemm.ts";
 * assert.match(describeKernels(kernelInfo()), /^(system BLAS|WebAssembly|TypeScript)/);
 * ```
 */
export function describeKernels(info: KernelInfo): string {
  if (info.active === "blas") {
    const vendor = info.blasVendor?.split(" ").slice(0, 2).join(" ");
    return `system BLAS through FFI: ${vendor} (${info.blasLibrary})`;
  }
  if (info.active === "wasm") {
    const threads = `${info.threads} thread${info.threads === 1 ? "" : "s"}`;
    const why = info.backend === "auto" && info.blasNote ? `; no BLAS: ${info.blasNote}` : "";
    return `WebAssembly ${info.variant ?? "SIMD"}, ${threads}${why}`;
  }
  return "TypeScript loops (lib/kernels/reference.ts)";
}
