/**
 * A pool of worker threads that compute matrix products with the caller, synchronously.
 *
 * Each worker instantiates the same compiled kernel over the same shared WebAssembly.Memory, then
 * blocks in `Atomics.wait` until the caller posts a job. To run a job the caller bumps each
 * worker's sequence number, computes chunks itself, then `Atomics.wait`s until every worker it
 * woke has finished: the API stays synchronous (`matmul(a, b): Matrix`). Chunks are claimed with
 * `Atomics.add`, so a slow or late worker simply computes fewer of them.
 *
 * The workers are `node:worker_threads` workers started from source text (no file access, so no
 * `--allow-read` needed) and `unref()`ed: they never keep the process alive nor count as leaked
 * by `deno test`. Each runs a small warm-up product before it reports ready, so the kernel is
 * compiled by the optimizing tier before real work arrives.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WorkerPool } from "./pool.ts";
 * import { WasmGemm } from "./engine.ts";
 * import { loadWasmKernel } from "./wasm.ts";
 * const kernel = loadWasmKernel();
 * if (kernel) {
 *   const engine = new WasmGemm(kernel, 2);
 *   const pool = new WorkerPool(engine, 1);
 *   assert.equal(await pool.whenReady(), 1);
 *   const a = Float64Array.from({ length: 64 * 8 }, (_, i) => i % 7);
 *   const out = new Float64Array(64 * 64);
 *   engine.product(a, a, out, 64, 8, 64, false, true, pool, 2); // A·Aᵀ on 2 threads
 *   assert.equal(out[0], a.subarray(0, 8).reduce((s, x) => s + x * x, 0));
 *   await pool.shutdown();
 * }
 * ```
 * @module
 */
import { Worker } from "node:worker_threads";
import type { WasmGemm } from "./engine.ts";
import { CTRL, runChunks } from "./schedule.ts";
import { type GemmFn, warmUp } from "./wasm.ts";

/**
 * Everything a worker needs, sent once as `workerData`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { WorkerInit } from "./pool.ts";
 * const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
 * const module = new WebAssembly.Module(Uint8Array.of(0, 97, 115, 109, 1, 0, 0, 0));
 * const ctrl = new Int32Array(new SharedArrayBuffer(64));
 * const init: WorkerInit = { module, memory, ctrl, slot: 4, ws: 0, scratch: 4096 };
 * assert.equal(init.slot, 4);
 * ```
 */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctrl: Int32Array;
  /** This worker's slot offset in ctrl. */
  slot: number;
  /** Byte offset of this worker's region (workspace, then warm-up scratch). */
  ws: number;
  /** Byte offset of the warm-up scratch. */
  scratch: number;
}

// Slot fields (offsets inside a slot).
const SEQ = 0, DONE = 1, READY = 2, FAILED = 3;

/**
 * The body of a worker (serialized with `toString`, so self-contained). Warm up, say ready, then
 * loop: wait for a new sequence number, claim chunks, publish the number as done. A negative
 * sequence number means quit. Exported for tests, which run it on the calling thread.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WasmGemm } from "./engine.ts";
 * import { workerMain } from "./pool.ts";
 * import { CTRL, runChunks } from "./schedule.ts";
 * import { loadWasmKernel, warmUp } from "./wasm.ts";
 * const kernel = loadWasmKernel();
 * if (kernel) {
 *   const { module, memory, workspaceBytes } = kernel;
 *   const engine = new WasmGemm(kernel, 2), slot = CTRL.SLOTS + CTRL.SLOT_SIZE;
 *   engine.ctrl[slot] = -1; // quit at once
 *   const ws = engine.region(1), init = { module, memory, ctrl: engine.ctrl, slot, ws };
 *   workerMain({ ...init, scratch: ws + workspaceBytes }, runChunks, warmUp);
 *   assert.equal(engine.ctrl[slot + 2], 1); // it got ready before quitting
 * }
 * ```
 */
