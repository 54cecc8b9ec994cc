/**
 * `deno task release` (tools/homework/release.ts), run once into a temp dir for the whole file:
 * the student edition is complete and leaks nothing, the autograder folders and zips have
 * Gradescope's layout, run_autograder grades a submission (and still writes results.json when the
 * grader fails), `deno task check` works in the student edition, and release refuses a broken
 * solution, a gradeable bare edition and unbalanced markers.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { REPO_ROOT } from "../tools/kernelspec.ts";
import { readNotebook, sourceOf, uncleanCells } from "../tools/notebooks.ts";
import { loadManifest } from "../tools/homework/manifest.ts";
import { notebookRegions } from "../tools/homework/markers.ts";
import { release, type ReleaseReport } from "../tools/homework/release.ts";
import { validateResults } from "../tools/homework/results.ts";
import { leaks } from "../tools/homework/student_edition.ts";
import { copyTree } from "../tools/homework/workspace.ts";
import { listFiles, unzipEntries } from "../tools/homework/zip.ts";

const tmp = await Deno.makeTempDir({ prefix: "hw-release-test-" });
const out = join(tmp, "dist");
const manifest = await loadManifest(join(REPO_ROOT, "assignments", "assignments.json"));
let report: ReleaseReport | null = null;
const dec = new TextDecoder();

async function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = await new Deno.Command(cmd, { args, cwd, env, stdin: "null" }).output();
  return { code: r.code, out: dec.decode(r.stdout) + dec.decode(r.stderr) };
}

Deno.test("release: writes the student edition and one autograder per assignment", async () => {
  report = await release({ out, log: () => {} });
  console.log(
    `⏱ release of ${report.autograders.length} assignments: ${report.seconds.toFixed(1)} s`,
  );
  assert.equal(report.student, join(out, "student"));
  assert.deepEqual(report.autograders.map((a) => [a.id, a.max, a.solution, a.bare]), [
    ["A1", 20, 20, 0],
    ["A2", 20, 20, 0],
    ["A3", 20, 20, 0],
  ]);
  const leftovers = [...Deno.readDirSync(out)].map((e) => e.name).sort();
  assert.deepEqual(leftovers, ["autograder", "student"], "no staging folder left behind");
});

Deno.test("release: the student edition is a complete repo without solutions or hidden tests", async () => {
  const student = join(out, "student");
  const files = await listFiles(student);
  for (
    const need of [
      "deno.json",
      "deno.lock",
      "README.md",
      ".gitignore",
      "data/README.md",
      "lib/mod.ts",
      "lib/matrix.ts",
      "notebooks/01-nearest-neighbor.ipynb",
      "assignments/assignments.json",
      "assignments/tests/harness.ts",
      "assignments/tests/A1/public/a1.test.ts",
      "tools/lab.ts",
      "tools/kernelspec.ts",
      "tools/homework/check.ts",
    ]
  ) assert.ok(files.includes(need), `missing ${need}`);
  assert.ok(!files.some((f) => f.split("/").includes("hidden")), "no hidden tests");
  assert.ok(!files.some((f) => /release\.ts|grade\.ts|student_edition\.ts|^tests\//.test(f)));
  const tasks = JSON.parse(await Deno.readTextFile(join(student, "deno.json"))).tasks;
  assert.deepEqual(Object.keys(tasks).sort(), ["check", "data:cifar10", "lab", "test"]);
  // Distinctive solution lines, by hand, and the systematic check.
  const all = (await Promise.all(
    files.filter((f) => /\.(ts|ipynb|json|md)$/.test(f)).map((f) =>
      Deno.readTextFile(join(student, f))
    ),
  )).join("\n");
  for (
    const line of [
      "Math.sqrt(Math.max(0, testSq[i] + trainSq[j] - 2 * ab))",
      "const dScores = margins.map((m) => (m > 0 ? 1 : 0));",
      "const mHat = m.div(1 - beta1 ** t);",
      "const dhPre = reluBackward(matmulTB(dscores, W2), hCache);",
    ]
  ) assert.ok(!all.includes(line), `leaked: ${line}`);
  assert.ok(!files.some((f) => f.endsWith("markers.ts")), "students get no marker tooling");
  assert.ok(!all.includes("BEGIN SOLUTION"));
  assert.match(all, /throw new Error\("TODO: implement computeDistancesNoLoops"\);/);
  assert.deepEqual(await leaks(REPO_ROOT, student, manifest), []);
  // The hidden tests' names are nowhere; the student manifest says how many points they carry.
  const sm = JSON.parse(await Deno.readTextFile(join(student, "assignments/assignments.json")));
  assert.deepEqual(sm.assignments.map((a: { hiddenPoints: number }) => a.hiddenPoints), [
    10,
    10,
    10,
  ]);
});

Deno.test("release: student notebooks have stubbed solution cells and no outputs", async () => {
  const dir = join(out, "student", "notebooks");
  for (
    const name of [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".ipynb"))
  ) {
    const nb = await readNotebook(join(dir, name));
    const original = await readNotebook(join(REPO_ROOT, "notebooks", name));
    assert.deepEqual(uncleanCells(nb), [], `${name} has outputs`);
    assert.equal(nb.cells.length, original.cells.length);
    const src = nb.cells.filter((c) => c.cell_type === "code").map(sourceOf).join("\n");
    const todos = notebookRegions(original, name).filter((r) => /TODO: implement/.test(r.stub));
    assert.equal(src.match(/TODO: implement/g)?.length ?? 0, todos.length, name);
    for (const r of todos) {
      assert.ok(sourceOf(nb.cells[r.cell]).includes(r.stub), `${name} cell ${r.cell}`);
    }
  }
});

Deno.test("release: autograder folders and zips have Gradescope's layout", async () => {
  for (const a of report!.autograders) {
    const zip = unzipEntries(await Deno.readFile(a.zip));
    const names = [...zip.keys()];
    for (
      const need of [
        "setup.sh",
        "run_autograder",
        "deno.json",
        "deno.lock",
        "assignments/assignments.json",
        "assignments/tests/harness.ts",
        `assignments/tests/${a.id}/hidden/${a.id.toLowerCase()}.test.ts`,
        `assignments/tests/${a.id}/public/${a.id.toLowerCase()}.test.ts`,
        "tools/homework/grade.ts",
        "base/deno.json",
        "base/lib/mod.ts",
      ]
    ) assert.ok(names.includes(need), `${a.id}.zip lacks ${need}`);
    assert.ok(!names.some((n) => /^assignments\/tests\/A\d\//.test(n) && !n.includes(`/${a.id}/`)));
    // base/ is the student lib: the autograder carries no solution either.
    const base = dec.decode(zip.get("base/lib/classifiers/k_nearest_neighbor.ts"));
    assert.match(base, /TODO: implement computeDistancesTwoLoops/);
    assert.equal(modeInZip(await Deno.readFile(a.zip), "run_autograder"), 0o755);
    assert.equal(modeInZip(await Deno.readFile(a.zip), "setup.sh"), 0o755);
    assert.equal((await run("bash", ["-n", "setup.sh"], a.dir)).code, 0);
    assert.match(dec.decode(zip.get("setup.sh")), /npm install .*"deno@2\.9\.6"/);
  }
});

Deno.test("release: run_autograder grades /autograder/submission into results.json", async () => {
  const a1 = report!.autograders.find((a) => a.id === "A1")!;
  const root = join(tmp, "gradescope");
  await copyTree(a1.dir, join(root, "source"));
  await Deno.chmod(join(root, "source", "run_autograder"), 0o755);
  for (const f of ["lib/classifiers/k_nearest_neighbor.ts", "lib/cross_validation.ts"]) {
    await Deno.mkdir(dirname(join(root, "submission", f)), { recursive: true });
    await Deno.copyFile(join(REPO_ROOT, f), join(root, "submission", f));
  }
  const env = { AUTOGRADER_ROOT: root };
  const graded = await run(join(root, "source", "run_autograder"), [], root, env);
  assert.equal(graded.code, 0, graded.out);
  const results = JSON.parse(await Deno.readTextFile(join(root, "results", "results.json")));
  assert.deepEqual(validateResults(results), []);
  assert.equal(results.score, 20);
  assert.match(await Deno.readTextFile(join(root, "results", "results.md")), /^# A1: 20 \/ 20/);
  // The grader fails (no base/): it still writes an "autograder failed" results.json.
  await Deno.rename(join(root, "source", "base"), join(root, "source", "base-gone"));
  await run(join(root, "source", "run_autograder"), [], root, env);
  const failed = JSON.parse(await Deno.readTextFile(join(root, "results", "results.json")));
  assert.deepEqual(validateResults(failed), []);
  assert.equal(failed.tests[0].name, "autograder failed");
  // The grader cannot even start: run_autograder writes the fallback itself.
  await Deno.remove(join(root, "source", "tools"), { recursive: true });
  assert.equal((await run(join(root, "source", "run_autograder"), [], root, env)).code, 0);
  const fallback = JSON.parse(await Deno.readTextFile(join(root, "results", "results.json")));
  assert.deepEqual(validateResults(fallback), []);
  assert.equal(fallback.tests[0].max_score, 20);
  assert.match(fallback.tests[0].output, /exited without writing results\.json \(status 1\)/);
});

Deno.test("release: `deno task check A1 --zip` in the student edition: score so far, submission zip", async () => {
  const student = join(out, "student");
  const r = await run(Deno.execPath(), ["task", "check", "A1", "--zip"], student, {
    NO_COLOR: "1",
  });
  assert.equal(r.code, 1, r.out);
  assert.match(
    r.out,
    /✘ {3}0\/2 {2}computeDistancesTwoLoops: L2 and L1 distances on a 2×3 example/,
  );
  assert.match(r.out, /not written yet \(TODO: implement computeDistancesTwoLoops\)/);
  assert.match(r.out, /score so far: 0 \/ 10 points on the public tests; 10 more points/);
  const zip = unzipEntries(await Deno.readFile(join(student, "submission-A1.zip")));
  assert.deepEqual([...zip.keys()].filter((p) => p.startsWith("lib/")), [
    "lib/classifiers/k_nearest_neighbor.ts",
    "lib/cross_validation.ts",
  ]);
  assert.ok([...zip.keys()].includes("notebooks/01-nearest-neighbor.ipynb"));
});

Deno.test("release: refuses a broken solution, a bare edition that scores, unbalanced markers", async () => {
  const repo = join(tmp, "repo");
  const skip = (p: string) => /^(data|dist|build|node_modules|\.git|bench)\//.test(p);
  await copyTree(REPO_ROOT, repo, skip);
  const edit = async (path: string, from: string, to: string) => {
    const text = await Deno.readTextFile(join(repo, path));
    assert.ok(text.includes(from), `${path}: ${from}`);
    await Deno.writeTextFile(join(repo, path), text.replace(from, to));
  };
  const attempt = (o = "dist1") =>
    release({ root: repo, out: join(repo, o), assignment: "A1", log: () => {} });
  const knn = "lib/classifiers/k_nearest_neighbor.ts";
  // 1. The solution is wrong: 2 + 2 points lost.
  await edit(
    knn,
    "dists.data[i * numTrain + j] = distance(",
    "dists.data[i * numTrain + j] = 1 + distance(",
  );
  await assert.rejects(
    attempt(),
    /A1: the solution scores 16 \/ 20:\n {2}computeDistancesTwoLoops/,
  );
  assert.ok(!(await exists(join(repo, "dist1", "student"))), "nothing released");
  await edit(knn, "= 1 + distance(", "= distance(");
  // 2. A public test that passes without any student code.
  const pub = "assignments/tests/A1/public/a1.test.ts";
  const fake = "{ kFoldSplit: (_n: number, _k: number) => [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]" +
    ".map((valIdx, f) => ({ valIdx, trainIdx: f === 1 ? [0, 1, 2, 3, 7, 8, 9] : [] })) }";
  await edit(pub, 'await load(cv(), CV, "kFoldSplit");', `${fake};`);
  await assert.rejects(
    attempt("dist2"),
    /the bare student edition scores 1 \(want 0\): kFoldSplit/,
  );
  await Deno.copyFile(join(REPO_ROOT, pub), join(repo, pub));
  // 3. An END SOLUTION too many.
  await edit(
    "lib/cross_validation.ts",
    "  return out;\n  // END SOLUTION\n",
    "  return out;\n  // END SOLUTION\n  // END SOLUTION\n",
  );
  await assert.rejects(
    attempt("dist3"),
    /lib\/cross_validation\.ts:\d+: unbalanced: END SOLUTION without BEGIN/,
  );
});

Deno.test("release: cleanup", async () => {
  await Deno.remove(tmp, { recursive: true });
});

/** Unix permissions of `name` in a zip's central directory. */
function modeInZip(zip: Uint8Array, name: string): number {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let i = 0; i + 46 <= zip.length; i++) {
    if (view.getUint32(i, true) !== 0x02014b50) continue;
    const nameLen = view.getUint16(i + 28, true);
    const entry = dec.decode(zip.subarray(i + 46, i + 46 + nameLen));
    if (entry === name) return (view.getUint32(i + 38, true) >>> 16) & 0o777;
  }
  return -1;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}
