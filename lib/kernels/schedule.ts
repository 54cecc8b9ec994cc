/**
 * How a product is shared between threads: the control block (an Int32Array over a
 * SharedArrayBuffer) holding the job and its chunks, the chunk cut, the packing choice, and the
 * loop every thread runs to claim chunks with `Atomics.add`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planChunks } from "./schedule.ts";
 * const chunks = planChunks(600, 600, 4);
 * assert.equal(chunks.length, 4);
 * assert.equal(chunks.reduce((s, [i0, i1, j0, j1]) => s + (i1 - i0) * (j1 - j0), 0), 600 * 600);
 * ```
 * @module
 */
import { type GemmFn, MR, NR } from "./wasm.ts";

/**
 * Control block shared with the workers (an Int32Array over a SharedArrayBuffer): the chunk
 * counter, the job, the chunk list, then one slot per thread. Offsets are in Int32 elements.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CTRL } from "./schedule.ts";
 * assert.equal(CTRL.SLOTS, CTRL.CHUNKS + 4 * CTRL.MAX_CHUNKS); // slots follow the chunk list
 * ```
 */
export const CTRL = {
  /** Next chunk to claim (Atomics.add). */
  NEXT: 0,
  /** Number of chunks in the job. */
  COUNT: 1,
  /** 10 ints: a, rsA, csA, b, rsB, csB, c, ldc, k, flags (1: pack A, 2: pack B). */
  PARAMS: 2,
  /** Chunks whose operands are in place: chunk t waits until this is above t (Atomics.wait). */
  READY: 12,
  /** 4 ints per chunk: i0, i1, j0, j1. */
  CHUNKS: 16,
  /** Most chunks one job may have. */
  MAX_CHUNKS: 64,
  /** First thread slot; slot t is at SLOTS + t·SLOT_SIZE. */
  SLOTS: 16 + 4 * 64,
  /** Ints per slot: job sequence number, last finished job, ready flag, error flag. */
  SLOT_SIZE: 4,
  /** Most threads (caller + workers). */
  MAX_THREADS: 64,
} as const;

/**
 * Claims chunks of the job in `ctrl` until none is left and computes each with `gemm`, once its
 * operands are in place (`CTRL.READY`: the caller may still be copying them in); returns how many
 * it computed. Runs on the calling thread and, as source text, inside every worker, so
 * it must not use anything outside its own body (hence the literal offsets, those of CTRL).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CTRL, runChunks } from "./schedule.ts";
 * const ctrl = new Int32Array(CTRL.SLOTS);
 * ctrl[CTRL.COUNT] = 3;
 * ctrl[CTRL.READY] = 3; // all three chunks' operands in place
 * const seen: number[] = [];
 * assert.equal(runChunks((...args) => seen.push(args[9]), ctrl, 0), 3);
 * assert.equal(runChunks(() => {}, ctrl, 0), 0); // all claimed
 * ```
 */
export function runChunks(gemm: GemmFn, ctrl: Int32Array, ws: number): number {
  const count = ctrl[1]; // CTRL.COUNT
  let done = 0;
  for (let t = Atomics.add(ctrl, 0, 1); t < count; t = Atomics.add(ctrl, 0, 1)) {
    for (let r = Atomics.load(ctrl, 12); r <= t; r = Atomics.load(ctrl, 12)) {
      Atomics.wait(ctrl, 12, r); // CTRL.READY: the caller is still copying this chunk's operands
    }
    const q = 16 + 4 * t; // CTRL.CHUNKS
    gemm(
      ctrl[2],
      ctrl[3],
      ctrl[4],
      ctrl[5],
      ctrl[6],
      ctrl[7],
      ctrl[8],
      ctrl[9],
      ctrl[10],
      ctrl[q],
      ctrl[q + 1],
      ctrl[q + 2],
      ctrl[q + 3],
      ws,
      ctrl[11],
    );
    done++;
  }
  return done;
}

/**
 * Cuts the m×n output into at most `parts` rectangles [i0, i1, j0, j1], with boundaries on
 * multiples of MR rows or NR columns. Each chunk packs its own copy of what it packs, so the cut
 * goes along the side that duplicates no packing: columns when only B is packed (`flags` 2), rows
 * when only A is (1), else the longer side in micro-tiles. The result of the product does not
 * depend on this cut: every entry is one running sum over k either way.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planChunks } from "./schedule.ts";
 * assert.deepEqual(planChunks(12, 4, 2), [[0, 6, 0, 4], [6, 12, 0, 4]]);
 * assert.deepEqual(planChunks(12, 16, 2, 2), [[0, 12, 0, 8], [0, 12, 8, 16]]); // B packed
 * assert.deepEqual(planChunks(3, 100, 1), [[0, 3, 0, 100]]);
 * ```
 */