export function workerMain(init: WorkerInit, run: typeof runChunks, warm: typeof warmUp): void {
  const { module, memory, ctrl, slot, ws, scratch } = init;
  let gemm: GemmFn;
  try {
    gemm = new WebAssembly.Instance(module, { env: { memory } }).exports.gemm as GemmFn;
    warm(gemm, ws, scratch);
  } catch {
    Atomics.store(ctrl, slot + 2, -1); // READY: dead, never used
    return;
  }
  Atomics.store(ctrl, slot + 2, 1); // READY
  Atomics.notify(ctrl, slot + 2);
  let seen = 0;
  for (;;) {
    // Spin a little before sleeping: products often come in quick succession (a forward and a
    // backward pass), and waking from Atomics.wait costs tens of microseconds.
    for (let s = 0; s < 20000 && Atomics.load(ctrl, slot) === seen; s++);
    Atomics.wait(ctrl, slot, seen); // SEQ
    const seq = Atomics.load(ctrl, slot);
    if (seq < 0) break;
    if (seq === seen) continue;
    seen = seq;
    try {
      run(gemm, ctrl, ws);
    } catch {
      Atomics.store(ctrl, slot + 3, 1); // FAILED
    }
    Atomics.store(ctrl, slot + 1, seq); // DONE
    Atomics.notify(ctrl, slot + 1);
  }
}

const WORKER_SOURCE = `"use strict";
const runChunks = ${runChunks.toString()};
const warmUp = ${warmUp.toString()};
(${workerMain.toString()})(require("node:worker_threads").workerData, runChunks, warmUp);
`;

/**
 * Workers 1 … size of an engine's layout (thread 0 is the caller).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WorkerPool } from "./pool.ts";
 * import { WasmGemm } from "./engine.ts";
 * import { loadWasmKernel } from "./wasm.ts";
 * const kernel = loadWasmKernel();
 * if (kernel) {
 *   const pool = new WorkerPool(new WasmGemm(kernel, 2), 1);
 *   assert.equal(pool.size, 1);
 *   await pool.shutdown();
 *   assert.equal(pool.ready, 0);
 * }
 * ```
 */
export class WorkerPool {
  /** Number of workers started. */
  readonly size: number;
  /** `run` always calls the caller's share (so the engine may copy operands in there). */
  readonly callsOwn = true;
  readonly #ctrl: Int32Array<SharedArrayBuffer>;
  readonly #workers: Worker[] = [];
  #seq = 0;
  #closed = false;

