/**
 * `deno task release` (grader/release/release.ts), run once into a temp dir for the whole file:
 * the student edition is complete and leaks nothing, and its `deno task check` / `deno task test`
 * work (public tests fail with TODO on the stubs, pass once the solution is filled in); the
 * autograder folders and zips have Gradescope's layout (lib/, grader/, tools/grade.ts and the
 * assignment's tests at the root); run_autograder grades /autograder/submission (here
 * AUTOGRADER_ROOT=<tmp>/x) into results.json — the solution, adversarial submissions, and a grader
 * that fails or cannot start; release refuses a broken solution, a gradeable bare edition,
 * unbalanced markers, and a manifest that disagrees with the test files.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { REPO_ROOT } from "../tools/kernelspec.ts";
import { readNotebook, sourceOf, uncleanCells } from "../tools/notebooks.ts";
import { assignmentFiles, findAssignment, loadManifest } from "../grader/judge/manifest.ts";
import { findRegions, notebookRegions } from "../grader/release/markers.ts";
import { release, type ReleaseReport } from "../grader/release/release.ts";
import { type GradescopeResults, validateResults } from "../grader/judge/results.ts";
import { leaks } from "../grader/release/student_edition.ts";
import { copyTree } from "../grader/judge/workspace.ts";
import { listFiles, unzipEntries } from "../grader/judge/zip.ts";

const tmp = await Deno.makeTempDir({ prefix: "hw-release-test-" });
const out = join(tmp, "dist");
const manifest = await loadManifest(join(REPO_ROOT, "assignments", "assignments.json"));
let report: ReleaseReport | null = null;
const dec = new TextDecoder();
const KNN = "lib/classifiers/k_nearest_neighbor.ts";
const CV = "lib/cross_validation.ts";

async function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = await new Deno.Command(cmd, { args, cwd, env, stdin: "null" }).output();
  return { code: r.code, out: dec.decode(r.stdout) + dec.decode(r.stderr) };
}

/** Runs `f`, logs how long it took, returns its value. */
async function timed<T>(what: string, f: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await f();
  } finally {
    console.log(`⏱ ${what}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
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
  for (const a of report.autograders) {
    assert.equal(a.dir, join(out, "autograder", a.id));
    assert.equal(a.zip, join(out, "autograder", `${a.id}.zip`));
  }
  const leftovers = [...Deno.readDirSync(out)].map((e) => e.name).sort();
  assert.deepEqual(leftovers, ["autograder", "student"], "no staging folder left behind");
});

/** Distinctive solution lines, by hand (the systematic check is `leaks`). */
const SOLUTION_LINES = [
  "Math.sqrt(Math.max(0, testSq[i] + trainSq[j] - 2 * ab))",
  "const dScores = margins.map((m) => (m > 0 ? 1 : 0));",
  "const mHat = m.div(1 - beta1 ** t);",
  "const dhPre = reluBackward(matmulTB(dscores, W2), hCache);",
];

Deno.test("release: the student edition is a complete repo without solutions or hidden tests", async () => {
  const student = join(out, "student");
  const files = await listFiles(student);
  for (
    const need of [
      "deno.json",
      "deno.lock",
      "LICENSE",
      "README.md",
      ".gitignore",
      "data/README.md",
      "lib/mod.ts",
      "lib/matrix.ts",
      "notebooks/01-nearest-neighbor.ipynb",
      "assignments/assignments.json",
      "assignments/tests/harness.ts",
      "assignments/tests/A1/public/a1.test.ts",
      "assignments/tests/A2/public/a2.test.ts",
      "assignments/tests/A3/public/a3.test.ts",
      "tools/lab.ts",
      "tools/kernelspec.ts",
      "tools/check.ts",
      "grader/judge/check.ts",
      "grader/judge/grade.ts",
      "grader/judge/local.ts",
      "grader/sandbox/main.ts",
    ]
  ) assert.ok(files.includes(need), `missing ${need}`);
  assert.ok(!files.some((f) => f.split("/").includes("hidden")), "no hidden tests");
  const tooling = files.filter((f) =>
    /^tests\/|^tools\/(grade|release)\.ts$|^grader\/release\/(release|student_edition)\.ts$/
      .test(f) || f.endsWith("gradebook.ts")
  );
  assert.deepEqual(tooling, [], "no release or instructor grading tooling");
  // No instructor tooling: nothing of grader/release/ (markers, stubbing, release).
  assert.deepEqual(files.filter((f) => f.startsWith("grader/release/")), []);
  const studentConfig = JSON.parse(await Deno.readTextFile(join(student, "deno.json")));
  assert.equal(studentConfig["//"], undefined, "the repository's not-publishable note stays home");
  assert.equal(studentConfig.license, "MIT");
  const tasks = studentConfig.tasks;
  assert.deepEqual(Object.keys(tasks).sort(), ["check", "data:cifar10", "demo", "lab", "test"]);
  assert.equal(tasks.check.command, "deno run -A tools/check.ts");
  assert.equal(tasks.test.command, "deno test -A assignments/tests/");
  for (const [name, task] of Object.entries(tasks)) {
    assert.match((task as { description?: string }).description ?? "", /\w/, `task ${name}`);
  }
  const all = (await Promise.all(
    files.filter((f) => /\.(ts|ipynb|json|md)$/.test(f)).map((f) =>
      Deno.readTextFile(join(student, f))
    ),
  )).join("\n");
  for (const line of SOLUTION_LINES) assert.ok(!all.includes(line), `leaked: ${line}`);
  const course = files.filter((f) => /^(lib|notebooks)\//.test(f));
  for (const f of course) {
    assert.ok(!(await Deno.readTextFile(join(student, f))).includes("BEGIN SOLUTION"), f);
  }
  assert.match(all, /throw new Error\("TODO: implement computeDistancesNoLoops"\);/);
  assert.deepEqual(await leaks(REPO_ROOT, student, manifest), []);
  // The hidden tests' names are nowhere; the student manifest says how many points they carry.
  const sm = JSON.parse(await Deno.readTextFile(join(student, "assignments/assignments.json")));
  assert.deepEqual(sm.assignments.map((a: { hiddenPoints: number }) => a.hiddenPoints), [
    10,
    10,
    10,
  ]);
  assert.ok(!JSON.stringify(sm).includes("hidden/"));
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
    const bytes = await Deno.readFile(a.zip);
    const zip = unzipEntries(bytes);
    const names = [...zip.keys()];
    assert.deepEqual(names.toSorted(), (await listFiles(a.dir)).toSorted(), `${a.id}: zip = dir`);
    const lower = a.id.toLowerCase();
    for (
      const need of [
        "setup.sh",
        "run_autograder",
        "README.md",
        "deno.json",
        "deno.lock",
        "lib/mod.ts",
        "lib/matrix.ts",
        "grader/judge/grade.ts",
        "grader/judge/runner.ts",
        "grader/judge/session.ts",
        "grader/sandbox/main.ts",
        "grader/sandbox/codec.ts",
        "tools/grade.ts",
        "assignments/assignments.json",
        "assignments/tests/harness.ts",
        "assignments/tests/hidden/support.ts",
        `assignments/tests/${a.id}/hidden/${lower}.test.ts`,
        `assignments/tests/${a.id}/public/${lower}.test.ts`,
      ]
    ) assert.ok(names.includes(need), `${a.id}.zip lacks ${need}`);
    assert.ok(!names.some((n) => n.startsWith("base/")), "no base/ any more");
    assert.ok(!names.some((n) => /^assignments\/tests\/A\d\//.test(n) && !n.includes(`/${a.id}/`)));
    assert.ok(!names.some((n) => /^(tests|notebooks)\//.test(n) || n.endsWith("release.ts")));
    // Its manifest is this assignment's alone.
    const m = JSON.parse(dec.decode(zip.get("assignments/assignments.json")));
    assert.deepEqual(m.assignments.map((x: { id: string }) => x.id), [a.id]);
    // lib/ is the pristine student lib: the autograder carries no solution either.
    const lib = names.filter((n) => n.startsWith("lib/") && n.endsWith(".ts"));
    for (const n of lib) {
      const text = dec.decode(zip.get(n));
      assert.deepEqual(findRegions(text, n), [], `${a.id}: ${n} has solution regions`);
      for (const line of SOLUTION_LINES) assert.ok(!text.includes(line), `${a.id}: ${n}: ${line}`);
    }
    for (const f of assignmentFiles(findAssignment(manifest, a.id))) {
      assert.match(dec.decode(zip.get(f)), /throw new Error\("TODO: implement /, `${a.id}: ${f}`);
    }
    const deno = JSON.parse(dec.decode(zip.get("deno.json")));
    assert.deepEqual(deno.tasks, { grade: "deno run -A tools/grade.ts" });
    assert.equal(modeInZip(bytes, "run_autograder"), 0o755);
    assert.equal(modeInZip(bytes, "setup.sh"), 0o755);
    assert.equal((await run("bash", ["-n", "setup.sh"], a.dir)).code, 0);
    assert.equal((await run("bash", ["-n", "run_autograder"], a.dir)).code, 0);
    assert.match(dec.decode(zip.get("setup.sh")), /npm install .*"deno@2\.9\.6"/);
    const script = dec.decode(zip.get("run_autograder"));
    assert.match(script, /deno run -A tools\/grade\.ts \\\n {2}--autograder "\$SRC" /);
    assert.match(script, new RegExp(`--assignment ${a.id} `));
  }
});

Deno.test("release: `deno task check A1 --zip` in the student edition: score so far, submission zip", async () => {
  const student = join(out, "student");
  const r = await timed(
    "student `deno task check A1 --zip`",
    () => run(Deno.execPath(), ["task", "check", "A1", "--zip"], student, { NO_COLOR: "1" }),
  );
  assert.equal(r.code, 1, r.out);
  assert.match(
    r.out,
    /✘ {3}0\/2 {2}computeDistancesTwoLoops: L2 and L1 distances on a 2×3 example/,
  );
  assert.match(r.out, /not written yet \(TODO: implement computeDistancesTwoLoops\)/);
  assert.match(r.out, /score so far: 0 \/ 10 points on the public tests; 10 more points/);
  assert.match(r.out, /6 public test\(s\) failing/);
  const zip = unzipEntries(await Deno.readFile(join(student, "submission-A1.zip")));
  assert.deepEqual([...zip.keys()].filter((p) => p.startsWith("lib/")), [KNN, CV]);
  assert.ok([...zip.keys()].includes("notebooks/01-nearest-neighbor.ipynb"));
  // The inline questions of lessons 01 and 02, none answered yet in the fresh edition.
  const answers = new TextDecoder().decode(zip.get("answers-A1.md"));
  assert.match(answers, /^# A1: inline questions, graded by hand\n\n0 of \d+ questions answered/);
  assert.match(answers, /## notebooks\/01-nearest-neighbor.ipynb\n/);
  assert.match(answers, /## notebooks\/02-cross-validation.ipynb\n/);
  assert.match(answers, /_\(no answer\)_/);
  await Deno.remove(join(student, "submission-A1.zip"));
});

Deno.test("release: `deno task test` in the student edition: TODO on the stubs, green once solved", async () => {
  const student = join(out, "student");
  const publicTests =
    manifest.assignments.flatMap((a) =>
      a.testFiles.filter((f) => f.visibility === "visible").flatMap((f) => f.tests)
    ).length;
  const stubs = await timed(
    "student `deno task test` (stubs)",
    () => run(Deno.execPath(), ["task", "test"], student, { NO_COLOR: "1" }),
  );
  assert.notEqual(stubs.code, 0, stubs.out);
  assert.match(stubs.out, new RegExp(`FAILED \\| 0 passed \\| ${publicTests} failed`));
  for (const f of ["computeDistancesTwoLoops", "kFoldSplit", "softmaxLossVectorized"]) {
    assert.match(stubs.out, new RegExp(`TODO: implement ${f}\\b`));
  }
  // The same edition with the instructor's solution filled in: every public test passes.
  const solved = join(tmp, "solved");
  await copyTree(student, solved);
  for (const f of new Set(manifest.assignments.flatMap(assignmentFiles))) {
    await Deno.copyFile(join(REPO_ROOT, f), join(solved, f));
  }
  const test = await timed(
    "solved `deno task test`",
    () => run(Deno.execPath(), ["task", "test"], solved, { NO_COLOR: "1" }),
  );
  assert.equal(test.code, 0, test.out);
  assert.match(test.out, new RegExp(`ok \\| ${publicTests} passed \\| 0 failed`));
  const check = await timed(
    "solved `deno task check`",
    () => run(Deno.execPath(), ["task", "check"], solved, { NO_COLOR: "1" }),
  );
  assert.equal(check.code, 0, check.out);
  assert.equal(check.out.match(/score so far: 10 \/ 10 points on the public tests/g)?.length, 3);
  assert.match(check.out, /all public tests pass/);
});

// ---------------------------------------------------------------------------------------------
// run_autograder in Gradescope's layout: <root>/source (the A1 autograder), <root>/submission,
// <root>/results/results.json, with AUTOGRADER_ROOT=<root>.

const gs = join(tmp, "x");
const solution = async (f: string) => await Deno.readTextFile(join(REPO_ROOT, f));
const stub = async (f: string) => await Deno.readTextFile(join(out, "student", f));

/** Grades these submitted files (repository paths → text) with run_autograder. */
async function gradescope(
  files: Record<string, string>,
): Promise<{ results: GradescopeResults; seconds: number; out: string }> {
  if (!(await exists(join(gs, "source")))) {
    await copyTree(join(out, "autograder", "A1"), join(gs, "source"));
    await Deno.chmod(join(gs, "source", "run_autograder"), 0o755);
  }
  await Deno.remove(join(gs, "submission"), { recursive: true }).catch(() => {});
  await Deno.remove(join(gs, "results"), { recursive: true }).catch(() => {});
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(dirname(join(gs, "submission", path)), { recursive: true });
    await Deno.writeTextFile(join(gs, "submission", path), text);
  }
  await Deno.mkdir(join(gs, "submission"), { recursive: true });
  const t0 = performance.now();
  const r = await run(join(gs, "source", "run_autograder"), [], gs, { AUTOGRADER_ROOT: gs });
  const seconds = (performance.now() - t0) / 1000;
  assert.equal(r.code, 0, r.out);
  const results = JSON.parse(await Deno.readTextFile(join(gs, "results", "results.json")));
  assert.deepEqual(validateResults(results), [], JSON.stringify(results, null, 1));
  return { results, seconds, out: r.out };
}

/** The names of the tests that did not pass. */
const failedTests = (r: GradescopeResults) =>
  r.tests.filter((t) => t.status !== "passed").map((t) => t.name);
const a1Tests = (fns: string[]) =>
  findAssignment(manifest, "A1").testFiles.flatMap((f) => f.tests).map((t) => t.name)
    .filter((n) => fns.some((f) => n.startsWith(`${f}: `)));

Deno.test("run_autograder: the solution scores 20 / 20 (grading time reported)", async () => {
  const { results, seconds } = await gradescope({
    [KNN]: await solution(KNN),
    [CV]: await solution(CV),
  });
  console.log(
    `⏱ run_autograder, solution: ${
      seconds.toFixed(1)
    } s (grading ${results.extra_data?.seconds} s)`,
  );
  assert.equal(results.score, 20, JSON.stringify(results.tests, null, 1));
  assert.equal(results.max_score, 20);
  assert.deepEqual(failedTests(results), []);
  assert.equal(results.extra_data?.autograder_failed, false);
  // Timings are reported (Gradescope shows execution_time), not asserted: speed is for benchmarks.
  assert.ok(Number(results.execution_time) > 0, `execution_time ${results.execution_time}`);
  assert.ok(Number(results.extra_data?.seconds) > 0, `seconds ${results.extra_data?.seconds}`);
  assert.match(await Deno.readTextFile(join(gs, "results", "results.md")), /^# A1: 20 \/ 20/);
});

Deno.test("run_autograder: adversarial submissions get exactly their score", async (t) => {
  await t.step("(a) stubs that no-op node:assert and make Math.abs 0 → 0", async () => {
    const prelude = [
      'import nodeAssert from "node:assert";',
      'import strictAssert from "node:assert/strict";',
      "for (const a of [nodeAssert, nodeAssert.strict, strictAssert]) {",
      "  for (const k of Object.keys(a)) {",
      "    try {",
      "      (a as unknown as Record<string, unknown>)[k] = () => {};",
      "    } catch { /* a frozen namespace */ }",
      "  }",
      "}",
      "Math.abs = () => 0;",
      "",
    ].join("\n");
    const { results, seconds } = await gradescope({
      [KNN]: prelude + await stub(KNN),
      [CV]: await stub(CV),
    });
    console.log(`⏱ (a): ${seconds.toFixed(1)} s`);
    assert.equal(results.score, 0, JSON.stringify(results.tests, null, 1));
    assert.equal(failedTests(results).length, 12);
    assert.match(results.tests[0].output ?? "", /TODO: implement computeDistancesTwoLoops/);
  });

  await t.step("(b) the solution with a timer that exits the sandbox → 20", async () => {
    const knn = (await solution(KNN)).replace(
      'const XTrain = this.#checkTest("computeDistancesTwoLoops", X, metric);',
      "$&\n    setTimeout(() => Deno.exit(0), 5);",
    );
    assert.match(knn, /setTimeout\(\(\) => Deno\.exit\(0\), 5\);/);
    const { results, seconds } = await gradescope({ [KNN]: knn, [CV]: await solution(CV) });
    console.log(`⏱ (b): ${seconds.toFixed(1)} s`);
    assert.equal(results.score, 20, JSON.stringify(results.tests, null, 1));
  });

  await t.step("(c) stubs answered with the hidden tests' support.ts → 0", async () => {
    const support = join(gs, "source", "assignments", "tests", "hidden", "support.ts");
    let knn = `import { referenceDistances } from ${JSON.stringify(support)};\n` + await stub(KNN);
    for (const f of ["TwoLoops", "OneLoop", "NoLoops"]) {
      const todo = `throw new Error("TODO: implement computeDistances${f}");`;
      assert.ok(knn.includes(todo));
      knn = knn.replace(
        todo,
        "return new Matrix(X.rows, XTrain.rows, referenceDistances(X, XTrain, metric));",
      );
    }
    const { results, seconds } = await gradescope({ [KNN]: knn, [CV]: await solution(CV) });
    console.log(`⏱ (c): ${seconds.toFixed(1)} s`);
    assert.equal(results.score, 0, JSON.stringify(results.tests, null, 1));
    // Refused by the import gate before anything ran (cross_validation.ts imports it too).
    assert.match(results.output ?? "", /k_nearest_neighbor\.ts` imports files outside the library/);
    assert.match(results.tests[0].output ?? "", /outside the library/);
  });

  await t.step("(d) an infinite loop at import → 0, within a minute", async () => {
    const knn = "while (true) { /* never returns */ }\n" + await solution(KNN);
    const { results, seconds } = await gradescope({ [KNN]: knn, [CV]: await solution(CV) });
    console.log(`⏱ (d): ${seconds.toFixed(1)} s`);
    assert.equal(results.score, 0, JSON.stringify(results.tests, null, 1));
    assert.ok(seconds < 60, `run_autograder took ${seconds.toFixed(1)} s`);
    assert.match(results.tests[0].output ?? "", /did not finish within \d+ s/);
  });

  await t.step("(e) Deno.exit(0) at import of cross_validation.ts → 20 − 5 = 15", async () => {
    const cv = "Deno.exit(0);\n" + await solution(CV);
    const { results, seconds } = await gradescope({ [KNN]: await solution(KNN), [CV]: cv });
    console.log(`⏱ (e): ${seconds.toFixed(1)} s`);
    assert.equal(results.score, 15, JSON.stringify(results.tests, null, 1));
    assert.deepEqual(
      failedTests(results).toSorted(),
      a1Tests(["kFoldSplit", "crossValidate"]).toSorted(),
    );
  });
});

