/**
 * One product in WebAssembly memory: copy the operands in (one region per thread comes first:
 * packing workspace and warm-up scratch, then A, B and C), stage the job in the control block, run
 * it on the caller alone or with a worker pool (`pool.ts`), copy C out. The memory only grows (a
 * shared memory cannot shrink); `shutdownKernels()` drops it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WasmGemm } from "./engine.ts";
 * import { loadWasmKernel } from "./wasm.ts";
 * const kernel = loadWasmKernel();
 * if (kernel) {
 *   const out = new Float64Array(1);
 *   new WasmGemm(kernel, 1).product(new Float64Array([1, 2]), new Float64Array([3, 4]), out, 1, 2, 1);
 *   assert.equal(out[0], 11);
 * }
 * ```
 * @module
 */
import { type ChunkRunner, CTRL, packFlags, planChunks, runChunks } from "./schedule.ts";
import { MAX_PAGES, WARM_BYTES, warmUp, type WasmKernel } from "./wasm.ts";

/**
 * One kernel plus its memory layout: copies operands in, stages the job, runs it (alone or with
 * a pool), copies C out. Not re-entrant (the library is single-threaded on the caller's side).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WasmGemm } from "./engine.ts";
 * import { loadWasmKernel } from "./wasm.ts";
 * const kernel = loadWasmKernel();
 * if (kernel) {
 *   const engine = new WasmGemm(kernel, 1);
 *   const out = new Float64Array(4);
 *   // Aᵀ·B with A = [[1, 2]] (1×2 stored, so Aᵀ is 2×1) and B = [[3, 4]]
 *   engine.product(new Float64Array([1, 2]), new Float64Array([3, 4]), out, 2, 1, 2, true, false);
 *   assert.deepEqual(Array.from(out), [3, 4, 6, 8]);
 * }
 * ```
 */
export class WasmGemm {
  /** The compiled kernel and its memory. */
  readonly kernel: WasmKernel;
  /** Threads this layout has a region for (caller included). */
  readonly threads: number;
  /** Bytes per thread region (workspace + warm-up scratch). */
  readonly regionBytes: number;
  /** The control block shared with the workers. */
  readonly ctrl: Int32Array<SharedArrayBuffer>;

  /** A layout for up to `threads` threads (caller included). */
  constructor(kernel: WasmKernel, threads: number) {
    if (!Number.isInteger(threads) || threads < 1 || threads > CTRL.MAX_THREADS) {
      throw new RangeError(
        `WasmGemm: threads must be an integer in [1, ${CTRL.MAX_THREADS}], got ${threads}`,
      );
    }
    this.kernel = kernel;
    this.threads = threads;
    this.regionBytes = align64(kernel.workspaceBytes + WARM_BYTES);
    this.ctrl = new Int32Array(
      new SharedArrayBuffer((CTRL.SLOTS + CTRL.SLOT_SIZE * CTRL.MAX_THREADS) * 4),
    );
    this.#ensure(this.regionBytes * threads);
    warmUp(kernel.gemm, this.region(0), this.region(0) + kernel.workspaceBytes);
  }

  /**
   * Byte offset of thread t's region (its packing workspace comes first).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { WasmGemm } from "./engine.ts";
   * import { loadWasmKernel } from "./wasm.ts";
   * const kernel = loadWasmKernel(); // null where WebAssembly SIMD is missing
   * if (kernel) {
   *   const engine = new WasmGemm(kernel, 2);
   *   assert.deepEqual([engine.region(0), engine.region(1)], [0, engine.regionBytes]);
   * }
   * ```
   */
  region(t: number): number {
    return t * this.regionBytes;
  }

