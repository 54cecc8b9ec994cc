// The dispatcher's backends: the system BLAS through FFI, WebAssembly and TypeScript, each run
// through gemm/gemmTA/gemmTB against the readable reference; how the BLAS is found (or not:
// no permission, a bad BLAS_LIB) and how CS231N_BACKEND overrides it, in fresh processes.
import assert from "node:assert/strict";
import {
  configureKernels,
  gemm,
  gemmTA,
  gemmTB,
  type KernelBackend,
  type KernelInfo,
  kernelInfo,
} from "../lib/kernels/gemm.ts";
import { gemmReference, gemmTAReference, gemmTBReference } from "../lib/kernels/reference.ts";
import { blasCandidates, findBlas } from "../lib/kernels/blas.ts";
import { backendFromEnv } from "../lib/kernels/settings.ts";
import { matmul, matmulTA, matmulTB, Matrix } from "../lib/matrix.ts";

type Kernel = typeof gemm;
const OPS: [string, Kernel, Kernel][] = [
  ["gemm", gemm, gemmReference],
  ["gemmTA", gemmTA, gemmTAReference],
  ["gemmTB", gemmTB, gemmTBReference],
];

/** Vectors, off-tile sizes, k = 1, large enough for the library's own threads. */
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [1, 37, 29],
  [29, 37, 1],
  [7, 3, 5],
  [13, 1, 17],
  [97, 259, 45],
  [150, 20, 7],
  [200, 300, 190],
];

const blasFound = kernelInfo().blasLibrary !== null;
const BACKENDS: KernelBackend[] = ["ts", "wasm", ...(blasFound ? ["blas" as const] : [])];

