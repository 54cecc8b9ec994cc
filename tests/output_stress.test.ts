/**
 * No output is ever dropped or misfiled: the race notebook (60 quick cells, each ending with a
 * display of up to 300 kB, the case where the bare Deno kernel loses a few per run) runs N times
 * through Jupyter with the output tracer and no settle delay or retry; every display must land in
 * its own cell. N = `$OUTPUT_STRESS_RUNS`, else 5. The lessons themselves are traced the same way
 * by tests/notebooks.test.ts (once each); `deno task stress:outputs` runs them N times too.
 * Without Jupyter this test fails under CI=true and is ignored elsewhere.
 */
import assert from "node:assert/strict";
import { findJupyter, hasSubcommand, installKernelspec } from "../tools/kernelspec.ts";
import { formatRun, stressOutputs, summarize } from "../tools/stress_outputs.ts";

const RUNS = Number(Deno.env.get("OUTPUT_STRESS_RUNS") ?? 5);
const CI = Deno.env.get("CI") === "true";

const jupyter = await findJupyter();
const usable = jupyter !== null && (await hasSubcommand(jupyter, "nbconvert"));
if (usable) await installKernelspec({ jupyter: jupyter! });
else if (!CI) console.log("output stress test ignored: Jupyter with nbconvert not found");

Deno.test({
  name: `outputs: the race notebook ×${RUNS} loses no display and misfiles none`,
  ignore: !usable && !CI,
  fn: async () => {
    assert.ok(
      usable,
      "Jupyter with nbconvert is required under CI (apt-get install jupyter-nbconvert)",
    );
    assert.ok(Number.isInteger(RUNS) && RUNS >= 1, `OUTPUT_STRESS_RUNS must be ≥ 1, got ${RUNS}`);
    const runs = await stressOutputs({
      jupyter: jupyter!,
      runs: RUNS,
      lessons: false,
      onRun: (r) => console.log(formatRun(r)),
    });
    const s = summarize(runs);
    assert.equal(s.runs, RUNS);
    assert.equal(s.displays, 60 * RUNS, "the tracer saw every display sent");
    assert.deepEqual({ missing: s.missing, misplaced: s.misplaced }, { missing: 0, misplaced: 0 });
  },
});
