/**
 * `check()` for the lessons (grader/notebook.ts) and `deno task check --json`: on this repository
 * (every public test passes, points as in the manifest), on the student edition (stubs: "not
 * written yet"; a wrong answer: the assertion), the HTML table, unknown names, and the JSON.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "../tools/kernelspec.ts";
import { loadManifest, resolveTests } from "../grader/judge/manifest.ts";
import { type CheckReport, validNames } from "../grader/judge/check.ts";
import { buildStudentEdition } from "../grader/release/student_edition.ts";
import { check, CheckResult, COURSE_ROOT } from "../grader/notebook.ts";
import { JUPYTER_DISPLAY } from "../lib/plot/display.ts";

const manifest = await loadManifest(join(REPO_ROOT, "assignments", "assignments.json"));
const KNN = "lib/classifiers/k_nearest_neighbor.ts";
const TWO_LOOPS = "computeDistancesTwoLoops: L2 and L1 distances on a 2×3 example";

/** The public tests of `fn` in the manifest: [name, points]. */
function publicTests(fn: string): [string, number][] {
  return manifest.assignments.flatMap((a) => resolveTests(a, manifest.defaults))
    .filter((t) => t.visibility === "visible" && t.function === fn)
    .map((t) => [t.name, t.points]);
}

async function timed<T>(what: string, f: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await f();
  console.log(`⏱ ${what}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}

async function checkCli(root: string, args: string[]): Promise<{ code: number; out: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tools/check.ts", ...args],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  return { code: r.code, out: new TextDecoder().decode(r.stdout) };
}

Deno.test("notebook check: this repository passes computeDistancesTwoLoops, points as in the manifest", async () => {
  assert.equal(COURSE_ROOT, REPO_ROOT);
  const r = await timed(
    'check("computeDistancesTwoLoops")',
    () => check("computeDistancesTwoLoops"),
  );
  assert.ok(r instanceof CheckResult);
  assert.ok(r.allPassed);
  const expected = publicTests("computeDistancesTwoLoops");
  assert.deepEqual(expected, [[TWO_LOOPS, 2]]);
  assert.deepEqual(r.report.tests.map((t) => [t.name, t.points, t.maxPoints, t.passed]), [
    [TWO_LOOPS, 2, 2, true],
  ]);
  assert.deepEqual([r.report.score, r.report.maxScore, r.report.failed], [2, 2, 0]);
  assert.equal(r.report.typeChecked, false);
  assert.ok(r.report.seconds < 30, `a check of one function took ${r.report.seconds} s`);
  const bundle = r[JUPYTER_DISPLAY]();
  assert.deepEqual(Object.keys(bundle), ["text/html", "text/plain"]);
  assert.match(
    bundle["text/html"],
    new RegExp(`<tr><td>✔ passed</td><td>${TWO_LOOPS}</td><td>2 / 2</td></tr>`),
  );
  assert.ok(!bundle["text/html"].includes("why it failed"), "no failure column when all pass");
  assert.match(
    bundle["text/plain"],
    /^✔ computeDistancesTwoLoops: the public test passes \(2 \/ 2 points\)/,
  );
  assert.match(bundle["text/plain"], /A1: 10 more points come from hidden tests/);
});

Deno.test("notebook check: an assignment, several functions, and an unknown name", async () => {
  const a3 = await check(["sgdMomentum", "rmsprop", "adam"]);
  assert.deepEqual(a3.report.tests.map((t) => [t.function, t.maxPoints, t.passed]), [
    ["sgdMomentum", publicTests("sgdMomentum")[0][1], true],
    ["rmsprop", publicTests("rmsprop")[0][1], true],
    ["adam", publicTests("adam")[0][1], true],
  ]);
  const a1 = await timed('check("A1")', () => check("A1"));
  assert.equal(a1.report.tests.length, 6);
  assert.deepEqual([a1.report.score, a1.report.maxScore], [10, 10]);
  await assert.rejects(
    check("computeDistances2Loops"),
    (e: Error) => {
      assert.ok(e instanceof RangeError);
      assert.match(e.message, /no public test matches "computeDistances2Loops"/);
      for (const name of validNames(manifest)) assert.ok(e.message.includes(name), name);
      return true;
    },
  );
  await assert.rejects(check(""), TypeError);
});

Deno.test("notebook check: the student edition fails with 'not written yet' and the assertion, without throwing", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "nb-check-" });
  try {
    const student = join(tmp, "student");
    const files = await buildStudentEdition(REPO_ROOT, student, manifest);
    assert.ok(files.includes("grader/notebook.ts"), "grader/notebook.ts ships to students");
    // The student's own copy of the module finds the student's repository from its URL.
    const mod = await import(
      join(student, "grader", "notebook.ts")
    ) as typeof import("../grader/notebook.ts");
    assert.equal(mod.COURSE_ROOT, student);
    const r = await timed(
      'student check("computeDistancesTwoLoops")',
      () => mod.check("computeDistancesTwoLoops"),
    );
    assert.equal(r.allPassed, false);
    assert.deepEqual(r.report.tests.map((t) => [t.name, t.points, t.maxPoints, t.passed]), [
      [TWO_LOOPS, 0, 2, false],
    ]);
    const why = "not written yet (TODO: implement computeDistancesTwoLoops)";
    assert.equal(r.report.tests[0].message, why);
    assert.match(
      r.html,
      new RegExp(
        `<tr><td>✘ failed</td><td>${TWO_LOOPS}</td><td>0 / 2</td><td>${
          why.replace(/[()]/g, "\\$&")
        }  \\[${KNN}\\]</td></tr>`,
      ),
    );
    assert.match(
      r.text,
      /^✘ computeDistancesTwoLoops: 1 of 1 public test failing \(0 \/ 2 points\)/,
    );

    // A wrong answer instead of the stub: the assertion's message, escaped.
    const path = join(student, KNN);
    const src = await Deno.readTextFile(path);
    const stub = 'throw new Error("TODO: implement computeDistancesTwoLoops");';
    assert.ok(src.includes(stub));
    await Deno.writeTextFile(path, src.replace(stub, "return new Matrix(X.rows, XTrain.rows);"));
    const wrong = await mod.check("computeDistancesTwoLoops");
    const [t] = wrong.report.tests;
    assert.equal(t.passed, false);
    assert.doesNotMatch(t.message, /not written yet/);
    assert.match(t.message, /\S/);
    assert.ok(wrong.html.includes(escape(t.message)), wrong.html);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("notebook check: every text is escaped in the HTML", () => {
  const report: CheckReport = {
    selector: "<f>",
    scope: "",
    typeChecked: true,
    passed: 0,
    failed: 1,
    score: 0,
    maxScore: 1.5,
    seconds: 1,
    assignments: [{
      id: "A9",
      title: "t",
      score: 0,
      maxScore: 1.5,
      hiddenPoints: 2,
      typeErrors: ["lib/f.ts:1:2 - TS2322 <T> & 'x'"],
      brokenModules: { "lib/g.ts": "threw <script>alert(1)</script>" },
    }],
    tests: [{
      assignment: "A9",
      name: `f: "quotes" & <tags>`,
      function: "f",
      file: "lib/f.ts",
      points: 0,
      maxPoints: 1.5,
      passed: false,
      message: "AssertionError: expected <1>\nactual <2>",
    }],
  };
  const { html, text } = new CheckResult(report);
  assert.ok(!/<(script|tags|f|T|1|2)>/.test(html), html);
  assert.match(html, /<td>f: &quot;quotes&quot; &amp; &lt;tags&gt;<\/td><td>0 \/ 1\.5<\/td>/);
  assert.match(html, /AssertionError: expected &lt;1&gt;\nactual &lt;2&gt; {2}\[lib\/f\.ts\]/);
  assert.match(html, /threw &lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /TS2322 &lt;T&gt; &amp; &#39;x&#39;/);
  assert.match(html, /✘ &lt;f&gt;: 1 of 1 public test failing \(0 \/ 1\.5 points\)/);
  assert.match(text, /A9: 2 more points come from hidden tests/);
});

Deno.test("deno task check --json: per-test results; an unknown name lists the valid names", async () => {
  const r = await timed(
    "check kFoldSplit crossValidate --json",
    () => checkCli(REPO_ROOT, ["kFoldSplit", "crossValidate", "--json", "--no-typecheck"]),
  );
  assert.equal(r.code, 0, r.out);
  const report = JSON.parse(r.out) as CheckReport;
  assert.deepEqual(
    report.tests.map((t) => [t.assignment, t.name, t.function, t.points, t.maxPoints, t.passed]),
    [...publicTests("kFoldSplit"), ...publicTests("crossValidate")].map(([name, points]) => [
      "A1",
      name,
      name.split(":")[0],
      points,
      points,
      true,
    ]),
  );
  assert.deepEqual(report.tests.map((t) => [t.file, t.message]), [
    ["lib/cross_validation.ts", ""],
    ["lib/cross_validation.ts", ""],
  ]);
  assert.deepEqual(
    [report.selector, report.scope, report.passed, report.failed, report.score, report.maxScore],
    ["kFoldSplit crossValidate", " (tests of kFoldSplit, crossValidate)", 2, 0, 3, 3],
  );
  assert.deepEqual(report.assignments.map((a) => [a.id, a.score, a.maxScore, a.hiddenPoints]), [
    ["A1", 3, 3, 10],
  ]);
  const unknown = await checkCli(REPO_ROOT, ["knn", "--json"]);
  assert.equal(unknown.code, 1);
  const err = JSON.parse(unknown.out);
  assert.deepEqual(err.valid, validNames(manifest));
  assert.deepEqual(err.valid.slice(0, 4), ["A1", "A2", "A3", "computeDistancesTwoLoops"]);
  assert.match(err.error, /^no public test matches "knn"\. Check an assignment \(A1, A2, A3\)/);
  // The human report is unchanged by the JSON mode's existence.
  const human = await checkCli(REPO_ROOT, ["kFoldSplit", "--no-typecheck"]);
  assert.equal(human.code, 0, human.out);
  assert.match(human.out, /✔ {3}1\/1 {2}kFoldSplit: 10 examples in 3 contiguous folds/);
  assert.match(
    human.out,
    /score so far: 1 \/ 1 points on the public tests \(tests matching "kFoldSplit"\)/,
  );
});

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}