function relDiff(x: Float64Array, y: Float64Array): number {
  let d = 0, scale = 0;
  for (let i = 0; i < y.length; i++) {
    d = Math.max(d, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  return scale === 0 ? d : d / scale;
}

function withSettings<T>(settings: Parameters<typeof configureKernels>[0], fn: () => T): T {
  const before: KernelInfo = kernelInfo();
  configureKernels(settings);
  try {
    return fn();
  } finally {
    const { backend, threads, minBlasWork, minWasmWork, minParallelWork } = before;
    configureKernels({ backend, threads, minBlasWork, minWasmWork, minParallelWork });
  }
}

Deno.test("CI installs libopenblas0: the BLAS backend is found and tested there", () => {
  if (Deno.env.get("CI") !== "true" || Deno.build.os !== "linux") return;
  assert.ok(blasFound, `no BLAS in CI: ${kernelInfo().blasNote}`);
});

for (const backend of BACKENDS) {
  Deno.test(`${backend}: known answers, transposes, k = 0, empty, views at offsets`, () => {
    withSettings({ backend }, () => {
      const A = Matrix.fromArray([[1, 2, 3], [4, 5, 6]]);
      const B = Matrix.fromArray([[7, 8], [9, 10], [11, 12]]);
      assert.deepEqual(matmul(A, B).toArray(), [[58, 64], [139, 154]]);
      assert.deepEqual(matmulTA(B, B).toArray(), [[251, 278], [278, 308]]);
      assert.deepEqual(matmulTB(A, A).toArray(), [[14, 32], [32, 77]]);
      const out = new Float64Array(6).fill(5);
      gemm(new Float64Array(0), new Float64Array(0), out, 2, 0, 3);
      assert.deepEqual(Array.from(out), [0, 0, 0, 0, 0, 0]);
      assert.deepEqual(matmul(new Matrix(3, 0), new Matrix(0, 2)).toArray(), [[0, 0], [0, 0], [
        0,
        0,
      ]]);
      // operands and result as views into larger arrays: read and written in place, nothing else
      const buf = Float64Array.from({ length: 20 }, (_, i) => i);
      const big = new Float64Array(12).fill(-1);
      gemm(buf.subarray(2, 6), buf.subarray(10, 14), big.subarray(3, 7), 2, 2, 2);
      assert.deepEqual(Array.from(big), [-1, -1, -1, 56, 61, 100, 109, -1, -1, -1, -1, -1]);
    });
  });

  if (backend === "ts") continue; // the reference itself
  Deno.test(`${backend}: gemm, gemmTA, gemmTB equal the TypeScript reference to 1e-12`, () => {
    withSettings({ backend }, () => {
      SHAPES.forEach(([m, k, n], s) => {
        const a = Matrix.randn(1, m * k, 2 * s).data, b = Matrix.randn(1, k * n, 2 * s + 1).data;
        for (const [name, fast, reference] of OPS) {
          const expected = new Float64Array(m * n), actual = new Float64Array(m * n).fill(NaN);
          reference(a, b, expected, m, k, n);
          fast(a, b, actual, m, k, n);
          const d = relDiff(actual, expected);
          assert.ok(d <= 1e-12, `${backend} ${name} (${m}, ${k}, ${n}): relative difference ${d}`);
        }
      });
    });
  });

  Deno.test(`${backend}: same inputs, same outputs (bit-identical repeats)`, () => {
    withSettings({ backend }, () => {
      const a = Matrix.randn(240, 300, 7), b = Matrix.randn(300, 180, 8);
      const first = matmul(a, b);
      matmulTB(Matrix.randn(30, 20, 9), Matrix.randn(40, 20, 10)); // something else in between
      assert.deepEqual(matmul(a, b).data, first.data);
    });
  });
}

Deno.test({
  name: "blas: 1 and 2 threads both agree with the reference; kernelInfo names the library",
  ignore: !blasFound,
  fn() {
    const [m, k, n] = [300, 257, 310];
    const a = Matrix.randn(m, k, 3).data, b = Matrix.randn(k, n, 4).data;
    const expected = new Float64Array(m * n);
    gemmReference(a, b, expected, m, k, n);
    for (const threads of [1, 2]) {
      const info = withSettings({ backend: "blas", threads }, () => {
        const out = new Float64Array(m * n);
        gemm(a, b, out, m, k, n);
        assert.ok(relDiff(out, expected) <= 1e-12, `${threads} threads`);
        return kernelInfo();
      });
      assert.equal(info.active, "blas");
      assert.equal(info.threads, threads);
    }
    const info = kernelInfo();
    assert.ok(blasCandidates(Deno.build.os).includes(info.blasLibrary!), info.blasLibrary!);
    assert.match(info.blasVendor!, /OpenBLAS|MKL|BLIS|FlexiBLAS|Accelerate/);
    assert.equal(info.blasNote, "");
  },
});

Deno.test({
  name: "auto with a BLAS: TypeScript below minBlasWork, the BLAS from there on, any shape",
  ignore: !blasFound,
  fn() {
    // 0·∞ tells the paths apart: the TypeScript loops skip a zero of A, BLAS and WASM give NaN.
    const probe = (m: number, k: number, n: number) => {
      const C = matmul(new Matrix(m, k), Matrix.full(k, n, Infinity));
      return Number.isNaN(C.get(0, 0)) ? "fast" : "ts";
    };
    withSettings({ backend: "auto", minBlasWork: 343 }, () => {
      assert.equal(kernelInfo().active, "blas");
      assert.equal(probe(6, 6, 6), "ts"); // 216 < 343
      assert.equal(probe(7, 7, 7), "fast");
      assert.equal(probe(1, 3073, 10), "fast"); // a row times a matrix
      assert.equal(probe(100, 4, 1), "fast"); // a thin product
    });
    withSettings({ backend: "blas" }, () => assert.equal(probe(1, 1, 1), "fast"));
    withSettings({ backend: "wasm" }, () => assert.equal(kernelInfo().active, "wasm"));
  },
});

Deno.test("findBlas: a BLAS_LIB that cannot be loaded is an error naming it", () => {
  assert.throws(
    () => findBlas("/no/such/dir/libcblas.so"),
    /BLAS_LIB=\/no\/such\/dir\/libcblas\.so: cannot load it as a CBLAS library \(.*\); unset/,
  );
  assert.deepEqual(blasCandidates("linux").slice(0, 2), ["libopenblas.so.0", "libopenblas.so"]);
  assert.equal(backendFromEnv(() => " BLAS "), "blas");
  assert.throws(() => backendFromEnv(() => "cuda"), /CS231N_BACKEND=cuda: must be one of auto/);
});

/** Runs `code` in a fresh `deno run` with `flags` and `env`; returns stdout's JSON. */
async function fresh(code: string, flags: string[], env: Record<string, string> = {}) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-check", ...flags, "-"],
    env,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(code));
  await writer.close();
  const { code: exit, stdout, stderr } = await child.output();
  assert.equal(exit, 0, new TextDecoder().decode(stderr));
  return JSON.parse(new TextDecoder().decode(stdout));
}

const SCRIPT = `
import { configureKernels, kernelInfo } from ${
  JSON.stringify(new URL("../lib/kernels/gemm.ts", import.meta.url).href)
};
import { matmul, Matrix } from ${JSON.stringify(new URL("../lib/matrix.ts", import.meta.url).href)};
const result = {};
try {
  result.c = matmul(Matrix.fromArray([[1, 2]]), Matrix.full(2, 40, 3)).data[39];
  result.info = kernelInfo();
} catch (e) {
  result.error = e.message;
}
try {
  configureKernels({ backend: "blas" });
  result.forced = "blas";
} catch (e) {
  result.forced = e.message;
}
console.log(JSON.stringify(result));`;

Deno.test("no permissions (graded code): silently WebAssembly, and backend blas says why", async () => {
  const r = await fresh(SCRIPT, []);
  assert.equal(r.error, undefined);
  assert.equal(r.c, 9);
  assert.equal(r.info.backend, "auto");
  assert.equal(r.info.active, "wasm");
  assert.equal(r.info.blasLibrary, null);
  assert.equal(r.info.blasNote, "no FFI permission (run with --allow-ffi)");
  assert.equal(
    r.forced,
    'configureKernels: backend "blas" needs a CBLAS library: no FFI permission (run with --allow-ffi)',
  );
});

