/**
 * numpy's time for the same computation on the same data, for the lessons' timing charts: the
 * matrices go to temporary files (raw float64), a `python3` process loads them and times a numpy
 * expression over them (best of a few runs after a warm-up). Nothing happens without Python and
 * numpy, or without the permissions to write a temporary file and run a program (never prompts):
 * the answer is then null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "./matrix.ts";
 * import { timeNumpy } from "./numpy_timing.ts";
 * const r = await timeNumpy("A @ B", { A: Matrix.ones(20, 30), B: Matrix.ones(30, 10) });
 * assert(r === null || (r.ms >= 0 && r.numpy.length > 0));
 * ```
 * @module
 */
import type { Matrix } from "./matrix.ts";

/**
 * numpy's best time and where it ran.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { NumpyTiming } from "./numpy_timing.ts";
 * const t: NumpyTiming = { ms: 1.5, numpy: "1.24.2", python: "/usr/bin/python3" };
 * assert.equal(t.ms, 1.5);
 * ```
 */
export interface NumpyTiming {
  /** Best of the runs, milliseconds. */
  ms: number;
  /** numpy's version. */
  numpy: string;
  /** The Python that ran it. */
  python: string;
}

const SCRIPT = `
import json, sys, time
import numpy as np
spec = json.loads(sys.argv[1])
env = {"np": np}
for name, (path, rows, cols) in spec["arrays"].items():
    env[name] = np.fromfile(path, dtype="<f8").reshape(rows, cols)
code = compile(spec["expr"], "<expr>", "eval")
eval(code, env)
best = float("inf")
for _ in range(spec["repeats"]):
    t = time.perf_counter(); eval(code, env); best = min(best, time.perf_counter() - t)
print(json.dumps({"ms": best * 1e3, "numpy": np.__version__}))
`;

function granted(descriptor: Deno.PermissionDescriptor): boolean {
  try {
    return Deno.permissions.querySync(descriptor).state === "granted";
  } catch {
    return false;
  }
}

/**
 * Times the numpy expression `expr` (e.g. `"A @ B.T"`; `np` is numpy) over `arrays`, each
 * available under its key as a float64 array of the matrix's shape: the best of `repeats` runs
 * after one warm-up, in milliseconds. Tries `python3`, then `/usr/bin/python3`; null when neither
 * has numpy, when the permissions to write a temporary file and run Python are not granted, or
 * when the expression fails.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "./matrix.ts";
 * import { timeNumpy } from "./numpy_timing.ts";
 * const r = await timeNumpy("np.sqrt(A).sum()", { A: Matrix.full(3, 3, 4) }, { repeats: 2 });
 * assert(r === null || r.ms < 1000);
 * assert.equal(await timeNumpy("1 +", { A: Matrix.ones(1, 1) }), null); // a syntax error
 * ```
 */
export async function timeNumpy(
  expr: string,
  arrays: Record<string, Matrix>,
  { repeats = 3 }: { repeats?: number } = {},
): Promise<NumpyTiming | null> {
  if (!granted({ name: "run" }) || !granted({ name: "write" })) return null;
  const dir = await Deno.makeTempDir({ prefix: "numpy-timing-" });
  try {
    const spec: { expr: string; repeats: number; arrays: Record<string, unknown> } = {
      expr,
      repeats,
      arrays: {},
    };
    for (const [name, m] of Object.entries(arrays)) {
      const path = `${dir}/${name}.f64`;
      await Deno.writeFile(
        path,
        new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.length * 8),
      );
      spec.arrays[name] = [path, m.rows, m.cols];
    }
    for (const python of ["python3", "/usr/bin/python3"]) {
      try {
        const { success, stdout } = await new Deno.Command(python, {
          args: ["-c", SCRIPT, JSON.stringify(spec)],
          stdout: "piped",
          stderr: "null",
        }).output();
        if (!success) continue;
        return { ...JSON.parse(new TextDecoder().decode(stdout)), python };
      } catch {
        // not installed: try the next
      }
    }
    return null;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