export function planChunks(
  m: number,
  n: number,
  parts: number,
  flags = 0,
): [number, number, number, number][] {
  const rowTiles = Math.ceil(m / MR), colTiles = Math.ceil(n / NR);
  let byRows: boolean;
  if (flags === 2) byRows = colTiles < parts; // only B packed: columns, unless too few
  else if (flags === 1) byRows = rowTiles >= parts; // only A packed: rows, unless too few
  else byRows = rowTiles >= colTiles;
  const tiles = byRows ? rowTiles : colTiles;
  const count = Math.max(1, Math.min(parts, tiles, CTRL.MAX_CHUNKS));
  const out: [number, number, number, number][] = [];
  for (let t = 0; t < count; t++) {
    const lo = Math.floor((t * tiles) / count), hi = Math.floor(((t + 1) * tiles) / count);
    if (byRows) out.push([lo * MR, Math.min(hi * MR, m), 0, n]);
    else out.push([0, m, lo * NR, Math.min(hi * NR, n)]);
  }
  return out;
}

/**
 * Which operands the kernel packs (bit 0: A, bit 1: B). Packing copies a block into the layout
 * the micro-kernel streams best; it pays when the block is reused and reading in place is slow.
 * Measured: A stored row-major reads as fast in place as packed, so only a transposed A (each k
 * step a stride of m values) is packed, and only for C at least PACK_A_MIN_N wide (it is reused
 * across the n/4 column panels). B is packed when transposed (its columns are not contiguous
 * then), or when C is at least PACK_B_MIN_M tall and PACK_B_MIN_N wide: rows of B that long put
 * each k step on a new memory page, while a narrower B (the D×10 weights of a linear classifier,
 * a D×100 hidden layer) streams well in place and would be repacked by every row chunk.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { packFlags } from "./schedule.ts";
 * assert.equal(packFlags(1024, 1024, true, false), 3);
 * assert.equal(packFlags(1024, 1024, false, false), 2); // row-major A: read in place
 * assert.equal(packFlags(3073, 10, true, false), 0); // narrow C: Aᵀ and B read in place
 * assert.equal(packFlags(1, 1024, false, true), 2); // Bᵀ always packed
 * assert.equal(packFlags(200, 100, false, false), 0); // B with short rows: read in place
 * ```
 */
export function packFlags(m: number, n: number, transA: boolean, transB: boolean): number {
  const packA = transA && n >= PACK_A_MIN_N;
  return (packA ? 1 : 0) | (transB || (m >= PACK_B_MIN_M && n >= PACK_B_MIN_N) ? 2 : 0);
}

/**
 * Narrowest C (columns) for which a transposed A is packed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PACK_A_MIN_N, packFlags } from "./schedule.ts";
 * assert.equal(packFlags(100, PACK_A_MIN_N, true, false) & 1, 1);
 * ```
 */
export const PACK_A_MIN_N = 16;

/**
 * Shortest C (rows) for which B is packed (unless transposed: then always).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PACK_B_MIN_M, packFlags } from "./schedule.ts";
 * assert.equal(packFlags(PACK_B_MIN_M - 1, 100, false, false) & 2, 0);
 * ```
 */
export const PACK_B_MIN_M = 12;

/**
 * Narrowest C (columns) for which B is packed (unless transposed: then always).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PACK_B_MIN_N, packFlags } from "./schedule.ts";
 * assert.equal(packFlags(1000, PACK_B_MIN_N - 1, false, false), 0);
 * assert.equal(packFlags(1000, PACK_B_MIN_N, false, false), 2);
 * ```
 */
export const PACK_B_MIN_N = 384;

/**
 * Something that can run the current job on several threads (the worker pool).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ChunkRunner } from "./schedule.ts";
 * let ran = false;
 * const alone: ChunkRunner = { run: (own) => own() };
 * alone.run(() => (ran = true));
 * assert(ran);
 * ```
 */
export interface ChunkRunner {
  /** Runs the job staged in the control block, the caller computing its share with `own`. */
  run(own: () => void): void;
  /**
   * Whether `run` always calls `own` (the worker pool does): then `own` may also copy operands in
   * while the other threads start (see `CTRL.READY`). Without it the operands are copied first.
   */
  readonly callsOwn?: boolean;
}