  /**
   * out (m×n) = op(A)·op(B) with op(A) m×k and op(B) k×n, where op transposes when the flag is
   * set (A stored k×m, B stored n×k). With a `runner`, `threads` threads share the work, else
   * the caller works alone. Needs m, n, k ≥ 1.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { WasmGemm } from "./engine.ts";
   * import { loadWasmKernel } from "./wasm.ts";
   * const kernel = loadWasmKernel();
   * if (kernel) {
   *   const out = new Float64Array(2); // (1×2)·(2×2) → 1×2
   *   const a = Float64Array.of(1, 2), b = Float64Array.of(3, 4, 5, 6);
   *   new WasmGemm(kernel, 1).product(a, b, out, 1, 2, 2);
   *   assert.deepEqual(Array.from(out), [13, 16]);
   * }
   * ```
   */
  product(
    a: Float64Array,
    b: Float64Array,
    out: Float64Array,
    m: number,
    k: number,
    n: number,
    transA = false,
    transB = false,
    runner?: ChunkRunner,
    threads = 1,
  ): void {
    const aLen = m * k, bLen = k * n, cLen = m * n;
    const sameAB = a === b && aLen === bLen;
    const { aOff, bOff, cOff, end } = this.#layout(m, k, n, sameAB);
    if (end > MAX_PAGES * 65536) {
      throw new RangeError(
        `gemm: (${m}×${k})·(${k}×${n}) needs ${end} bytes of WebAssembly memory, more than 2 GiB`,
      );
    }
    this.#ensure(end);
    const heap = new Float64Array(this.kernel.memory.buffer);
    const ctrl = this.ctrl;
    ctrl[CTRL.PARAMS] = aOff;
    ctrl[CTRL.PARAMS + 1] = transA ? 1 : k;
    ctrl[CTRL.PARAMS + 2] = transA ? m : 1;
    ctrl[CTRL.PARAMS + 3] = bOff;
    ctrl[CTRL.PARAMS + 4] = transB ? 1 : n;
    ctrl[CTRL.PARAMS + 5] = transB ? k : 1;
    ctrl[CTRL.PARAMS + 6] = cOff;
    ctrl[CTRL.PARAMS + 7] = n;
    ctrl[CTRL.PARAMS + 8] = k;
    ctrl[CTRL.PARAMS + 9] = packFlags(m, n, transA, transB);
    // Several chunks per thread balance the load when a core is busy elsewhere. When both
    // operands are packed, each chunk packs its own copy of the one along the uncut side: that
    // costs little only if the cut side is long (≥ 1024 per thread), else one chunk per thread.
    const flags = ctrl[CTRL.PARAMS + 9];
    const few = flags === 3 && Math.max(m, n) < 1024 * threads;
    const chunks = planChunks(m, n, runner ? (few ? threads : 4 * threads) : 1, flags);
    chunks.forEach((ch, t) => ctrl.set(ch, CTRL.CHUNKS + 4 * t));
    ctrl[CTRL.COUNT] = chunks.length;
    Atomics.store(ctrl, CTRL.NEXT, 0);
    // Pipelined copy-in: when every chunk is a band of whole rows of C and A is stored row-major,
    // chunk t reads only a contiguous band of A (and all of B), so the caller copies the bands in
    // one by one while the workers already compute on the first ones. (Measured: this pays for
    // the thin products of a linear classifier; splitting a transposed B likewise did not.)
    const bands = runner?.callsOwn === true && chunks.length > 1 && !sameAB && !transA &&
      chunks.every(([, , j0, j1]) => j0 === 0 && j1 === n);
    // With A stored transposed (k×m) every chunk reads all of it, but only its first rows for the
    // first terms of the sum over k: the job runs in two parts, k < k/4 then the rest, the second
    // continuing C's running sums (flag 4, so the result is the same to the bit), and the caller
    // copies the rest of A in while the workers start on the first part. (Measured: a quarter
    // beats a half, less idle time before the workers start.)
    const twoParts = runner?.callsOwn === true && chunks.length > 1 && !sameAB && transA &&
      k >= 64;
    if (twoParts) {
      const k1 = k >> 2;
      heap.set(a.subarray(0, k1 * m), aOff / 8);
      heap.set(b.subarray(0, bLen), bOff / 8);
      ctrl[CTRL.PARAMS + 8] = k1;
      Atomics.store(ctrl, CTRL.READY, chunks.length);
      runner.run(() => {
        heap.set(a.subarray(k1 * m, aLen), aOff / 8 + k1 * m);
        runChunks(this.kernel.gemm, ctrl, this.region(0));
      });
      ctrl[CTRL.PARAMS] = aOff + k1 * m * 8;
      ctrl[CTRL.PARAMS + 3] = bOff + k1 * (transB ? 1 : n) * 8;
      ctrl[CTRL.PARAMS + 8] = k - k1;
      ctrl[CTRL.PARAMS + 9] = flags | 4;
      Atomics.store(ctrl, CTRL.NEXT, 0);
      runner.run(() => void runChunks(this.kernel.gemm, ctrl, this.region(0)));
      out.set(heap.subarray(cOff / 8, cOff / 8 + cLen));
      return;
    }
    if (!bands) heap.set(a.subarray(0, aLen), aOff / 8);
    if (!sameAB) heap.set(b.subarray(0, bLen), bOff / 8);
    Atomics.store(ctrl, CTRL.READY, bands ? 0 : chunks.length);
    const own = () => {
      if (bands) {
        chunks.forEach(([i0, i1], t) => {
          heap.set(a.subarray(i0 * k, i1 * k), aOff / 8 + i0 * k);
          Atomics.store(ctrl, CTRL.READY, t + 1);
          Atomics.notify(ctrl, CTRL.READY);
        });
      }
      runChunks(this.kernel.gemm, ctrl, this.region(0));
    };
    if (runner && chunks.length > 1) runner.run(own);
    else own();
    out.set(heap.subarray(cOff / 8, cOff / 8 + cLen));
  }

  /**
   * Whether an m×k by k×n product fits in the memory's 2 GiB (else use the TypeScript loops).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { WasmGemm } from "./engine.ts";
   * import { loadWasmKernel } from "./wasm.ts";
   * const kernel = loadWasmKernel();
   * if (kernel) {
   *   const engine = new WasmGemm(kernel, 1);
   *   assert(engine.fits(500, 3073, 10)); // a CIFAR-10 batch's scores
   *   assert(!engine.fits(20000, 20000, 1)); // A alone is 3.2 GB: past the 2 GiB memory
   * }
   * ```
   */
  fits(m: number, k: number, n: number): boolean {
    return this.#layout(m, k, n, false).end <= MAX_PAGES * 65536;
  }

  /** Byte offsets of A, B and C after the thread regions, and the end of C (plus slack). */
  #layout(m: number, k: number, n: number, sameAB: boolean) {
    const aOff = this.regionBytes * this.threads;
    const bOff = sameAB ? aOff : align64(aOff + m * k * 8);
    const cOff = align64(bOff + k * n * 8);
    return { aOff, bOff, cOff, end: cOff + m * n * 8 + 64 }; // slack: in-place B edge reads
  }

  /** Grows the memory to at least `bytes` (with some slack, so growth is rare). */
  #ensure(bytes: number): void {
    const memory = this.kernel.memory;
    const have = memory.buffer.byteLength;
    if (bytes <= have) return;
    const want = Math.min(MAX_PAGES, Math.ceil((bytes * 1.25) / 65536));
    memory.grow(want - have / 65536);
  }
}

function align64(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}
