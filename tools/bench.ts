/**
 * `deno task bench`: times this library's products, the lessons' hot paths and whole training
 * loops against numpy (run side by side through `python3 -c`), on every backend this machine has
 * (the system BLAS through FFI, WebAssembly, TypeScript), plus ml-matrix and tfjs-core's CPU
 * backend on the plain products; then cold starts (the first product in a fresh process) and the
 * size thresholds. Prints a table and saves `bench/results.json`, `bench/results.md` and a chart
 * `bench/results.svg` (Observable Plot + linkedom).
 *
 * Flags: `--quick` (fewer sizes, shorter runs), `--rounds R` (run everything R times, keep each
 * best), `--no-python`, `--python PATH` (the Python with numpy; default `python3`, then
 * `/usr/bin/python3`), `--no-js` (skip ml-matrix/tfjs), `--backends blas,wasm,ts` (default: all
 * available), `--only REGEX` (cases whose label matches), `--skip cold,thresholds` (leave those
 * sections out), `--out DIR` (default `bench`). Each time
 * is the best of several runs after a warm-up; numpy gets the same treatment in its own process
 * right before ours (same machine load), with OPENBLAS_NUM_THREADS=1 for the 1-thread rows, so
 * "1 thread" and "2 threads" rows compare like with like. The TypeScript backend skips cases over
 * a GFLOP per call (seconds each). tfjs has no float64: its rows are float32. The machine's load
 * average is recorded with every row: compare numbers taken on a quiet machine.
 *
 * The "thresholds" section times TypeScript vs BLAS vs WebAssembly (1 thread) vs WebAssembly +
 * workers on small shapes; the crossovers are the `minBlasWork` / `minWasmWork` /
 * `minParallelWork` defaults of lib/kernels/settings.ts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timeIt } from "./bench.ts";
 * const [best, median] = timeIt(() => Math.sqrt(2), 0.001);
 * assert(best <= median);
 * ```
 * @module
 */
import { Matrix as MlMatrix } from "ml-matrix";
import { gemmReference } from "../lib/kernels/reference.ts";
import {
  configureKernels,
  initKernels,
  type KernelBackend,
  kernelInfo,
  shutdownKernels,
} from "../lib/kernels/gemm.ts";
import { type Blas, findBlas, openBlas } from "../lib/kernels/blas.ts";
import { matmul, Matrix } from "../lib/matrix.ts";
import {
  benchCases,
  caseFlops,
  caseIterations,
  caseLabel,
  ourCase,
  TRAIN_ITERS,
} from "./bench_cases.ts";
import { type Case, type NumpyRun, runNumpy } from "./bench_numpy.ts";
import { coldStarts, cpuModel } from "./bench_machine.ts";
import { fmt, gflops, markdownTable, renderChart, type Result } from "./bench_report.ts";

/**
 * Best and median milliseconds of `f` after a warm-up: at least 3 runs, more for about `budget`
 * seconds (at most 50).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timeIt } from "./bench.ts";
 * const [best] = timeIt(() => new Float64Array(1000).fill(1), 0.01);
 * assert(best >= 0);
 * ```
 */
