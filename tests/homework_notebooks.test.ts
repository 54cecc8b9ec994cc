/**
 * The student edition's lessons run through Jupyter and the Deno kernel (tools/notebooks.ts):
 * lesson 01 stops at the first stub with a clear "TODO: implement" error, and runs to the end
 * with every chart once the solutions are filled back in (lib/ and the notebook). Without Jupyter
 * this fails under CI=true and is ignored elsewhere, like tests/notebooks.test.ts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { findJupyter, hasSubcommand, installKernelspec, REPO_ROOT } from "../tools/kernelspec.ts";
import {
  executeNotebook,
  formatProblems,
  missingRichOutputs,
  readNotebook,
  sourceOf,
} from "../tools/notebooks.ts";
import { loadManifest } from "../grader/judge/manifest.ts";
import { fillNotebook, fillSolutions, findRegions } from "../grader/release/markers.ts";
import { buildStudentEdition } from "../grader/release/student_edition.ts";
import { listFiles } from "../grader/judge/zip.ts";

const LESSON = "notebooks/01-nearest-neighbor.ipynb";
const CI = Deno.env.get("CI") === "true";

async function prepare(): Promise<string | { reason: string }> {
  const jupyter = await findJupyter();
  if (!jupyter) {
    return { reason: "Jupyter not found (apt-get install jupyter-nbconvert python3-nbclient)" };
  }
  if (!(await hasSubcommand(jupyter, "nbconvert"))) {
    return { reason: `${jupyter} has no nbconvert` };
  }
  try {
    await installKernelspec({ jupyter });
  } catch (e) {
    return { reason: `cannot install the Deno kernelspec: ${e instanceof Error ? e.message : e}` };
  }
  return jupyter;
}

const setup = await prepare();
const jupyter = typeof setup === "string" ? setup : null;
if (!jupyter) {
  const reason = (setup as { reason: string }).reason;
  if (CI) {
    Deno.test("homework notebooks: Jupyter is available (required under CI)", () =>
      assert.fail(reason));
  } else console.log(`homework notebook tests ignored: ${reason}`);
}

const tmp = await Deno.makeTempDir({ prefix: "hw-nb-test-" });
const student = join(tmp, "student");

Deno.test({
  name: "homework notebooks: the student lesson runs up to the first TODO and stops there",
  ignore: !jupyter,
  fn: async () => {
    const manifest = await loadManifest(join(REPO_ROOT, "assignments", "assignments.json"));
    await buildStudentEdition(REPO_ROOT, student, manifest);
    const result = await executeNotebook(join(student, LESSON), { jupyter: jupyter! });
    console.log(`⏱ student ${LESSON}: ${result.seconds.toFixed(1)} s`);
    assert.equal(result.ok, false);
    assert.equal(result.problems.length, 1);
    const [p] = result.problems;
    assert.match(p.message, /^Error: TODO: implement \w+/);
    assert.match(p.message, /at KNearestNeighbor\.\w+ \(file:\/\/.*\/student\/lib\/classifiers/);
    assert.ok(p.cell > 2, `stopped at cell ${p.cell}, after the cells before it ran`);
  },
});

Deno.test({
  name: "homework notebooks: with the solutions filled back in, the lesson runs to the end",
  ignore: !jupyter,
  fn: async () => {
    // lib/: every stub replaced by its solution gives back the instructor's file exactly.
    for (const path of await listFiles(join(REPO_ROOT, "lib"))) {
      if (!path.endsWith(".ts")) continue;
      const original = await Deno.readTextFile(join(REPO_ROOT, "lib", path));
      if (findRegions(original, path).length === 0) continue;
      const target = join(student, "lib", path);
      const filled = fillSolutions(await Deno.readTextFile(target), original, path);
      assert.equal(filled, original, path);
      await Deno.writeTextFile(target, filled);
    }
    const nbPath = join(student, LESSON);
    const original = await readNotebook(join(REPO_ROOT, LESSON));
    const filled = fillNotebook(await readNotebook(nbPath), original, LESSON);
    assert.deepEqual(filled.cells.map(sourceOf), original.cells.map(sourceOf));
    await Deno.writeTextFile(nbPath, JSON.stringify(filled, null, 1));
    const result = await executeNotebook(nbPath, { jupyter: jupyter! });
    console.log(`⏱ filled ${LESSON}: ${result.seconds.toFixed(1)} s`);
    assert.ok(result.ok, formatProblems(nbPath, result.problems));
    assert.deepEqual(missingRichOutputs(result.executed!), []);
  },
});

Deno.test("homework notebooks: cleanup", async () => {
  await Deno.remove(tmp, { recursive: true });
});
