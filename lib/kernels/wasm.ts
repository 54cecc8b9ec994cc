/**
 * Loading the WebAssembly kernel: the two builds of `gemm.wat` embedded by `tools/build_wasm.ts`
 * (relaxed SIMD preferred, plain SIMD otherwise), compiled and instantiated over one shared
 * `WebAssembly.Memory` that the calling thread and the workers all compute in.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadWasmKernel } from "./wasm.ts";
 * const kernel = loadWasmKernel(); // null only without WebAssembly SIMD or SharedArrayBuffer
 * assert(kernel === null || kernel.memory.buffer instanceof SharedArrayBuffer);
 * ```
 * @module
 */
import { GEMM_WASM_RELAXED, GEMM_WASM_SIMD } from "./gemm_wasm.ts";

/**
 * Which build of the kernel runs: fused multiply-add (relaxed SIMD) or multiply-then-add.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadWasmKernel, type WasmVariant } from "./wasm.ts";
 * const variant: WasmVariant | undefined = loadWasmKernel()?.variant;
 * assert(variant === undefined || ["relaxed-simd", "simd"].includes(variant));
 * ```
 */
export type WasmVariant = "relaxed-simd" | "simd";

/**
 * The kernel's entry point (see gemm.wat): byte pointers, element strides and ranges.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type GemmFn, loadWasmKernel } from "./wasm.ts";
 * const gemm: GemmFn | undefined = loadWasmKernel()?.gemm;
 * assert(gemm === undefined || gemm.length === 15);
 * ```
 */
export type GemmFn = (
  a: number,
  rsA: number,
  csA: number,
  b: number,
  rsB: number,
  csB: number,
  c: number,
  ldc: number,
  k: number,
  i0: number,
  i1: number,
  j0: number,
  j1: number,
  ws: number,
  flags: number,
) => void;

/**
 * A compiled and instantiated kernel over its own shared memory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadWasmKernel, type WasmKernel } from "./wasm.ts";
 * const kernel: WasmKernel | null = loadWasmKernel();
 * assert(kernel === null || kernel.workspaceBytes > 0);
 * ```
 */
export interface WasmKernel {
  /** Which build validated on this engine. */
  readonly variant: WasmVariant;
  /** The compiled module (workers instantiate it again over the same memory). */
  readonly module: WebAssembly.Module;
  /** The shared memory all threads compute in. */
  readonly memory: WebAssembly.Memory;
  /** The blocked product over a rectangle of C. */
  readonly gemm: GemmFn;
  /** Bytes of packing scratch one thread needs. */
  readonly workspaceBytes: number;
}

/**
 * Rows of the micro-kernel tile (gemm.wat): chunk boundaries along rows are multiples of it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MR, NR } from "./wasm.ts";
 * assert.equal(MR * NR, 24); // the 6×4 register tile
 * ```
 */
export const MR = 6;
/**
 * Columns of the micro-kernel tile: chunk boundaries along columns are multiples of it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NR } from "./wasm.ts";
 * assert.equal(NR % 2, 0); // whole f64x2 vectors
 * ```
 */
export const NR = 4;
/**
 * The memory's maximum, in 64 KiB pages: 2 GiB keeps every byte offset a positive i32.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MAX_PAGES } from "./wasm.ts";
 * assert.equal(MAX_PAGES * 65536, 2 ** 31);
 * ```
 */
export const MAX_PAGES = 32768;
/**
 * Scratch after each thread's workspace for the warm-up product (3 matrices of 48×48).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WARM_BYTES } from "./wasm.ts";
 * assert.equal(WARM_BYTES, 3 * 48 * 48 * 8);
 * ```
 */
export const WARM_BYTES = 3 * 48 * 48 * 8;

/**
 * Decodes base64 text to bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeBase64 } from "./wasm.ts";
 * assert.deepEqual(decodeBase64("AGFzbQ=="), new Uint8Array([0, 97, 115, 109]));
 * ```
 */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * Compiles and instantiates the kernel: the relaxed-SIMD build if this engine validates it, else
 * the plain-SIMD one; `null` when neither validates or shared memory is unavailable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadWasmKernel } from "./wasm.ts";
 * const kernel = loadWasmKernel("simd");
 * assert(kernel === null || kernel.variant === "simd");
 * ```
 */
export function loadWasmKernel(variant: WasmVariant | "auto" = "auto"): WasmKernel | null {
  if (typeof WebAssembly !== "object" || typeof SharedArrayBuffer !== "function") return null;
  const order: WasmVariant[] = variant === "auto" ? ["relaxed-simd", "simd"] : [variant];
  for (const v of order) {
    const bytes = decodeBase64(v === "relaxed-simd" ? GEMM_WASM_RELAXED : GEMM_WASM_SIMD);
    if (!WebAssembly.validate(bytes)) continue;
    try {
      const module = new WebAssembly.Module(bytes);
      const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
      const { exports } = new WebAssembly.Instance(module, { env: { memory } });
      const workspaceBytes = (exports.workspace_bytes as () => number)();
      return { variant: v, module, memory, gemm: exports.gemm as GemmFn, workspaceBytes };
    } catch {
      // e.g. shared memory refused: try the next build, then give up
    }
  }
  return null;
}

/**
 * Runs small 48×48·48×48 products (packed and in place) in a thread's region so the engine's
 * optimizing tier compiles the kernel before real work arrives (WebAssembly starts in a baseline
 * tier, and a long call already running never switches tiers). Workers call it too, from source
 * text, so it must be self-contained.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { warmUp } from "./wasm.ts";
 * let calls = 0;
 * warmUp(() => calls++, 0, 4096);
 * assert.equal(calls, 40);
 * ```
 */
export function warmUp(gemm: GemmFn, ws: number, scratch: number): void {
  const a = scratch, b = scratch + 48 * 48 * 8, c = scratch + 2 * 48 * 48 * 8;
  for (let i = 0; i < 40; i++) gemm(a, 48, 1, b, 48, 1, c, 48, 48, 0, 48, 0, 48, ws, i & 3);
}