export function timeIt(f: () => unknown, budget: number): [number, number] {
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
 * One line of the thresholds section: microseconds per product on each path (BLAS null when
 * there is none).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ThresholdRow } from "./bench.ts";
 * const row: ThresholdRow = { shape: [8, 8, 8], ts: 1.3, blas: 1.1, wasm1: 1.6, wasm2: 30 };
 * assert(row.blas! < row.ts); // from about 7³ the BLAS wins
 * ```
 */
export interface ThresholdRow {
  /** m, k, n. */
  shape: [number, number, number];
  /** The TypeScript reference loops. */
  ts: number;
  /** The system BLAS (its own thread count), or null without one. */
  blas: number | null;
  /** WebAssembly on the calling thread. */
  wasm1: number;
  /** WebAssembly on the caller plus one worker. */
  wasm2: number;
}

/** Times the TypeScript, BLAS, 1-thread and 2-thread WebAssembly paths on small shapes. */
async function thresholds(budget: number, hasBlas: boolean): Promise<ThresholdRow[]> {
  const cubes = [4, 6, 7, 8, 12, 16, 24, 32, 48, 64, 80, 96, 112, 128, 160, 192, 256];
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
  const before = kernelInfo();
  const rows: ThresholdRow[] = [];
  for (const [m, k, n] of shapes) {
    const A = Matrix.randn(m, k, 1), B = Matrix.randn(k, n, 2), out = new Float64Array(m * n);
    const us = (f: () => unknown) => timeIt(f, budget)[0] * 1000;
    const ts = us(() => gemmReference(A.data, B.data, out, m, k, n));
    let blas = null;
    if (hasBlas) {
      await initKernels({ backend: "blas", threads: 2 });
      blas = us(() => matmul(A, B));
    }
    await initKernels({ backend: "wasm", threads: 1 });
    const wasm1 = us(() => matmul(A, B));
    await initKernels({ backend: "wasm", threads: 2, minParallelWork: 0 });
    const wasm2 = us(() => matmul(A, B));
    rows.push({ shape: [m, k, n], ts, blas, wasm1, wasm2 });
  }
  await shutdownKernels();
  configureKernels({ backend: before.backend, minParallelWork: before.minParallelWork });
  return rows;
}

/**
 * The BLAS file numpy runs on, when it is another library than ours and opens as a CBLAS (e.g.
 * the scipy-openblas inside numpy's wheels, 64-bit integers): the "numpy's blas" rows run this
 * library's code on numpy's own BLAS, so what remains of a gap is ours, not the BLAS version's.
 */
function numpyBlasLibrary(np: NumpyRun | null, ours: Blas | null): string | null {
  const path = np?.blas.split(": ")[0] ?? "";
  if (!path.startsWith("/") || path === ours?.library) return null;
  if (!numpyBlasSeen.has(path)) {
    try {
      const theirs = openBlas(path);
      numpyBlasSeen.set(path, theirs.vendor === ours?.vendor ? null : path);
      theirs.close();
    } catch {
      numpyBlasSeen.set(path, null);
    }
  }
  return numpyBlasSeen.get(path)!;
}
const numpyBlasSeen = new Map<string, string | null>();

function arg(name: string): string | undefined {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

if (import.meta.main) {
  const args = Deno.args;
  const quick = args.includes("--quick");
  const outDir = arg("--out") ?? "bench";
  const budget = quick ? 0.3 : 1;
  const rounds = Number(arg("--rounds") ?? 1);
  const only = arg("--only") ? new RegExp(arg("--only")!) : null;
  const cases = benchCases(quick).filter((c) => !only || only.test(caseLabel(c)));
  const blasFound = findBlas().blas;
  const backends = (arg("--backends")?.split(",") ?? ["blas", "wasm", "ts"])
    .filter((b) => b !== "blas" || blasFound) as KernelBackend[];
  const cpu = cpuModel();
  const load0 = Deno.loadavg();
  console.log(
    `${cpu}, ${navigator.hardwareConcurrency} cores; deno ${Deno.version.deno} (V8 ${Deno.version.v8}); load ${
      load0.map((x) => x.toFixed(2)).join(" ")
    }`,
  );
  console.log(
    `BLAS: ${blasFound ? `${blasFound.library} (${blasFound.vendor})` : "none"}; backends ${
      backends.join(", ")
    }`,
  );

  const usePython = !args.includes("--no-python");
  const python = arg("--python");
  const tf = args.includes("--no-js") ? null : await loadTf();
  let np: NumpyRun | null = null;

  // Each case runs numpy, then this library on each backend, back to back (so all see the same
  // machine load); with --rounds R the whole list runs R times and each keeps its best time.
  const best = new Map<string, Result>();
  const keep = (
    c: Case,
    impl: string,
    threads: number | null,
    [ms, msMedian]: [number, number],
  ) => {
    const key = `${caseLabel(c)}|${threads}|${impl}`;
    const r: Result = {
      label: caseLabel(c),
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
  const perIteration = (c: Case, [b, m]: [number, number]): [number, number] => {
    const n = caseIterations(c);
    return [b / n, m / n];
  };
  for (let round = 1; round <= rounds; round++) {
    console.log(`\nround ${round} of ${rounds} (load ${Deno.loadavg()[0].toFixed(2)})`);
    for (const c of cases) {
      const npRun = usePython ? await runNumpy([c], c.threads, budget, TRAIN_ITERS, python) : null;
      np ??= npRun;
      const npRow = npRun ? keep(c, "numpy", c.threads, npRun.times[0]) : null;
      const sameBlas = numpyBlasLibrary(npRun, blasFound);
      for (const backend of [...backends, ...(sameBlas ? ["numpy's blas" as const] : [])]) {
        if (backend === "ts" && caseFlops(c) * caseIterations(c) > 1e9) continue;
        if (backend === "numpy's blas") {
          await initKernels({ backend: "blas", blasLibrary: sameBlas!, threads: c.threads });
        } else {
          if (backend === "blas") configureKernels({ blasLibrary: blasFound!.library });
          await initKernels({ backend, threads: c.threads });
        }
        // let the previous backend's threads (OpenBLAS's, the WebAssembly pool) stop spinning
        await new Promise((resolve) => setTimeout(resolve, 250));
        const times = perIteration(c, timeIt(ourCase(c), budget));
        const mine = keep(c, `this library (${backend})`, c.threads, times);
        if (npRow) mine.vsNumpy = mine.ms / npRow.ms;
      }
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
      const line = [...best.values()]
        .filter((r) => r.label === caseLabel(c) && r.threads === c.threads)
        .map((r) =>
          `${r.impl.replace("this library ", "")} ${fmt(r.ms, 2)} ms` +
          (r.vsNumpy ? ` ×${r.vsNumpy.toFixed(2)}` : "")
        ).join(" | ");
      console.log(`${caseLabel(c)} [${c.threads}t]: ${line}`);
    }
  }
  await shutdownKernels();
  configureKernels({ backend: "auto", ...(blasFound ? { blasLibrary: blasFound.library } : {}) });
  const results = [...best.values()];
  console.log(
    np
      ? `numpy ${np.numpy} via ${np.python}, BLAS ${np.blas}`
      : "numpy: not found (python3 with numpy)",
  );

  const skip = arg("--skip")?.split(",") ?? [];
  console.log("\ncold start (ms from process start: imports done, first 512² product done; warm):");
  const pythonFound = np?.python ?? (usePython ? python ?? "python3" : null);
  const cold = skip.includes("cold") ? [] : await coldStarts(backends, pythonFound);
  for (const { who, importMs, firstMs, warmMs } of cold) {
    console.log(
      `  ${who.padEnd(22)} ${fmt(importMs).padStart(7)} ${fmt(firstMs).padStart(7)} ${
        fmt(warmMs, 2).padStart(7)
      }`,
    );
  }

  console.log(
    "\nthresholds (µs per product; TypeScript | BLAS | WebAssembly 1 thread | + 1 worker):",
  );
  const thr = skip.includes("thresholds") ? [] : await thresholds(quick ? 0.05 : 0.2, !!blasFound);
  for (const { shape, ts, blas, wasm1, wasm2 } of thr) {
    const all = [ts, blas ?? Infinity, wasm1, wasm2];
    const min = Math.min(...all);
    const mark = (x: number) =>
      x === Infinity ? "        —  " : `${x.toFixed(1).padStart(9)}${x === min ? "*" : " "}`;
    console.log(`  ${shape.join("×").padEnd(14)} ${all.map(mark).join(" ")}`);
  }
  const load1 = Deno.loadavg();
  const report = {
    date: new Date().toISOString(),
    cpu,
    cores: navigator.hardwareConcurrency,
    deno: Deno.version,
    load: { before: load0, after: load1 },
    kernel: kernelInfo(),
    numpy: np ? { version: np.numpy, blas: np.blas, python: np.python } : null,
    results,
    coldStart: cold,
    thresholds: thr,
  };
  await Deno.mkdir(outDir, { recursive: true });
  await Deno.writeTextFile(`${outDir}/results.json`, JSON.stringify(report, null, 2) + "\n");
  await Deno.writeTextFile(`${outDir}/results.svg`, renderChart(results) + "\n");
  const machine = `${cpu}, ${navigator.hardwareConcurrency} cores; numpy ${np?.numpy ?? "—"} (${
    np?.blas ?? "no numpy"
  }); this library's BLAS: ${blasFound ? `${blasFound.library} (${blasFound.vendor})` : "none"}`;
  const table = markdownTable(results, machine);
  await Deno.writeTextFile(`${outDir}/results.md`, table);
  console.log("\n" + table);
  console.log(
    `load before ${load0.map((x) => x.toFixed(2)).join(" ")}, after ${
      load1.map((x) => x.toFixed(2)).join(" ")
    }; wrote ${outDir}/results.{json,svg,md}`,
  );
}
