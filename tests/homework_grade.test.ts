/**
 * Grading end to end with the judge in grader/judge/: the instructor's solution scores 100% on
 * A1, A2 and A3; the pristine student edition (`buildBase`) scores 0; one stubbed function loses
 * exactly its points and those of the functions that use it; edited tests in a submission change
 * nothing; zips and loose files are found; `gradeAll` grades a folder two at a time into distinct
 * rows (`alice/` and `alice.zip`); the CLI writes a gradebook, and a results.json even when
 * grading fails. Adversarial submissions are in homework_adversarial.test.ts.
 *
 * One grading base is built for the whole file; every output goes to a temp dir.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { REPO_ROOT } from "../tools/kernelspec.ts";
import { grade, type GradeOptions, type GradingSource } from "../grader/judge/grade.ts";
import { gradeAll } from "../grader/judge/gradebook.ts";
import {
  affectedFunctions,
  assignmentFiles,
  findAssignment,
  loadManifest,
  resolveTests,
} from "../grader/judge/manifest.ts";
import { replaceRegion, todoStub } from "../grader/release/markers.ts";
import {
  type GradescopeResults,
  resultsMarkdown,
  validateResults,
} from "../grader/judge/results.ts";
import { buildBase } from "../grader/release/base.ts";
import { unzipEntries, zipEntries } from "../grader/judge/zip.ts";

const manifest = await loadManifest(join(REPO_ROOT, "assignments", "assignments.json"));
const A1 = findAssignment(manifest, "A1");
const FILES = assignmentFiles(A1);
const tmp = await Deno.makeTempDir({ prefix: "hw-grade-test-" });
const source: GradingSource = { root: REPO_ROOT, base: join(tmp, "base") };
await buildBase(REPO_ROOT, source.base);
const ALL_FILES = manifest.assignments.flatMap(assignmentFiles);
const solution = Object.fromEntries(
  await Promise.all(ALL_FILES.map(async (f) => [f, await Deno.readTextFile(join(REPO_ROOT, f))])),
) as Record<string, string>;
const IDS = manifest.assignments.map((a) => a.id);

/** Points of the tests of these functions in assignment `id`. */
const pointsOf = (fns: Iterable<string>, id = "A1") => {
  const set = new Set(fns);
  return resolveTests(findAssignment(manifest, id), manifest.defaults)
    .filter((t) => set.has(t.function)).reduce((s, t) => s + t.points, 0);
};

/** A submission folder holding these files (repository paths → text). */
async function submission(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(tmp, "submissions", name.replace(/\W+/g, "-"));
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(dirname(join(dir, path)), { recursive: true });
    await Deno.writeTextFile(join(dir, path), text);
  }
  await Deno.mkdir(dir, { recursive: true });
  return dir;
}

async function gradeIt(sub: string, extra: Partial<GradeOptions> = {}): Promise<GradescopeResults> {
  const r = await grade({
    submission: sub,
    assignment: "A1",
    source,
    manifest,
    typeCheck: false,
    testTimeoutCap: 10,
    ...extra,
  });
  assert.deepEqual(validateResults(r), [], "results.json follows Gradescope's spec");
  assert.equal(r.extra_data?.autograder_failed, false);
  assert.deepEqual(r.extra_data?.grader_problems, []);
  return r;
}

/** Runs `jobs` two at a time (the machine has 2 cores). */
async function twoAtATime<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]();
    }
  };
  await Promise.all([worker(), worker()]);
  return out;
}

