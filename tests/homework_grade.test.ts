/**
 * Grading (tools/homework/grade.ts) end to end on A1: the full solution scores 100%, the pristine
 * student files 0, one broken function loses exactly its points, and every adversarial submission
 * of tests/fixtures/homework/adversarial.json gives a valid results.json with the expected score.
 * One grading base is built for the whole file; every output goes to a temp dir.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { REPO_ROOT } from "../tools/kernelspec.ts";
import { grade, type GradeOptions, type GradingSource } from "../tools/homework/grade.ts";
import {
  affectedFunctions,
  assignmentFiles,
  findAssignment,
  loadManifest,
  resolveTests,
} from "../tools/homework/manifest.ts";
import { replaceRegion, stubSource, todoStub } from "../tools/homework/markers.ts";
import { type GradescopeResults, validateResults } from "../tools/homework/results.ts";
import { buildBase } from "../tools/homework/workspace.ts";
import { unzipEntries, zipEntries } from "../tools/homework/zip.ts";

const manifest = await loadManifest(join(REPO_ROOT, "assignments", "assignments.json"));
const A1 = findAssignment(manifest, "A1");
const tests = resolveTests(A1, manifest.defaults);
const FILES = assignmentFiles(A1);
const tmp = await Deno.makeTempDir({ prefix: "hw-grade-test-" });
const source: GradingSource = { root: REPO_ROOT, base: join(tmp, "base") };
await buildBase(REPO_ROOT, source.base);
const ALL_FILES = manifest.assignments.flatMap(assignmentFiles);
const solution = Object.fromEntries(
  await Promise.all(ALL_FILES.map(async (f) => [f, await Deno.readTextFile(join(REPO_ROOT, f))])),
) as Record<string, string>;

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

async function gradeA1(sub: string, extra: Partial<GradeOptions> = {}): Promise<GradescopeResults> {
  const r = await grade({
    submission: sub,
    assignment: "A1",
    startupSeconds: 3,
    source,
    manifest,
    typeCheck: false,
    testTimeoutCap: 3,
    ...extra,
  });
  assert.deepEqual(validateResults(r), [], "results.json follows Gradescope's spec");
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

Deno.test("grade: the full solution scores 100% and type-checks", async () => {
  const r = await gradeA1(REPO_ROOT, { typeCheck: true });
  assert.equal(r.score, 20);
  assert.equal(r.max_score, 20);
  assert.equal(r.extra_data?.max_score, 20);
  assert.equal(r.extra_data?.type_errors, 0);
  assert.deepEqual(r.extra_data?.unexpected_tests, []);
  assert.deepEqual(r.extra_data?.order_problems, []);
  assert.equal(r.tests.length, 12);
  assert.ok(r.tests.every((t) => t.status === "passed" && t.score === t.max_score));
  assert.deepEqual(r.tests.map((t) => t.number), tests.map((_, i) => String(i + 1)));
  assert.deepEqual(r.tests.map((t) => t.visibility), tests.map((t) => t.visibility));
  assert.ok(r.tests.some((t) => t.visibility === "after_due_date"));
});

Deno.test("grade: the pristine student files (or none) score 0 without crashing the grader", async () => {
  const stubs = Object.fromEntries(FILES.map((f) => [f, stubSource(solution[f], f)]));
  const [pristine, empty] = await twoAtATime([
    async () => gradeA1(await submission("pristine", stubs)),
    async () => gradeA1(await submission("empty", {})),
  ]);
  for (const r of [pristine, empty]) {
    assert.equal(r.score, 0);
    assert.ok(r.tests.every((t) => t.status === "failed" && /TODO: implement/.test(t.output!)));
    assert.ok(!r.extra_data?.autograder_failed);
  }
  assert.match(empty.output!, /lib\/cross_validation\.ts` is not in the submission/);
});

Deno.test("grade: exactly one function stubbed loses exactly the points of its tests", async () => {
  const cases = manifest.assignments.flatMap((a) =>
    Object.keys(a.functions).map((fn) => ({ a, fn }))
  );
  assert.equal(cases.length, 15);
  const results = await twoAtATime(cases.map(({ a, fn }) => async () => {
    const file = a.functions[fn].file;
    const broken = replaceRegion(solution[file], fn, `    ${todoStub(fn)}`, file);
    const sub = await submission(`one-${fn}`, { ...solution, [file]: broken });
    return await gradeA1(sub, { assignment: a.id });
  }));
  cases.forEach(({ a, fn }, i) => {
    const lost = affectedFunctions(a, fn);
    assert.equal(results[i].score, 20 - pointsOf(lost, a.id), `${a.id} ${fn} broken`);
    assert.ok(pointsOf(lost, a.id) > 0);
    for (const t of results[i].tests) {
      assert.equal(t.status === "failed", lost.has(t.tags![0]), `${fn} broken: ${t.name}`);
      if (t.status === "failed") assert.match(t.output!, new RegExp(`TODO: implement ${fn}`));
    }
  });
  // kFoldSplit is used by crossValidate (declared in the manifest): both lose their points.
  assert.equal(pointsOf(affectedFunctions(A1, "kFoldSplit")), 5);
  assert.equal(pointsOf(affectedFunctions(A1, "crossValidate")), 3);
});

interface Case {
  case: string;
  file: string;
  region?: string;
  code?: string;
  prepend?: string;
  replace?: [string, string];
  score: number;
  failed: Record<string, string>;
  typeErrors?: string;
}
const fixture = JSON.parse(
  await Deno.readTextFile(join(REPO_ROOT, "tests", "fixtures", "homework", "adversarial.json")),
) as { cases: Case[] };

Deno.test("grade: adversarial submissions each give a correct results.json", async () => {
  const results = await twoAtATime(fixture.cases.map((c) => async () => {
    let text = solution[c.file];
    if (c.region) text = replaceRegion(text, c.region, c.code!, c.file);
    if (c.prepend) text = `${c.prepend}\n${text}`;
    if (c.replace) {
      assert.ok(text.includes(c.replace[0]), `${c.case}: anchor not found`);
      text = text.replace(c.replace[0], c.replace[1]);
    }
    const sub = await submission(c.case, { ...solution, [c.file]: text });
    return await gradeA1(sub, { typeCheck: c.typeErrors !== undefined });
  }));
  fixture.cases.forEach((c, i) => {
    const r = results[i];
    assert.equal(r.score, c.score, `${c.case}: score`);
    for (const t of r.tests) {
      const want = c.failed[t.tags![0]];
      if (want === undefined) assert.equal(t.status, "passed", `${c.case}: ${t.name}: ${t.output}`);
      else {
        assert.equal(t.status, "failed", `${c.case}: ${t.name}`);
        assert.match(t.output!, new RegExp(want), `${c.case}: ${t.name}`);
      }
    }
    if (c.typeErrors) {
      assert.ok(Number(r.extra_data?.type_errors) >= 1, `${c.case}: type errors counted`);
      assert.match(r.output!, new RegExp(c.typeErrors), `${c.case}: type errors reported`);
    }
  });
});

Deno.test("grade: edited or deleted visible tests in a submission are ignored", async () => {
  const stubs = Object.fromEntries(FILES.map((f) => [f, stubSource(solution[f], f)]));
  const cheat = [
    'Deno.test("computeDistancesTwoLoops: L2 and L1 distances on a 2×3 example", () => {});',
    'Deno.test("kFoldSplit: 10 examples in 3 contiguous folds of sizes 4, 3, 3", () => {});',
  ].join("\n");
  const r = await gradeA1(
    await submission("cheat", {
      ...stubs,
      "assignments/tests/A1/public/a1.test.ts": cheat,
      "assignments/tests/harness.ts": "export const test = () => {};",
      "assignments/assignments.json": "{}",
    }),
  );
  assert.equal(r.score, 0);
  assert.deepEqual(r.extra_data?.unexpected_tests, []);
});

Deno.test("grade: a zip (given, or inside the submission) and loose files are found", async () => {
  const zipPath = join(tmp, "nested.zip");
  await Deno.writeFile(
    zipPath,
    zipEntries(FILES.map((f) => ({ path: `my-work/${f}`, data: solution[f] }))),
  );
  const loose = Object.fromEntries(FILES.map((f) => [f.split("/").at(-1)!, solution[f]]));
  const inFolder = join(tmp, "zip-in-folder");
  await Deno.mkdir(inFolder);
  await Deno.copyFile(zipPath, join(inFolder, "submission-A1.zip"));
  const [zipped, flat, uploaded] = await twoAtATime([
    () => gradeA1(zipPath),
    async () => gradeA1(await submission("loose", loose)),
    () => gradeA1(inFolder), // Gradescope: the uploaded zip sits in /autograder/submission
  ]);
  assert.equal(uploaded.score, 20);
  assert.deepEqual([...Deno.readDirSync(inFolder)].map((e) => e.name), ["submission-A1.zip"]);
  assert.equal(zipped.score, 20);
  assert.equal(
    (zipped.extra_data?.files as Record<string, string>)[FILES[0]],
    `my-work/${FILES[0]}`,
  );
  assert.equal(flat.score, 20);
  assert.match(flat.output!, /using the submitted `k_nearest_neighbor\.ts`/);
  assert.throws(() => unzipEntries(zipEntries([{ path: "../../etc/x", data: "" }])), /outside/);
});

Deno.test("grade CLI: --all writes a CSV gradebook; a grader failure still writes results.json", async () => {
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
  const cli = (args: string[]) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", join(REPO_ROOT, "tools/homework/grade.ts"), ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
  const all = await cli(["--all", folder, "--assignment", "A1", "--out", out, "--no-typecheck"]);
  assert.equal(all.code, 0, new TextDecoder().decode(all.stderr));
  const csv = (await Deno.readTextFile(join(out, "gradebook.csv"))).trim().split("\n");
  assert.equal(csv.length, 4);
  assert.match(
    csv[0],
    /^submission,"computeDistancesTwoLoops: L2 and L1 distances on a 2×3 example",/,
  );
  assert.match(csv[0], /,total,max_score$/);
  assert.match(csv[1], /^ann,(2|1),.*,20,20$/);
  assert.match(csv[2], /^bob,0,.*,0,20$/);
  assert.match(csv[3], /^cid,2,.*,15,20$/); // the kNN file only: kFoldSplit, crossValidate lost
  for (const name of ["ann", "bob", "cid"]) {
    const r = JSON.parse(await Deno.readTextFile(join(out, name, "results.json")));
    assert.deepEqual(validateResults(r), []);
    assert.match(await Deno.readTextFile(join(out, name, "results.md")), /^# A1: /);
  }
  const failedOut = join(tmp, "failed", "results.json");
  const broken = await cli([
    folder,
    "--autograder",
    join(tmp, "no-such-autograder"),
    "--out",
    failedOut,
  ]);
  assert.equal(broken.code, 1);
  const r = JSON.parse(await Deno.readTextFile(failedOut));
  assert.deepEqual(validateResults(r), []);
  assert.equal(r.tests[0].name, "autograder failed");
  assert.equal(r.score, 0);
});

Deno.test("grade: cleanup", async () => {
  await Deno.remove(tmp, { recursive: true });
});
