import assert from "node:assert/strict";
import {
  configureKernels,
  gemm,
  gemmTA,
  gemmTB,
  initKernels,
  type KernelInfo,
  kernelInfo,
  shutdownKernels,
} from "../lib/kernels/gemm.ts";
import { gemmReference, gemmTAReference, gemmTBReference } from "../lib/kernels/reference.ts";
import { WasmGemm } from "../lib/kernels/engine.ts";
import { CTRL, planChunks, runChunks } from "../lib/kernels/schedule.ts";
import { loadWasmKernel, MR, NR, warmUp, type WasmVariant } from "../lib/kernels/wasm.ts";
import { workerMain, WorkerPool } from "../lib/kernels/pool.ts";
import { matmul, matmulTA, matmulTB, Matrix } from "../lib/matrix.ts";
import { renderModule, toPlainSimd, WAT_PATH } from "../tools/build_wasm.ts";

type Kernel = typeof gemm;
const OPS: [string, Kernel, Kernel][] = [
  ["gemm", gemm, gemmReference],
  ["gemmTA", gemmTA, gemmTAReference],
  ["gemmTB", gemmTB, gemmTBReference],
];

/** Shapes [m, k, n]: vectors, non-square, sizes off the 6×4 tile, k = 1, across KC = 256. */
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [1, 37, 29],
  [29, 37, 1],
  [1, 300, 1],
  [6, 5, 4],
  [7, 3, 5],
  [5, 9, 3],
  [13, 1, 17],
  [64, 64, 64],
  [97, 259, 45],
  [40, 513, 130],
  [150, 20, 7],
];

function randomData(length: number, seed: number): Float64Array {
  return Matrix.randn(1, length, seed).data;
}