Deno.test("run_autograder: a failing grader still leaves a valid results.json", async () => {
  const source = join(gs, "source");
  const sub = { [KNN]: await solution(KNN), [CV]: await solution(CV) };
  // The grader fails before grading (an unreadable manifest): it writes "autograder failed".
  const json = join(source, "assignments", "assignments.json");
  const saved = await Deno.readTextFile(json);
  await Deno.writeTextFile(json, "{");
  const failed = (await gradescope(sub)).results;
  assert.equal(failed.score, 0);
  assert.equal(failed.tests[0].name, "autograder failed");
  assert.equal(failed.extra_data?.autograder_failed, true);
  await Deno.writeTextFile(json, saved);
  // The grader cannot even start: run_autograder writes the fallback itself.
  await Deno.rename(join(source, "tools"), join(source, "tools-gone"));
  try {
    const fallback = (await gradescope(sub)).results;
    assert.equal(fallback.score, 0);
    assert.equal(fallback.tests[0].name, "autograder failed");
    assert.equal(fallback.tests[0].max_score, 20);
    assert.match(
      fallback.tests[0].output ?? "",
      /exited without writing results\.json \(status 1\)/,
    );
  } finally {
    await Deno.rename(join(source, "tools-gone"), join(source, "tools"));
  }
});

