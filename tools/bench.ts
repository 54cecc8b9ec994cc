/**
 * `deno task bench`: times this library's products and the lessons' hot paths against numpy
 * (run side by side through `python3 -c`), ml-matrix and tfjs-core's CPU backend, prints a table,
 * and saves `bench/results.json` and a chart `bench/results.svg` (Observable Plot + linkedom).
 *
 * Flags: `--quick` (fewer sizes, shorter runs), `--rounds R` (run everything R times, keep each
 * best), `--no-python`, `--no-js` (skip ml-matrix/tfjs), `--out DIR` (default `bench`). Each time
 * is the best of several runs after a warm-up; numpy gets the same treatment in its own process
 * right before ours (same machine load), with OPENBLAS_NUM_THREADS=1 for the 1-thread rows, so
 * "1 thread" and "2 threads" rows compare like with like. tfjs has no float64: its rows
 * are float32. The machine's load average is recorded: compare numbers taken on a quiet machine.
 *
 * The "thresholds" section times TypeScript vs WebAssembly (1 thread) vs WebAssembly + workers on
 * small cubes; the crossovers are the `minWasmWork` / `minParallelWork` defaults of gemm.ts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { benchCases, caseFlops } from "./bench.ts";
 * const cases = benchCases(true);
 * assert(cases.some((c) => c.op === "knn"));
 * assert.equal(caseFlops({ op: "matmul", dims: [2, 3, 4], threads: 1 }), 48);
 * ```
 * @module
 */
import { Matrix as MlMatrix } from "ml-matrix";
import { gemmReference } from "../lib/kernels/reference.ts";
import { configureKernels, initKernels, kernelInfo, shutdownKernels } from "../lib/kernels/gemm.ts";
import { matmul, matmulTA, matmulTB, Matrix } from "../lib/matrix.ts";
import { KNearestNeighbor } from "../lib/classifiers/k_nearest_neighbor.ts";
import { softmaxLossVectorized } from "../lib/losses/softmax.ts";
import { TwoLayerNet } from "../lib/nn/two_layer_net.ts";
import { type Case, runNumpy } from "./bench_numpy.ts";
import { fmt, gflops, markdownTable, renderChart, type Result } from "./bench_report.ts";

/**
 * Flops of a case (2·m·k·n per product; the lessons' cases count their products only).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { caseFlops } from "./bench.ts";
 * assert.equal(caseFlops({ op: "matmul", dims: [2, 3, 4], threads: 1 }), 48);
 * ```
 */
export function caseFlops({ op, dims: d }: Case): number {
  if (op === "knn") return 2 * d[0] * d[1] * d[2];
  if (op === "softmax") return 4 * d[0] * d[1] * d[2]; // X·W and Xᵀ·dscores
  if (op === "twolayer") return 2 * d[0] * d[1] * d[2] * 2 + 2 * d[0] * d[2] * d[3] * 3;
  return 2 * d[0] * d[1] * d[2];
}

function label({ op, dims: d }: Case): string {
  const names = {
    matmul: `A·B ${d[0]}×${d[1]}·${d[1]}×${d[2]}`,
    matmulTA: `Aᵀ·B ${d[0]}×${d[1]}·${d[1]}×${d[2]}`,
    matmulTB: `A·Bᵀ ${d[0]}×${d[1]}·${d[1]}×${d[2]}`,
    knn: `kNN distances ${d[0]} test × ${d[1]} train × ${d[2]}`,
    softmax: `softmax loss+grad N=${d[0]} D=${d[1]} C=${d[2]}`,
    twolayer: `two-layer fwd+bwd N=${d[0]} D=${d[1]} H=${d[2]} C=${d[3]}`,
  };
  return names[op];
}