  /** Starts `size` workers for `engine` (which must have a region for each: size < threads). */
  constructor(engine: WasmGemm, size: number) {
    if (!Number.isInteger(size) || size < 1 || size >= engine.threads) {
      throw new RangeError(
        `WorkerPool: size must be an integer in [1, ${engine.threads - 1}] for an engine of ` +
          `${engine.threads} threads, got ${size}`,
      );
    }
    // The caller blocks in Atomics.wait while workers finish: allowed on Deno's main thread, not
    // on a browser's (where this throws and the library stays on one thread).
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    this.size = size;
    this.#ctrl = engine.ctrl;
    const { module, memory } = engine.kernel;
    for (let w = 1; w <= size; w++) {
      const slot = CTRL.SLOTS + w * CTRL.SLOT_SIZE;
      this.#ctrl.fill(0, slot, slot + CTRL.SLOT_SIZE);
      const ws = engine.region(w);
      const init: WorkerInit = {
        module,
        memory,
        ctrl: this.#ctrl,
        slot,
        ws,
        scratch: ws + engine.kernel.workspaceBytes,
      };
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: init });
      worker.unref();
      // A worker that dies before it is ready is marked so (−1) and never used.
      const dead = () => void Atomics.compareExchange(this.#ctrl, slot + READY, 0, -1);
      worker.on("error", dead);
      worker.on("exit", dead);
      this.#workers.push(worker);
    }
  }

  /**
   * How many workers are warm and waiting (they are used in slot order).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { WorkerPool } from "./pool.ts";
   * import { WasmGemm } from "./engine.ts";
   * import { loadWasmKernel } from "./wasm.ts";
   * const kernel = loadWasmKernel();
   * if (kernel) {
   *   const pool = new WorkerPool(new WasmGemm(kernel, 3), 2);
   *   assert.equal(await pool.whenReady(), pool.ready); // 2 once both workers are warm
   *   await pool.shutdown();
   *   assert.equal(pool.ready, 0);
   * }
   * ```
   */
  get ready(): number {
    if (this.#closed) return 0;
    let n = 0;
    while (n < this.size && Atomics.load(this.#ctrl, this.#slot(n + 1) + READY) === 1) n++;
    return n;
  }

  /**
   * Resolves with the number of ready workers once every worker is ready (or has died), or after
   * `timeoutMs`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { WorkerPool } from "./pool.ts";
   * import { WasmGemm } from "./engine.ts";
   * import { loadWasmKernel } from "./wasm.ts";
   * const kernel = loadWasmKernel();
   * if (kernel) {
   *   const pool = new WorkerPool(new WasmGemm(kernel, 2), 1);
   *   assert.equal(await pool.whenReady(10_000), 1);
   *   await pool.shutdown();
   * }
   * ```
   */
  async whenReady(timeoutMs = 10_000): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    const pending = () => {
      for (let w = 1; w <= this.size; w++) {
        if (Atomics.load(this.#ctrl, this.#slot(w) + READY) === 0) return true;
      }
      return false;
    };
    while (!this.#closed && pending() && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return this.ready;
  }

  /**
   * Wakes the ready workers on the job staged in the control block, runs `own` (the caller's
   * share) meanwhile, and returns once every woken worker has finished.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { WorkerPool } from "./pool.ts";
   * import { WasmGemm } from "./engine.ts";
   * import { loadWasmKernel } from "./wasm.ts";
   * const kernel = loadWasmKernel();
   * if (kernel) {
   *   const engine = new WasmGemm(kernel, 2), pool = new WorkerPool(engine, 1);
   *   await pool.whenReady();
   *   const a = Float64Array.from({ length: 64 * 64 }, (_, i) => i % 7);
   *   const out = new Float64Array(64 * 64);
   *   engine.product(a, a, out, 64, 64, 64, false, false, pool, 2); // 2 threads: pool + caller
   *   assert.equal(out[0], a.slice(0, 64).reduce((s, x, k) => s + x * a[k * 64], 0));
   *   await pool.shutdown();
   * }
   * ```
   */
  run(own: () => void): void {
    const ctrl = this.#ctrl;
    const woken = this.ready;
    const seq = ++this.#seq;
    for (let w = 1; w <= woken; w++) {
      const slot = this.#slot(w);
      Atomics.store(ctrl, slot + SEQ, seq);
      Atomics.notify(ctrl, slot + SEQ);
    }
    own();
    let failed = false;
    for (let w = 1; w <= woken; w++) {
      const slot = this.#slot(w);
      for (
        let d = Atomics.load(ctrl, slot + DONE), spin = 0;
        d !== seq;
        d = Atomics.load(ctrl, slot + DONE)
      ) {
        if (spin++ < 20000) continue; // the worker is usually about to finish: spin, then sleep
        Atomics.wait(ctrl, slot + DONE, d);
      }
      if (Atomics.exchange(ctrl, slot + FAILED, 0) !== 0) failed = true;
    }
    if (failed) throw new Error("gemm: a kernel worker failed on its chunk");
  }

  /**
   * Asks every worker to quit and waits for them to exit.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { WorkerPool } from "./pool.ts";
   * import { WasmGemm } from "./engine.ts";
   * import { loadWasmKernel } from "./wasm.ts";
   * const kernel = loadWasmKernel();
   * if (kernel) {
   *   const pool = new WorkerPool(new WasmGemm(kernel, 2), 1);
   *   await pool.shutdown(); // the workers exit; calling it again does nothing
   *   await pool.shutdown();
   *   assert.equal(pool.ready, 0);
   * }
   * ```
   */
  async shutdown(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (let w = 1; w <= this.size; w++) {
      Atomics.store(this.#ctrl, this.#slot(w) + SEQ, -1);
      Atomics.notify(this.#ctrl, this.#slot(w) + SEQ);
    }
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }

  #slot(w: number): number {
    return CTRL.SLOTS + w * CTRL.SLOT_SIZE;
  }
}