// ---------------------------------------------------------------------------------------------
// Refusals, on a copy of the repository.

const repo = join(tmp, "repo");

async function edit(path: string, from: string, to: string): Promise<void> {
  const text = await Deno.readTextFile(join(repo, path));
  assert.ok(text.includes(from), `${path}: ${from}`);
  await Deno.writeTextFile(join(repo, path), text.replace(from, to));
}

async function restore(path: string): Promise<void> {
  await Deno.copyFile(join(REPO_ROOT, path), join(repo, path));
}

Deno.test("release: refuses a broken solution, a bare edition that scores, unbalanced markers", async () => {
  const skip = (p: string) => /^(data|dist|build|node_modules|\.git|bench)\//.test(p);
  await copyTree(REPO_ROOT, repo, skip);
  const attempt = (o: string) =>
    release({ root: repo, out: join(repo, o), assignment: "A1", log: () => {} });
  // 1. The solution is wrong: 2 + 2 points lost.
  await edit(
    KNN,
    "dists.data[i * numTrain + j] = distance(",
    "dists.data[i * numTrain + j] = 1 + distance(",
  );
  await timed("refusal: broken solution", () =>
    assert.rejects(
      attempt("dist1"),
      /A1: the solution scores 16 \/ 20:\n {2}computeDistancesTwoLoops/,
    ));
  assert.deepEqual([...Deno.readDirSync(join(repo, "dist1"))], [], "nothing released");
  await restore(KNN);
  // 2. A public test that passes without any student code.
  const pub = "assignments/tests/A1/public/a1.test.ts";
  await edit(
    pub,
    'const { kFoldSplit } = await t.load(CV, "kFoldSplit");',
    "const kFoldSplit = (_n: number, _k: number) => Promise.resolve([[0, 1, 2, 3], [4, 5, 6], " +
      "[7, 8, 9]].map((valIdx, f) => ({ valIdx, trainIdx: f === 1 ? [0, 1, 2, 3, 7, 8, 9] : [] })));" +
      "\n  void t;",
  );
  await timed("refusal: bare edition scores", () =>
    assert.rejects(
      attempt("dist2"),
      /the bare student edition scores 1 \(want 0\): kFoldSplit/,
    ));
  assert.deepEqual([...Deno.readDirSync(join(repo, "dist2"))], [], "nothing released");
  await restore(pub);
  // 3. An END SOLUTION too many.
  await edit(
    CV,
    "  return out;\n  // END SOLUTION\n",
    "  return out;\n  // END SOLUTION\n  // END SOLUTION\n",
  );
  await assert.rejects(
    attempt("dist3"),
    /lib\/cross_validation\.ts:\d+: unbalanced: END SOLUTION without BEGIN/,
  );
  assert.ok(!(await exists(join(repo, "dist3"))), "nothing written");
  await restore(CV);
});