/** Best and median milliseconds of `f` after a warm-up, for about `budget` seconds. */
function timeIt(f: () => unknown, budget: number): [number, number] {
  f();
  const times: number[] = [];
  const end = performance.now() + budget * 1000;
  while (times.length < 3 || (performance.now() < end && times.length < 50)) {
    const t = performance.now();
    f();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return [times[0], times[times.length >> 1]];
}

/** A closure computing the case with this library. */
function ours({ op, dims: d }: Case): () => unknown {
  if (op === "knn") {
    const knn = new KNearestNeighbor().train(Matrix.rand(d[1], d[2], 1), new Int32Array(d[1]));
    const X = Matrix.rand(d[0], d[2], 2);
    return () => knn.computeDistancesNoLoops(X);
  }
  if (op === "softmax") {
    const X = Matrix.randn(d[0], d[1], 1), W = Matrix.randn(d[1], d[2], 2).mul(1e-4);
    const y = Int32Array.from({ length: d[0] }, (_, i) => i % d[2]);
    return () => softmaxLossVectorized(W, X, y, 0.1);
  }
  if (op === "twolayer") {
    const net = new TwoLayerNet(d[1], d[2], d[3], { std: 1e-4, seed: 1 });
    const X = Matrix.randn(d[0], d[1], 2);
    const y = Int32Array.from({ length: d[0] }, (_, i) => i % d[3]);
    return () => net.loss(X, y, 0.1);
  }
  const [m, k, n] = d;
  const A = op === "matmulTA" ? Matrix.randn(k, m, 1) : Matrix.randn(m, k, 1);
  const B = op === "matmulTB" ? Matrix.randn(n, k, 2) : Matrix.randn(k, n, 2);
  const f = { matmul, matmulTA, matmulTB }[op];
  return () => f(A, B);
}

async function loadTf() {
  const log = console.log, warn = console.warn;
  console.log = console.warn = () => {}; // tfjs greets Node users with a banner
  try {
    const tf = await import("@tensorflow/tfjs-core");
    await import("@tensorflow/tfjs-backend-cpu");
    await tf.setBackend("cpu");
    await tf.ready();
    return tf;
  } finally {
    console.log = log;
    console.warn = warn;
  }
}

/**
 * The cases of a full (or quick) run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { benchCases } from "./bench.ts";
 * assert(benchCases(true).some((c) => c.op === "knn" && c.threads === 2));
 * ```
 */
export function benchCases(quick: boolean): Case[] {
  const sizes = quick ? [256, 1024] : [64, 128, 256, 512, 1024];
  const cases: Case[] = [];
  for (const s of sizes) {
    for (const threads of [1, 2]) cases.push({ op: "matmul", dims: [s, s, s], threads, js: true });
  }
  for (const op of ["matmulTA", "matmulTB"] as const) {
    cases.push({ op, dims: [1024, 1024, 1024], threads: 2 });
  }
  cases.push({ op: "matmulTB", dims: [500, 3072, 5000], threads: 2 });
  cases.push({ op: "knn", dims: [500, 5000, 3072], threads: 2 });
  cases.push({ op: "softmax", dims: [500, 3073, 10], threads: 2 });
  cases.push({ op: "twolayer", dims: [200, 3072, 100, 10], threads: 2 });
  return cases;
}

/**
 * One line of the thresholds section: microseconds per product on each path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ThresholdRow } from "./bench.ts";
 * const row: ThresholdRow = { shape: [8, 8, 8], ts: 0.7, wasm1: 1.6, wasm2: 30 };
 * assert(row.ts < row.wasm1); // tiny: TypeScript wins
 * ```
 */
export interface ThresholdRow {
  shape: [number, number, number];
  ts: number;
  wasm1: number;
  wasm2: number;
}

/** Times the TypeScript, 1-thread and 2-thread paths (forced backends) on small shapes. */
async function thresholds(budget: number): Promise<ThresholdRow[]> {
  const cubes = [8, 12, 16, 24, 32, 48, 64, 80, 96, 112, 128, 160, 192, 256];
  const shapes: [number, number, number][] = [
    ...cubes.map((s): [number, number, number] => [s, s, s]),
    [1, 3073, 10], // softmaxLossNaive: one example times W
    [4, 3073, 10],
    [1, 1000, 1],
    [100, 1, 100],
    [64, 3072, 10],
    [500, 3073, 10], // softmax scores
    [200, 3072, 100], // two-layer net, first layer
  ];
  const rows: ThresholdRow[] = [];
  for (const [m, k, n] of shapes) {
    const A = Matrix.randn(m, k, 1), B = Matrix.randn(k, n, 2), out = new Float64Array(m * n);
    const us = (f: () => unknown) => timeIt(f, budget)[0] * 1000;
    const ts = us(() => gemmReference(A.data, B.data, out, m, k, n));
    await initKernels({ backend: "wasm", threads: 1 });
    const wasm1 = us(() => matmul(A, B));
    await initKernels({ backend: "wasm", threads: 2, minParallelWork: 0 });
    const wasm2 = us(() => matmul(A, B));
    rows.push({ shape: [m, k, n], ts, wasm1, wasm2 });
  }
  await shutdownKernels();
  configureKernels({ backend: "auto", minParallelWork: DEFAULT_PARALLEL });
  return rows;
}
const DEFAULT_PARALLEL = kernelInfo().minParallelWork;

if (import.meta.main) {
  const args = Deno.args;
  const quick = args.includes("--quick");
  const outDir = args.includes("--out") ? args[args.indexOf("--out") + 1] : "bench";
  const budget = quick ? 0.3 : 1;
  const rounds = args.includes("--rounds") ? Number(args[args.indexOf("--rounds") + 1]) : 1;
  const cases = benchCases(quick);
  const load0 = Deno.loadavg();
  console.log(
    `deno ${Deno.version.deno} (V8 ${Deno.version.v8}), ${navigator.hardwareConcurrency} cores, load ${
      load0.map((x) => x.toFixed(2)).join(" ")
    }`,
  );

  const usePython = !args.includes("--no-python");
  const tf = args.includes("--no-js") ? null : await loadTf();
  let np: Awaited<ReturnType<typeof runNumpy>> = null;

  // Each case runs numpy, then this library, back to back (so both see the same machine load);
  // with --rounds R the whole list runs R times and each implementation keeps its best time.
  const best = new Map<string, Result>();
  const keep = (
    c: Case,
    impl: string,
    threads: number | null,
    [ms, msMedian]: [number, number],
  ) => {
    const key = `${label(c)}|${threads}|${impl}`;
    const r: Result = {
      label: label(c),
      impl,
      threads,
      flops: caseFlops(c),
      ms,
      msMedian,
      gflops: gflops(caseFlops(c), ms),
      vsNumpy: null,
      load: Deno.loadavg()[0],
    };
    const old = best.get(key);
    if (!old || r.ms < old.ms) best.set(key, r);
    return best.get(key)!;
  };
  for (let round = 1; round <= rounds; round++) {
    console.log(`\nround ${round} of ${rounds} (load ${Deno.loadavg()[0].toFixed(2)})`);
    for (const c of cases) {
      const npRun = usePython ? await runNumpy([c], c.threads, budget) : null;
      np ??= npRun;
      const npRow = npRun ? keep(c, "numpy", c.threads, npRun.times[0]) : null;
      const info = await initKernels({ backend: "auto", threads: c.threads });
      const mine = keep(c, "this library", c.threads, timeIt(ours(c), budget));
      if (npRow) mine.vsNumpy = mine.ms / npRow.ms;
      if (c.js && tf && c.threads === 1) {
        const [m, k, n] = c.dims;
        const A = MlMatrix.rand(m, k), B = MlMatrix.rand(k, n);
        keep(c, "ml-matrix", 1, timeIt(() => A.mmul(B), budget));
        const tA = tf.randomNormal([m, k]), tB = tf.randomNormal([k, n]);
        const f32 = () => {
          const C = tf.matMul(tA, tB);
          C.dataSync();
          C.dispose();
        };
        keep(c, "tfjs-core cpu (float32)", 1, timeIt(f32, budget));
        tf.dispose([tA, tB]);
      }
      const line = [...best.values()].filter((r) => r.label === label(c) && r.threads === c.threads)
        .map((r) => `${r.impl} ${fmt(r.ms, 2)} ms ${fmt(r.gflops)} GF/s`).join(" | ");
      console.log(
        `${label(c)} [${c.threads}t, ${info.variant ?? "ts"}]: ${line}` +
          (mine.vsNumpy ? ` | ×${mine.vsNumpy.toFixed(2)} numpy` : ""),
      );
    }
  }
  const results = [...best.values()];
  console.log(
    np
      ? `numpy ${np.numpy} (${np.blas}) via ${np.python}`
      : "numpy: not found (python3 with numpy)",
  );

  console.log("\nthresholds (µs per product; TypeScript | WebAssembly 1 thread | + 1 worker):");
  const thr = await thresholds(quick ? 0.05 : 0.2);
  for (const { shape, ts, wasm1, wasm2 } of thr) {
    const best = Math.min(ts, wasm1, wasm2);
    const mark = (x: number) => `${x.toFixed(1).padStart(9)}${x === best ? "*" : " "}`;
    console.log(`  ${shape.join("×").padEnd(14)} ${mark(ts)} ${mark(wasm1)} ${mark(wasm2)}`);
  }
  const load1 = Deno.loadavg();
  const report = {
    date: new Date().toISOString(),
    deno: Deno.version,
    cores: navigator.hardwareConcurrency,
    load: { before: load0, after: load1 },
    kernel: kernelInfo(),
    numpy: np ? { version: np.numpy, blas: np.blas, python: np.python } : null,
    results,
    thresholds: thr,
  };
  await Deno.mkdir(outDir, { recursive: true });
  await Deno.writeTextFile(`${outDir}/results.json`, JSON.stringify(report, null, 2) + "\n");
  await Deno.writeTextFile(`${outDir}/results.svg`, renderChart(results) + "\n");
  const table = markdownTable(results);
  await Deno.writeTextFile(`${outDir}/results.md`, table);
  console.log("\n" + table);
  console.log(
    `load before ${load0.map((x) => x.toFixed(2)).join(" ")}, after ${
      load1.map((x) => x.toFixed(2)).join(" ")
    }; wrote ${outDir}/results.{json,svg,md}`,
  );
}
