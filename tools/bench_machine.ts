/**
 * The machine side of `tools/bench.ts`: the CPU model, and cold starts — the first product in a
 * fresh process (module loading, finding the BLAS or compiling WebAssembly, starting threads) for
 * each backend of this library and for numpy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cpuModel } from "./bench_machine.ts";
 * assert.equal(typeof cpuModel(), "string");
 * ```
 * @module
 */

/**
 * The CPU's model name (Linux: /proc/cpuinfo; macOS: sysctl), or "unknown CPU".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cpuModel } from "./bench_machine.ts";
 * assert.ok(cpuModel().length > 0);
 * ```
 */
export function cpuModel(): string {
  try {
    if (Deno.build.os === "linux") {
      const info = Deno.readTextFileSync("/proc/cpuinfo");
      const flags = info.match(/^flags\s*:(.*)$/m)?.[1].split(/\s+/) ?? [];
      const simd = ["avx512f", "avx2"].find((f) => flags.includes(f));
      const name = info.match(/^model name\s*:\s*(.*)$/m)?.[1].trim() ?? "unknown CPU";
      return simd ? `${name} (${simd})` : name;
    }
    if (Deno.build.os === "darwin") {
      const { stdout } = new Deno.Command("sysctl", { args: ["-n", "machdep.cpu.brand_string"] })
        .outputSync();
      return new TextDecoder().decode(stdout).trim() || "unknown CPU";
    }
  } catch {
    // no read or run permission: say so below
  }
  return "unknown CPU";
}

/**
 * One cold start: milliseconds from process start until the imports are done, until the first
 * product is done, and the second (warm) product alone.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ColdStart } from "./bench_machine.ts";
 * const c: ColdStart = { who: "numpy", importMs: 80, firstMs: 95, warmMs: 3 };
 * assert(c.firstMs >= c.importMs);
 * ```
 */
export interface ColdStart {
  /** "this library (blas)", "this library (wasm)", "this library (ts)" or "numpy". */
  who: string;
  /** Process start to the end of the imports (Deno: `lib/mod.ts`; Python: `numpy`). */
  importMs: number;
  /** Process start to the end of the first product. */
  firstMs: number;
  /** The second product alone. */
  warmMs: number;
}

const DENO_SCRIPT = (lib: string, n: number) => `
import { matmul, Matrix } from ${JSON.stringify(lib)};
const t0 = performance.now();
const A = Matrix.randn(${n}, ${n}, 1), B = Matrix.randn(${n}, ${n}, 2);
const t1 = performance.now();
matmul(A, B);
const t2 = performance.now();
matmul(B, A);
const t3 = performance.now();
console.log(JSON.stringify({ importMs: t0, firstMs: t2 - (t1 - t0), warmMs: t3 - t2 }));`;

const PYTHON_SCRIPT = (n: number) => `
import time, json
t = time.perf_counter(); import numpy as np; t0 = time.perf_counter()
rng = np.random.default_rng(0); A = rng.standard_normal((${n}, ${n})); B = rng.standard_normal((${n}, ${n}))
t1 = time.perf_counter(); A @ B; t2 = time.perf_counter(); B @ A; t3 = time.perf_counter()
print(json.dumps({"importMs": (t0 - t) * 1e3, "firstMs": (t0 - t + t2 - t1) * 1e3, "warmMs": (t3 - t2) * 1e3}))`;

/**
 * Cold starts of an n×n product: one fresh `deno run -A` per backend (`CS231N_BACKEND`), then
 * numpy with `python` when given. Python's time counts from just before `import numpy` (the
 * interpreter's own start is left out); Deno's from the process start (its `performance.now()`
 * origin), so Deno's column includes its runtime's start. Input generation is left out of both.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { coldStarts } from "./bench_machine.ts";
 * const [ts] = await coldStarts(["ts"], null, 8);
 * assert.equal(ts.who, "this library (ts)");
 * assert(ts.firstMs >= ts.importMs && ts.warmMs >= 0);
 * ```
 */
export async function coldStarts(
  backends: string[],
  python: string | null,
  n = 512,
): Promise<ColdStart[]> {
  const lib = new URL("../lib/mod.ts", import.meta.url).href;
  const out: ColdStart[] = [];
  const run = async (cmd: string, args: string[], stdin: string, env: Record<string, string>) => {
    const child = new Deno.Command(cmd, { args, env, stdin: "piped", stdout: "piped" }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
    const { success, stdout } = await child.output();
    if (!success) throw new Error(`cold start: ${cmd} ${args.join(" ")} failed`);
    return JSON.parse(new TextDecoder().decode(stdout));
  };
  for (const backend of backends) {
    const args = ["run", "-A", "--no-check", "-"];
    const r = await run(Deno.execPath(), args, DENO_SCRIPT(lib, n), { CS231N_BACKEND: backend });
    out.push({ who: `this library (${backend})`, ...r });
  }
  if (python) out.push({ who: "numpy", ...await run(python, ["-"], PYTHON_SCRIPT(n), {}) });
  return out;
}