Deno.test("grade: the full solution scores 100% on A1, A2 and A3 and type-checks", async () => {
  const results = await twoAtATime(
    IDS.map((id) => () => gradeIt(REPO_ROOT, { assignment: id, typeCheck: true })),
  );
  results.forEach((r, k) => {
    const id = IDS[k];
    const tests = resolveTests(findAssignment(manifest, id), manifest.defaults);
    assert.equal(r.score, 20, id);
    assert.equal(r.max_score, 20);
    assert.equal(r.extra_data?.assignment, id);
    assert.equal(r.extra_data?.max_score, 20);
    assert.equal(r.extra_data?.type_errors, 0);
    assert.deepEqual(r.extra_data?.broken_modules, {});
    assert.equal(r.tests.length, tests.length);
    assert.ok(r.tests.every((t) => t.status === "passed" && t.score === t.max_score));
    assert.deepEqual(r.tests.map((t) => t.name), tests.map((t) => t.name));
    assert.deepEqual(r.tests.map((t) => t.number), tests.map((_, i) => String(i + 1)));
    assert.deepEqual(r.tests.map((t) => t.visibility), tests.map((t) => t.visibility));
    assert.deepEqual(r.tests.map((t) => t.tags), tests.map((t) => [t.function]));
    assert.match(r.output!, new RegExp(`^\\*\\*${id} — .*\\*\\*: 20 / 20 points in all`));
    const md = resultsMarkdown(r);
    assert.match(md, new RegExp(`^# ${id}: 20 / 20 points\n`));
    assert.doesNotMatch(md, /## Failures/);
  });
  assert.ok(results[0].tests.some((t) => t.visibility === "after_due_date"));
  assert.equal(results[0].tests.length, 12);
});

Deno.test("grade: select keeps some tests; the file's other tests are not a grader error", async () => {
  // `deno task check computeDistancesTwoLoops` grades one function: the other tests in the same
  // file are loaded and checked against the manifest but not run (gradeIt asserts no grader error).
  const r = await gradeIt(await submission("select", solution), {
    select: (t) => t.function === "computeDistancesTwoLoops",
  });
  assert.ok(r.tests.length >= 1);
  const selected = resolveTests(A1, manifest.defaults).filter((t) =>
    t.function === "computeDistancesTwoLoops"
  );
  assert.deepEqual(r.tests.map((t) => t.name), selected.map((t) => t.name));
  assert.equal(r.score, r.tests.reduce((n, t) => n + (t.max_score ?? 0), 0));
});

Deno.test("grade: the pristine student edition (or no files at all) scores 0 without crashing", async () => {
  const results = await twoAtATime([
    ...IDS.map((id) => () => gradeIt(source.base, { assignment: id })),
    async () => gradeIt(await submission("empty", {})),
  ]);
  for (const r of results) {
    assert.equal(r.score, 0);
    assert.equal(r.max_score, 20);
    assert.ok(r.tests.length >= 10);
    for (const t of r.tests) {
      assert.equal(t.status, "failed", t.name);
      assert.match(t.output!, /TODO: implement /, t.name);
      const fn = t.tags![0].split(".").at(-1)!; // TwoLayerNet.loss → loss
      assert.match(t.output!, new RegExp(`TODO: implement (\\w+\\.)?${fn}\\b`), t.name);
    }
  }
  const empty = results.at(-1)!;
  assert.match(empty.output!, /`lib\/cross_validation\.ts` is not in the submission/);
  assert.deepEqual(
    Object.values(empty.extra_data?.files as Record<string, string>),
    ["missing", "missing"],
  );
});

Deno.test("grade: exactly one function stubbed loses exactly the points of its tests", async () => {
  const cases = manifest.assignments.flatMap((a) =>
    Object.keys(a.functions).map((fn) => ({ a, fn }))
  );
  assert.equal(cases.length, 17);
  const results = await twoAtATime(cases.map(({ a, fn }) => async () => {
    const file = a.functions[fn].file;
    const broken = replaceRegion(solution[file], fn, `    ${todoStub(fn)}`, file);
    const sub = await submission(`one-${fn}`, { ...solution, [file]: broken });
    return await gradeIt(sub, { assignment: a.id });
  }));
  cases.forEach(({ a, fn }, i) => {
    const lost = affectedFunctions(a, fn);
    assert.ok(pointsOf(lost, a.id) > 0);
    assert.equal(results[i].score, 20 - pointsOf(lost, a.id), `${a.id} ${fn} broken`);
    for (const t of results[i].tests) {
      assert.equal(t.status === "failed", lost.has(t.tags![0]), `${fn} broken: ${t.name}`);
      if (t.status === "failed") assert.match(t.output!, new RegExp(`TODO: implement ${fn}`));
    }
  });
  // The points of each A1 function, and kFoldSplit used by crossValidate (declared in the
  // manifest): both lose their points when kFoldSplit is broken.
  const a1 = cases.map((c, i) => [c, results[i]] as const).filter(([c]) => c.a.id === "A1");
  assert.deepEqual(a1.map(([c, r]) => [c.fn, r.score]), [
    ["computeDistancesTwoLoops", 16],
    ["computeDistancesOneLoop", 16],
    ["computeDistancesNoLoops", 16],
    ["predictLabels", 17],
    ["kFoldSplit", 15],
    ["crossValidate", 17],
  ]);
});

Deno.test("grade: edited or deleted tests, harness or manifest in a submission change nothing", async () => {
  const stubs = Object.fromEntries(
    FILES.map((f) => [f, Deno.readTextFileSync(join(source.base, f))]),
  );
  const cheat = [
    'Deno.test("computeDistancesTwoLoops: L2 and L1 distances on a 2×3 example", () => {});',
    'Deno.test("kFoldSplit: 10 examples in 3 contiguous folds of sizes 4, 3, 3", () => {});',
  ].join("\n");
  const r = await gradeIt(
    await submission("cheat", {
      ...stubs,
      "assignments/tests/A1/public/a1.test.ts": cheat,
      "assignments/tests/A1/hidden/a1.test.ts": "",
      "assignments/tests/harness.ts": "export const test = () => {};",
      "assignments/assignments.json": "{}",
      "grader/judge/grade.ts": "export const grade = () => ({ score: 20 });",
    }),
  );
  assert.equal(r.score, 0);
  assert.equal(r.tests.length, 12);
  assert.ok(r.tests.every((t) => t.status === "failed"));
});

Deno.test("grade: a zip (given, or inside the submission) and loose files are found", async () => {
  const zipPath = join(tmp, "nested.zip");
  // With the lessons: one answers its inline question, the other is not JSON.
  const lesson = {
    cells: [
      { cell_type: "markdown", source: "Why?", metadata: { tags: ["question"], points: 2 } },
      { cell_type: "markdown", source: "**Your answer:** Each point is its own nearest neighbor." },
    ],
  };
  lesson.cells[1] = {
    ...lesson.cells[1],
    metadata: { tags: ["answer"] },
  } as typeof lesson.cells[0];
  await Deno.writeFile(
    zipPath,
    zipEntries([
      ...FILES.map((f) => ({ path: `my-work/${f}`, data: solution[f] })),
      { path: "my-work/notebooks/01-nearest-neighbor.ipynb", data: JSON.stringify(lesson) },
      { path: "my-work/notebooks/02-cross-validation.ipynb", data: "{ not json" },
    ]),
  );
  const loose = Object.fromEntries(FILES.map((f) => [f.split("/").at(-1)!, solution[f]]));
  const inFolder = join(tmp, "zip-in-folder");
  await Deno.mkdir(inFolder);
  await Deno.copyFile(zipPath, join(inFolder, "submission-A1.zip"));
  const [zipped, flat, uploaded] = await twoAtATime([
    () => gradeIt(zipPath),
    async () => gradeIt(await submission("loose", loose)),
    () => gradeIt(inFolder), // Gradescope: the uploaded zip sits in /autograder/submission
  ]);
  assert.equal(uploaded.score, 20);
  assert.deepEqual([...Deno.readDirSync(inFolder)].map((e) => e.name), ["submission-A1.zip"]);
  assert.equal(zipped.score, 20);
  // The answers reach the instructor beside the score, never scored by the autograder.
  assert.match(zipped.output!, /Inline questions: 1 of 1 answered; 2 points are graded by hand/);
  const answers = zipped.extra_data?.answers_markdown as string;
  assert.match(answers, /> Why\?\n\nEach point is its own nearest neighbor\./);
  assert.match(answers, /02-cross-validation\.ipynb: could not be read \(/);
  assert.equal(
    (zipped.extra_data?.files as Record<string, string>)[FILES[0]],
    `my-work/${FILES[0]}`,
  );
  assert.equal(flat.score, 20);
  assert.match(flat.output!, /using the submitted `k_nearest_neighbor\.ts`/);
  assert.throws(() => unzipEntries(zipEntries([{ path: "../../etc/x", data: "" }])), /outside/);
});

Deno.test("gradeAll: jobs 2, one row per entry (alice/ and alice.zip distinct), CSV and results", async () => {
  const folder = join(tmp, "class-all");
  for (const f of FILES) {
    await Deno.mkdir(dirname(join(folder, "alice", f)), { recursive: true });
    await Deno.writeTextFile(join(folder, "alice", f), solution[f]);
  }
  // alice.zip: the kNN file only (cross_validation.ts is the starter: kFoldSplit, crossValidate 0).
  await Deno.writeFile(
    join(folder, "alice.zip"),
    zipEntries([{ path: FILES[0], data: solution[FILES[0]] }]),
  );
  await Deno.mkdir(join(folder, "@bob"));
  await Deno.writeTextFile(join(folder, "notes.txt"), "not a submission");
  const outDir = join(tmp, "gradebook-all");
  const progress: string[] = [];
  const t0 = performance.now();
  const rows = await gradeAll({
    folder,
    outDir,
    assignment: "A1",
    source,
    manifest,
    typeCheck: false,
    testTimeoutCap: 10,
    jobs: 2,
    progress: (l) => progress.push(l),
  });
  console.log(
    `⏱ gradeAll of 3 submissions, 2 at a time: ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  assert.deepEqual(rows.map((r) => [r.id, r.score, r.max, r.failed]), [
    ["@bob", 0, 20, false],
    ["alice", 20, 20, false],
    ["alice.zip", 15, 20, false],
  ]);
  assert.equal(rows[2].tests["kFoldSplit: 10 examples in 3 contiguous folds of sizes 4, 3, 3"], 0);
  assert.equal(rows[2].tests["computeDistancesTwoLoops: L2 and L1 distances on a 2×3 example"], 2);
  assert.equal(progress.length, 3);
  assert.ok(progress.every((l) => /^\[\d\/3\] (@bob|alice|alice\.zip): \d+ \/ 20 in /.test(l)));
  assert.deepEqual(progress.map((l) => l.slice(0, 5)).sort(), ["[1/3]", "[2/3]", "[3/3]"]);

  const csv = await Deno.readTextFile(join(outDir, "gradebook.csv"));
  const lines = csv.split("\r\n");
  assert.equal(lines.length, 5, "a header, three rows and the final CRLF");
  assert.equal(lines[4], "");
  assert.ok(!/[^\r]\n/.test(csv), "CRLF line ends only");
  const names = resolveTests(A1, manifest.defaults).map((t) => t.name);
  assert.equal(lines[0].split(",")[0], "submission");
  assert.match(lines[0], /,total,max_score,autograder_failed$/);
  assert.equal(lines[1], `'@bob,${names.map(() => 0).join(",")},0,20,false`);
  assert.match(lines[2], /^alice,2,2,2,1,1,2,2,2,2,2,1,1,20,20,false$/);
  assert.match(lines[3], /^alice\.zip,2,2,2,1,0,0,2,2,2,2,0,0,15,20,false$/);
  for (const dir of ["@bob", "alice", "alice.zip"]) {
    const r = JSON.parse(await Deno.readTextFile(join(outDir, dir, "results.json")));
    assert.deepEqual(validateResults(r), []);
    assert.match(
      await Deno.readTextFile(join(outDir, dir, "results.md")),
      /^# A1: \d+ \/ 20 points/,
    );
  }
  assert.equal(
    JSON.parse(await Deno.readTextFile(join(outDir, "alice.zip", "results.json"))).score,
    15,
  );
});

/** Runs this repository's tools/grade.ts. */
const cli = (args: string[]) =>
  new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(REPO_ROOT, "tools/grade.ts"), ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();

Deno.test("grade CLI: --all writes a CSV gradebook; a failed grading still writes results.json", async () => {
  const folder = join(tmp, "class");
  await Deno.mkdir(join(folder, "bob"), { recursive: true });
  for (const f of FILES) {
    await Deno.mkdir(dirname(join(folder, "ann", f)), { recursive: true });
    await Deno.writeTextFile(join(folder, "ann", f), solution[f]);
  }
  await Deno.writeFile(
    join(folder, "cid.zip"),
    zipEntries([{ path: FILES[0], data: solution[FILES[0]] }]),
  );
  const out = join(tmp, "gradebook");
  const all = await cli([
    "--all",
    folder,
    "--assignment",
    "A1",
    "--out",
    out,
    "--no-typecheck",
    "-j",
    "2",
  ]);
  assert.equal(all.code, 0, new TextDecoder().decode(all.stderr));
  assert.match(new TextDecoder().decode(all.stdout), /3 submissions → .*gradebook\.csv/);
  const csv = (await Deno.readTextFile(join(out, "gradebook.csv"))).split("\r\n");
  assert.equal(csv.length, 5);
  assert.match(
    csv[0],
    /^submission,computeDistancesTwoLoops: L2 and L1 distances on a 2×3 example,/,
  );
  assert.match(csv[0], /,total,max_score,autograder_failed$/);
  assert.match(csv[1], /^ann,2,.*,20,20,false$/);
  assert.match(csv[2], /^bob,0,.*,0,20,false$/);
  assert.match(csv[3], /^cid\.zip,2,.*,15,20,false$/); // the kNN file only
  for (const name of ["ann", "bob", "cid.zip"]) {
    const r = JSON.parse(await Deno.readTextFile(join(out, name, "results.json")));
    assert.deepEqual(validateResults(r), []);
    assert.match(await Deno.readTextFile(join(out, name, "results.md")), /^# A1: /);
  }

  // Grading that fails (no such submission, no such assignment): exit 1, and a results.json
  // that says the autograder failed.
  for (
    const [what, args] of [
      ["no such submission", [join(tmp, "nobody"), "--assignment", "A1"]],
      ["no such assignment", [join(folder, "ann"), "--assignment", "A9"]],
    ] as const
  ) {
    const failedOut = join(tmp, "failed", what.replace(/\W/g, "-"), "results.json");
    const broken = await cli([...args, "--out", failedOut, "--no-typecheck"]);
    assert.equal(broken.code, 1, what);
    const r = JSON.parse(await Deno.readTextFile(failedOut));
    assert.deepEqual(validateResults(r), [], what);
    assert.equal(r.tests[0].name, "autograder failed", what);
    assert.equal(r.extra_data.autograder_failed, true, what);
    assert.equal(r.score, 0, what);
    assert.match(r.tests[0].output, what === "no such submission" ? /no submission at/ : /A9/);
  }
});

Deno.test({
  name: "grade CLI: --autograder naming a folder without a grader still writes results.json",
  fn: async () => {
    const failedOut = join(tmp, "failed-autograder", "results.json");
    const broken = await cli([
      REPO_ROOT,
      "--autograder",
      join(tmp, "no-such-autograder"),
      "--out",
      failedOut,
    ]);
    assert.equal(broken.code, 1);
    assert.match(new TextDecoder().decode(broken.stderr), /no-such-autograder/);
    const r = JSON.parse(await Deno.readTextFile(failedOut));
    assert.deepEqual(validateResults(r), []);
    assert.equal(r.tests[0].name, "autograder failed");
  },
});

Deno.test("grade: cleanup", async () => {
  await Deno.remove(tmp, { recursive: true });
});