Deno.test("environment: CS231N_BACKEND picks the backend, BLAS_LIB the library", async () => {
  const flags = ["--allow-ffi", "--allow-env"];
  const bad = await fresh(SCRIPT, flags, { BLAS_LIB: "/no/such/libblas.so", CS231N_BACKEND: "" });
  assert.match(bad.error, /^BLAS_LIB=\/no\/such\/libblas\.so: cannot load it as a CBLAS library/);
  const typo = await fresh(SCRIPT, flags, { CS231N_BACKEND: "gpu" });
  assert.match(typo.error, /^CS231N_BACKEND=gpu: must be one of auto, blas, wasm, ts/);
  const ts = await fresh(SCRIPT, flags, { CS231N_BACKEND: "ts", BLAS_LIB: "" });
  assert.equal(ts.c, 9);
  assert.deepEqual([ts.info.backend, ts.info.active], ["ts", "ts"]);
  if (blasFound) {
    const library = kernelInfo().blasLibrary!;
    const chosen = await fresh(SCRIPT, flags, { BLAS_LIB: library, CS231N_BACKEND: "blas" });
    assert.deepEqual([chosen.c, chosen.info.active, chosen.info.blasLibrary], [9, "blas", library]);
    assert.equal(chosen.forced, "blas");
  }
});

/**
 * A 64-bit-integer OpenBLAS (scipy-openblas, inside numpy's wheels: `scipy_cblas_dgemm64_`), here
 * a stand-in compiled from tests/fixtures/ilp64_cblas.c, chosen with configureKernels({
 * blasLibrary }) in a fresh process: products go through it and equal the reference.
 */
const ILP64_SCRIPT = `
import { configureKernels, gemm, gemmTA, gemmTB, kernelInfo } from "${
  new URL("../lib/kernels/gemm.ts", import.meta.url).href
}";
import { gemmReference, gemmTAReference, gemmTBReference } from "${
  new URL("../lib/kernels/reference.ts", import.meta.url).href
}";
import { openBlas } from "${new URL("../lib/kernels/blas.ts", import.meta.url).href}";
const library = Deno.args[0];
const result = {};
try {
  configureKernels({ blasLibrary: "/no/such/libscipy_openblas64_.so" });
} catch (e) {
  result.bad = e.message;
}
const info = configureKernels({ blasLibrary: library, backend: "blas" });
result.library = info.blasLibrary;
result.vendor = info.blasVendor;
let worst = 0;
for (const [m, k, n] of [[2, 3, 4], [7, 1, 5], [30, 17, 11]]) {
  const a = Float64Array.from({ length: m * k }, (_, i) => Math.sin(i + 1));
  const b = Float64Array.from({ length: k * n }, (_, i) => Math.cos(i + 2));
  for (const [fast, ref] of [[gemm, gemmReference], [gemmTA, gemmTAReference], [gemmTB, gemmTBReference]]) {
    const x = new Float64Array(m * n).fill(NaN), y = new Float64Array(m * n);
    fast(a, b, x, m, k, n);
    ref(a, b, y, m, k, n);
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
  }
}
result.worst = worst;
const counter = Deno.dlopen(library, { ilp64_calls: { parameters: [], result: "i64" } });
result.calls = Number(counter.symbols.ilp64_calls());
result.fitsHuge = openBlas(library).fits(2 ** 31, 1, 1);
console.log(JSON.stringify(result));`;

Deno.test("a 64-bit-integer OpenBLAS (numpy's scipy-openblas naming) through blasLibrary", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const lib = `${dir}/libscipy_openblas64_test.so`;
    const source = new URL("./fixtures/ilp64_cblas.c", import.meta.url).pathname;
    let cc: Deno.CommandOutput;
    try {
      cc = await new Deno.Command("cc", { args: ["-shared", "-fPIC", "-O1", "-o", lib, source] })
        .output();
    } catch (e) {
      throw new Error(`a C compiler (cc) is needed to build the ILP64 stand-in: ${e}`);
    }
    assert.equal(cc.code, 0, new TextDecoder().decode(cc.stderr));
    const script = `${dir}/ilp64.ts`;
    await Deno.writeTextFile(script, ILP64_SCRIPT);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-ffi", "--allow-read", "--no-config", script, lib],
      env: { NO_COLOR: "1" },
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const r = JSON.parse(new TextDecoder().decode(out.stdout));
    assert.match(
      r.bad,
      /^configureKernels: blasLibrary \/no\/such\/libscipy_openblas64_\.so cannot/,
    );
    assert.equal(r.library, lib);
    assert.equal(r.vendor, "OpenBLAS (test stand-in) USE64BITINT");
    assert.ok(r.worst <= 1e-12, `worst difference ${r.worst}`);
    assert.equal(r.calls, 9, "every product went through the stand-in's scipy_cblas_dgemm64_");
    assert.equal(r.fitsHuge, true, "64-bit sizes: no 2³¹ limit");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