/** max |x − y| / max |y|: the norm-wise relative difference. */
function relDiff(x: Float64Array, y: Float64Array): number {
  let d = 0, scale = 0;
  for (let i = 0; i < y.length; i++) {
    d = Math.max(d, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  return scale === 0 ? d : d / scale;
}

function withSettings(settings: Parameters<typeof configureKernels>[0], fn: () => void) {
  const before: KernelInfo = kernelInfo();
  configureKernels(settings);
  try {
    fn();
  } finally {
    configureKernels({
      backend: before.backend,
      threads: before.threads,
      minBlasWork: before.minBlasWork,
      minWasmWork: before.minWasmWork,
      minParallelWork: before.minParallelWork,
    });
  }
}

const kernel = loadWasmKernel();

Deno.test("the engine has WebAssembly SIMD here, relaxed FMA preferred", () => {
  assert.ok(kernel, "WebAssembly SIMD with shared memory should load in Deno");
  assert.equal(kernel.variant, "relaxed-simd");
  assert.equal(loadWasmKernel("simd")?.variant, "simd");
  assert.ok(kernel.workspaceBytes >= (256 * 2048 + 256 * 96) * 8);
});

for (const variant of ["relaxed-simd", "simd"] as WasmVariant[]) {
  Deno.test(`${variant}: all three products equal the TypeScript reference to 1e-12`, () => {
    const engine = new WasmGemm(loadWasmKernel(variant)!, 1);
    SHAPES.forEach(([m, k, n], s) => {
      const a = randomData(m * k, 2 * s), b = randomData(k * n, 2 * s + 1);
      OPS.forEach(([name, , reference], o) => {
        const expected = new Float64Array(m * n), actual = new Float64Array(m * n).fill(NaN);
        reference(a, b, expected, m, k, n);
        engine.product(a, b, actual, m, k, n, o === 1, o === 2);
        const d = relDiff(actual, expected);
        assert.ok(d <= 1e-12, `${name} (${m}, ${k}, ${n}): relative difference ${d}`);
      });
    });
  });
}

Deno.test("packed or read in place, every operand layout gives the same bits", () => {
  const engine = new WasmGemm(kernel!, 1);
  const run = () => {
    Atomics.store(engine.ctrl, CTRL.NEXT, 0);
    runChunks(kernel!.gemm, engine.ctrl, engine.region(0));
  };
  const heap = () => new Float64Array(kernel!.memory.buffer);
  for (const [m, k, n] of [[13, 300, 10], [6, 4, 4], [5, 257, 17], [40, 3, 7], [1, 9, 30]]) {
    const a = randomData(m * k, m), b = randomData(k * n, n);
    OPS.forEach(([name, , reference], o) => {
      const expected = new Float64Array(m * n), first = new Float64Array(m * n);
      reference(a, b, expected, m, k, n);
      engine.product(a, b, first, m, k, n, o === 1, o === 2);
      const cOff = engine.ctrl[CTRL.PARAMS + 6] / 8;
      assert.ok(relDiff(first, expected) <= 1e-12);
      for (const flags of [0, 1, 2, 3]) {
        if (o === 2 && !(flags & 2)) continue; // Bᵀ has no contiguous rows to read in place
        engine.ctrl[CTRL.PARAMS + 9] = flags;
        heap().fill(NaN, cOff, cOff + m * n);
        run();
        assert.deepEqual(
          heap().slice(cOff, cOff + m * n),
          first,
          `${name} ${m}×${k}×${n} ${flags}`,
        );
      }
    });
  }
});

Deno.test("known answer through the dispatcher: 2×3 · 3×2, its transposes, k = 0, empty", () => {
  const A = Matrix.fromArray([[1, 2, 3], [4, 5, 6]]);
  const B = Matrix.fromArray([[7, 8], [9, 10], [11, 12]]);
  withSettings({ backend: "wasm" }, () => {
    assert.deepEqual(matmul(A, B).toArray(), [[58, 64], [139, 154]]);
    assert.deepEqual(matmulTA(B, B).toArray(), [[251, 278], [278, 308]]);
    assert.deepEqual(matmulTB(A, A).toArray(), [[14, 32], [32, 77]]);
    const out = new Float64Array(6).fill(5);
    gemm(new Float64Array(0), new Float64Array(0), out, 2, 0, 3);
    assert.deepEqual(Array.from(out), [0, 0, 0, 0, 0, 0]);
    assert.deepEqual(matmul(new Matrix(0, 4), new Matrix(4, 3)).shape, [0, 3]);
    assert.deepEqual(matmul(new Matrix(3, 0), new Matrix(0, 2)).toArray(), [[0, 0], [0, 0], [
      0,
      0,
    ]]);
  });
});

Deno.test("backends agree through matmul, matmulTA, matmulTB (auto, blas, wasm, ts)", () => {
  const X = Matrix.randn(70, 90, 1), W = Matrix.randn(90, 50, 2), Y = Matrix.randn(70, 50, 3);
  const results: Record<string, Matrix[]> = {};
  const hasBlas = kernelInfo().blasLibrary !== null;
  for (const backend of ["ts", "wasm", ...(hasBlas ? ["blas"] as const : []), "auto"] as const) {
    withSettings({ backend, threads: 1 }, () => {
      results[backend] = [matmul(X, W), matmulTA(X, Y), matmulTB(Y, W)];
    });
  }
  for (let i = 0; i < 3; i++) {
    assert.ok(relDiff(results.wasm[i].data, results.ts[i].data) <= 1e-12);
    if (hasBlas) assert.ok(relDiff(results.blas[i].data, results.ts[i].data) <= 1e-12);
    // 70·90·50 is above minBlasWork and minWasmWork: auto runs the BLAS when there is one
    assert.deepEqual(results.auto[i].data, results[hasBlas ? "blas" : "wasm"][i].data);
  }
});

Deno.test("same inputs, same outputs: repeated calls are bit-identical", () => {
  const engine = new WasmGemm(kernel!, 1);
  const a = randomData(120 * 300, 7), b = randomData(300 * 80, 8);
  const first = new Float64Array(120 * 80), second = new Float64Array(120 * 80);
  engine.product(a, b, first, 120, 300, 80);
  engine.product(randomData(50, 9), randomData(50, 10), new Float64Array(25), 5, 10, 5); // dirty
  engine.product(a, b, second, 120, 300, 80);
  assert.deepEqual(second, first);
});

Deno.test("planChunks splits the longer side on tile boundaries, covering C exactly once", () => {
  assert.deepEqual(planChunks(100, 10, 3), [[0, 30, 0, 10], [30, 66, 0, 10], [66, 100, 0, 10]]);
  assert.deepEqual(planChunks(10, 100, 2), [[0, 10, 0, 48], [0, 10, 48, 100]]);
  assert.deepEqual(planChunks(5, 3, 8), [[0, 5, 0, 3]]); // one tile: one chunk
  for (const [m, n, parts] of [[1000, 37, 5], [13, 5000, 64], [777, 777, 4]]) {
    const chunks = planChunks(m, n, parts);
    assert.ok(chunks.length <= Math.min(parts, CTRL.MAX_CHUNKS));
    let area = 0;
    for (const [i0, i1, j0, j1] of chunks) {
      assert.ok(i0 % MR === 0 && j0 % NR === 0 && i1 > i0 && j1 > j0);
      area += (i1 - i0) * (j1 - j0);
    }
    assert.equal(area, m * n);
  }
});

Deno.test("workers: a job computed by workers alone equals the caller's, bit for bit", async () => {
  const engine = new WasmGemm(kernel!, 3);
  const pool = new WorkerPool(engine, 2);
  try {
    assert.equal(await pool.whenReady(), 2);
    const [m, k, n] = [123, 301, 77];
    const a = randomData(m * k, 11), b = randomData(k * n, 12);
    for (const [transA, transB] of [[false, false], [true, false], [false, true]]) {
      const alone = new Float64Array(m * n), byWorkers = new Float64Array(m * n);
      engine.product(a, b, alone, m, k, n, transA, transB);
      // the caller computes nothing: every chunk goes to a worker
      engine.product(
        a,
        b,
        byWorkers,
        m,
        k,
        n,
        transA,
        transB,
        { run: () => pool.run(() => {}) },
        8,
      );
      assert.deepEqual(byWorkers, alone);
      // through the pool itself: the caller copies bands of A (or Bᵀ) in while workers compute
      const pipelined = new Float64Array(m * n);
      engine.product(a, b, pipelined, m, k, n, transA, transB, pool, 3);
      assert.deepEqual(pipelined, alone);
    }
    // a chunk that traps in a worker (C out of bounds) surfaces as an error on the caller
    engine.ctrl[CTRL.PARAMS + 6] = 2 ** 31 - 64;
    Atomics.store(engine.ctrl, CTRL.NEXT, 0);
    assert.throws(() => pool.run(() => {}), /gemm: a kernel worker failed on its chunk/);
  } finally {
    await pool.shutdown();
  }
  assert.equal(pool.ready, 0);
});

Deno.test("the worker body, run on this thread: a job, a failed job, quit", () => {
  const engine = new WasmGemm(kernel!, 2);
  const slot = CTRL.SLOTS + CTRL.SLOT_SIZE, ctrl = engine.ctrl, ws = engine.region(1);
  const [m, k, n] = [30, 40, 20];
  const a = randomData(m * k, 31), b = randomData(k * n, 32);
  const expected = new Float64Array(m * n), actual = new Float64Array(m * n);
  engine.product(a, b, expected, m, k, n); // stages the job in ctrl
  const init = { module: kernel!.module, memory: kernel!.memory, ctrl, slot, ws };
  const worker = (run: typeof runChunks) =>
    workerMain({ ...init, scratch: ws + kernel!.workspaceBytes }, run, warmUp);
  // job 1 computes every chunk in the worker's own instance, then the next wait sees "quit"
  ctrl.fill(0, slot, slot + CTRL.SLOT_SIZE);
  ctrl[slot] = 1;
  Atomics.store(ctrl, CTRL.NEXT, 0);
  let chunks = 0;
  worker((gemm, c, w) => {
    chunks = runChunks(gemm, c, w);
    Atomics.store(c, slot, -1);
    return chunks;
  });
  assert.deepEqual([ctrl[slot + 1], ctrl[slot + 2], ctrl[slot + 3]], [1, 1, 0]); // DONE, READY
  assert.equal(chunks, 1);
  const cOff = ctrl[CTRL.PARAMS + 6] / 8;
  actual.set(new Float64Array(kernel!.memory.buffer, cOff * 8, m * n));
  assert.deepEqual(actual, expected);
  // a job that throws is reported as FAILED, not lost
  ctrl.fill(0, slot, slot + CTRL.SLOT_SIZE);
  ctrl[slot] = 7;
  worker((_gemm, c) => {
    Atomics.store(c, slot, -1);
    throw new Error("boom");
  });
  assert.deepEqual([ctrl[slot + 1], ctrl[slot + 3]], [7, 1]);
});

Deno.test("a worker that cannot start is marked dead and never used", async () => {
  // a module importing a function the worker does not provide: instantiation throws in the worker
  const bad = new WebAssembly.Module(
    Uint8Array.from([
      ...[0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0],
      ...[2, 12, 1, 3, 101, 110, 118, 4, 110, 111, 112, 101, 0, 0],
    ]),
  );
  const engine = new WasmGemm(kernel!, 2);
  const fake = { threads: 2, ctrl: engine.ctrl, region: (t: number) => engine.region(t) };
  const pool = new WorkerPool(
    { ...fake, kernel: { ...kernel!, module: bad } } as unknown as WasmGemm,
    1,
  );
  try {
    assert.equal(await pool.whenReady(30_000), 0);
    assert.equal(Atomics.load(engine.ctrl, CTRL.SLOTS + CTRL.SLOT_SIZE + 2), -1); // READY = −1
    assert.equal(pool.ready, 0);
  } finally {
    await pool.shutdown();
  }
});

Deno.test("thread count does not change a single bit (1, 2 and 3 threads)", async () => {
  const [m, k, n] = [200, 300, 190];
  const a = randomData(m * k, 21), b = randomData(k * n, 22);
  const results: Float64Array[] = [];
  const before = kernelInfo();
  try {
    for (const threads of [1, 2, 3]) {
      const info = await initKernels({ backend: "wasm", threads, minParallelWork: 0 });
      assert.equal(info.workersReady, threads - 1);
      const out = new Float64Array(m * n);
      for (let rep = 0; rep < 3; rep++) gemmTB(a, b.subarray(0, n * k), out, m, k, n);
      results.push(out);
    }
  } finally {
    await shutdownKernels();
    configureKernels({ ...before, variant: "auto" });
  }
  assert.deepEqual(results[1], results[0]);
  assert.deepEqual(results[2], results[0]);
});

Deno.test("small products stay on the caller: no pool below minParallelWork", async () => {
  await shutdownKernels();
  const before = kernelInfo().minBlasWork;
  // minBlasWork ∞: the dispatch of a process without BLAS (WebAssembly by size)
  const info = configureKernels({ backend: "auto", threads: 2, minBlasWork: Infinity });
  assert.ok(info.minWasmWork > 0 && info.minParallelWork > info.minWasmWork);
  matmul(Matrix.randn(12, 12, 1), Matrix.randn(12, 12, 2)); // TypeScript path
  matmul(Matrix.randn(60, 60, 1), Matrix.randn(60, 60, 2)); // WebAssembly, one thread
  assert.equal(kernelInfo().workers, 0);
  matmul(Matrix.randn(160, 160, 1), Matrix.randn(160, 160, 2)); // starts the pool lazily
  assert.equal(kernelInfo().workers, 1);
  configureKernels({ minBlasWork: before });
  await shutdownKernels();
});

Deno.test("dispatch by size without BLAS: TypeScript for small and single-row products", () => {
  // 0·∞ tells the paths apart: the TypeScript loops skip a zero of A, WebAssembly gives NaN.
  const probe = (m: number, k: number, n: number) => {
    const A = new Matrix(m, k), B = Matrix.full(k, n, Infinity);
    return Number.isNaN(matmul(A, B).get(0, 0)) ? "wasm" : "ts";
  };
  withSettings({ backend: "auto", minWasmWork: 4096, minBlasWork: Infinity }, () => {
    assert.equal(probe(15, 15, 15), "ts"); // 3375 < 4096
    assert.equal(probe(16, 16, 16), "wasm");
    assert.equal(probe(1, 3073, 10), "ts"); // a row times a matrix
    assert.equal(probe(2, 3073, 10), "wasm");
    assert.equal(probe(100, 1, 100), "ts"); // an outer product
    assert.equal(probe(100, 2, 100), "wasm");
  });
  withSettings({ backend: "wasm" }, () => assert.equal(probe(1, 2, 1), "wasm"));
  withSettings({ backend: "ts" }, () => assert.equal(probe(100, 100, 100), "ts"));
});

Deno.test("fallback: without WebAssembly SIMD the TypeScript kernel answers", async () => {
  await shutdownKernels();
  const validate = WebAssembly.validate;
  WebAssembly.validate = () => false;
  try {
    withSettings({ backend: "wasm" }, () => {
      assert.equal(kernelInfo().variant, null);
      const C = matmul(Matrix.fromArray([[1, 2]]), Matrix.fromArray([[3], [4]]));
      assert.equal(C.get(0, 0), 11);
    });
  } finally {
    WebAssembly.validate = validate;
    await shutdownKernels();
  }
  assert.equal(kernelInfo().variant, "relaxed-simd");
});

Deno.test("a process that used the pool exits on its own", async () => {
  const code = `
    import { matmul, Matrix } from ${
    JSON.stringify(new URL("../lib/matrix.ts", import.meta.url).href)
  };
    const A = Matrix.randn(300, 300, 1);
    let s = 0;
    for (let i = 0; i < 20; i++) s += matmul(A, A).get(0, 0);
    console.log(Number.isFinite(s));`;
  // `deno run -` with no permission flags: the pool needs no file or env access
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-check", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(code));
  await writer.close();
  const timer = setTimeout(() => child.kill(), 30_000);
  const { code: exit, stdout, stderr } = await child.output();
  clearTimeout(timer);
  assert.equal(exit, 0, new TextDecoder().decode(stderr));
  assert.equal(new TextDecoder().decode(stdout).trim(), "true");
});

Deno.test("bad input: shapes, lengths, types, settings", () => {
  const a = new Float64Array(6), out = new Float64Array(4);
  assert.throws(() => gemm(a, a, out, -1, 3, 2), /gemm: m must be a non-negative integer, got -1/);
  assert.throws(() => gemmTA(a, a, out, 2, 1.5, 2), /gemmTA: k must be a non-negative integer/);
  assert.throws(
    () => gemmTB(a, new Float64Array(5), out, 2, 3, 2),
    /gemmTB: b must be a Float64Array of at least 6 values \(2×3\), got 5/,
  );
  assert.throws(
    () => gemm([1, 2] as unknown as Float64Array, a, out, 1, 2, 1),
    /gemm: a must be a Float64Array .* got object/,
  );
  assert.throws(
    () => gemm(a, a, new Float64Array(3), 2, 3, 2),
    /out must be a Float64Array of at least 4/,
  );
  assert.throws(
    () => configureKernels({ backend: "gpu" as "ts" }),
    /backend must be "auto", "blas", "wasm" or "ts", got gpu/,
  );
  assert.throws(() => configureKernels({ variant: "avx" as "simd" }), /variant must be "auto"/);
  assert.throws(
    () => configureKernels({ threads: 1.5 }),
    /threads must be an integer in \[1, 64\]/,
  );
  assert.throws(
    () => configureKernels({ minParallelWork: -1 }),
    /minParallelWork must be a number ≥ 0/,
  );
  assert.throws(
    () => new WasmGemm(kernel!, 0),
    /WasmGemm: threads must be an integer in \[1, 64\]/,
  );
  assert.throws(
    () => new WorkerPool(new WasmGemm(kernel!, 2), 2),
    /size must be an integer in \[1, 1\]/,
  );
  assert.throws(
    () => new WasmGemm(kernel!, 1).product(a, a, out, 30000, 30000, 1),
    /needs \d+ bytes of WebAssembly memory, more than 2 GiB/,
  );
  // the dispatcher asks first and sends such products to the TypeScript loops instead
  assert.equal(new WasmGemm(kernel!, 1).fits(30000, 30000, 1), false);
  assert.equal(new WasmGemm(kernel!, 1).fits(1000, 1000, 1000), true);
  assert.throws(() => toPlainSimd("(f64x2.relaxed_nmadd (local.get $a))"), /line 1 .*relaxed/);
});

Deno.test("runChunks claims each chunk once", () => {
  const ctrl = new Int32Array(CTRL.SLOTS);
  ctrl[CTRL.COUNT] = 4;
  ctrl[CTRL.READY] = 4; // every chunk's operands in place
  ctrl.set([0, 6, 0, 4, 6, 12, 0, 4, 12, 18, 0, 4, 18, 20, 0, 4], CTRL.CHUNKS);
  const rows: number[] = [];
  assert.equal(runChunks((...args) => rows.push(args[9], args[10]), ctrl, 0), 4);
  assert.deepEqual(rows, [0, 6, 6, 12, 12, 18, 18, 20]);
});

Deno.test("the committed gemm_wasm.ts is a fresh build of gemm.wat", async () => {
  const fresh = await renderModule(await Deno.readTextFile(WAT_PATH));
  const committed = await Deno.readTextFile(
    new URL("../lib/kernels/gemm_wasm.ts", import.meta.url),
  );
  assert.equal(committed, fresh, "run `deno task build:wasm`");
});