Deno.test("release: refuses when the manifest and the test files disagree, before building anything", async () => {
  const json = "assignments/assignments.json";
  const hidden = "assignments/tests/A1/hidden/a1.test.ts";
  const pub = "assignments/tests/A1/public/a1.test.ts";
  const KFOLD = "kFoldSplit: 10 examples in 3 contiguous folds of sizes 4, 3, 3";
  const disagree = async (o: string): Promise<string[]> => {
    const e = await release({ root: repo, out: join(repo, o), assignment: "A1", log: () => {} })
      .then(() => null, (e: Error) => e);
    assert.ok(e, "release was not refused");
    assert.ok(!(await exists(join(repo, o))), `${o}: nothing written`);
    const [head, ...problems] = e.message.split("\n  ");
    assert.equal(head, "the manifest and the test files disagree:", e.message);
    return problems;
  };
  // 1. The manifest names a test file that does not exist (with `deno task release` itself).
  await edit(json, `"path": "${hidden}"`, '"path": "assignments/tests/A1/hidden/a1_gone.test.ts"');
  const cli = await timed(
    "refusal: missing test file (deno task release)",
    () =>
      run(Deno.execPath(), ["task", "release", "--assignment", "A1", "--out", "dist4"], repo, {
        NO_COLOR: "1",
      }),
  );
  assert.equal(cli.code, 1, cli.out);
  assert.match(
    cli.out,
    /release refused: the manifest and the test files disagree:\n {2}A1: test file assignments\/tests\/A1\/hidden\/a1_gone\.test\.ts does not exist\n/,
  );
  assert.ok(!(await exists(join(repo, "dist4"))), "nothing written");
  await restore(json);
  // 2. A test the manifest names is not in its file.
  const text = await Deno.readTextFile(join(repo, pub));
  const from = text.indexOf(`test("${KFOLD}"`), to = text.indexOf('test("crossValidate: ');
  assert.ok(from > 0 && to > from);
  await Deno.writeTextFile(join(repo, pub), text.slice(0, from) + text.slice(to));
  assert.deepEqual(await disagree("dist5"), [`A1: ${pub} does not define the test "${KFOLD}"`]);
  await restore(pub);
  // 3. A test file that throws while it loads.
  await edit(
    pub,
    "const KNN =",
    'if (Date.now() > 0) throw new Error("broken on purpose");\nconst KNN =',
  );
  assert.deepEqual(await disagree("dist6"), [
    `A1: test file ${pub} did not load: broken on purpose`,
  ]);
  await restore(pub);
  // 4. A test the file defines that the manifest does not list.
  await edit(
    pub,
    `test("${KFOLD}"`,
    `test("kFoldSplit: an extra test", async () => {});\n\ntest("${KFOLD}"`,
  );
  assert.deepEqual(await disagree("dist7"), [
    `A1: ${pub} defines a test the manifest does not list: "kFoldSplit: an extra test"`,
  ]);
  await restore(pub);
  // 5. The same tests in another order.
  const manifestText = await Deno.readTextFile(join(repo, json));
  const m = JSON.parse(manifestText);
  const tests = m.assignments[0].testFiles[0].tests;
  [tests[0], tests[1]] = [tests[1], tests[0]];
  await Deno.writeTextFile(join(repo, json), JSON.stringify(m, null, 2));
  assert.deepEqual(await disagree("dist8"), [
    `A1: ${pub}: the tests are defined in another order than the manifest lists them`,
  ]);
  await restore(json);
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
