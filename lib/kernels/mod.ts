/**
 * Matrix-product kernels: the dispatcher every `matmul` goes through (the system BLAS through
 * FFI when one is found, else WebAssembly SIMD with a worker pool for large products; TypeScript
 * for small shapes), its settings, and the readable TypeScript reference loops. Import it as
 * `"lib/kernels"`; `Matrix` and `matmul` use it without being told.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gemm, gemmReference, kernelInfo } from "./mod.ts";
 * const a = Float64Array.from({ length: 64 * 64 }, (_, i) => (i % 13) - 6);
 * const fast = new Float64Array(64 * 64), slow = new Float64Array(64 * 64);
 * gemm(a, a, fast, 64, 64, 64);
 * gemmReference(a, a, slow, 64, 64, 64);
 * assert.deepEqual(fast, slow); // small integers: exact on every path
 * assert(["blas", "wasm", "ts"].includes(kernelInfo().active));
 * ```
 * @module
 */
export {
  configureKernels,
  describeKernels,
  gemm,
  gemmTA,
  gemmTB,
  initKernels,
  type KernelBackend,
  type KernelInfo,
  kernelInfo,
  type KernelOptions,
  shutdownKernels,
} from "./gemm.ts";
export { gemmReference, gemmTAReference, gemmTBReference } from "./reference.ts";
export type { WasmVariant } from "./wasm.ts";
