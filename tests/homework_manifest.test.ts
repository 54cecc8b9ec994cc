/**
 * The homework manifest (grader/judge/manifest.ts, validate_manifest.ts): the real
 * assignments/assignments.json and its test files (by their text, and as the judge's loader sees
 * them), the default points split, timeouts and visibility, every validation rule, the student
 * manifest, notebook patterns.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "../tools/kernelspec.ts";
import {
  type Assignment,
  assignmentFiles,
  findAssignment,
  functionOf,
  gradedFiles,
  loadManifest,
  type Manifest,
  notebookPaths,
  resolveTests,
  studentManifest,
  validateManifest,
} from "../grader/judge/manifest.ts";
import { loadTestBodies } from "../grader/judge/runner.ts";

const PATH = join(REPO_ROOT, "assignments", "assignments.json");
const manifest = await loadManifest(PATH);

Deno.test("manifest: three assignments of 20 points; A2's points per function", () => {
  assert.deepEqual(manifest.assignments.map((a) => a.id), ["A1", "A2", "A3"]);
  for (const a of manifest.assignments) {
    const tests = resolveTests(a, manifest.defaults);
    assert.equal(tests.reduce((s, t) => s + t.points, 0), 20, a.id);
    const visible = tests.filter((t) => t.visibility === "visible");
    assert.equal(visible.reduce((s, t) => s + t.points, 0), 10, `${a.id} public points`);
  }
  const A2 = findAssignment(manifest, "A2");
  const a2 = resolveTests(A2, manifest.defaults);
  // The scores-level losses 2 (1 + 1), the naive losses and the numerical gradient 4 (2 + 2), the
  // vectorized losses 2 (1 + 1): 20 points over 14 tests.
  const byFunction = (fn: string) =>
    a2.filter((t) => t.function === fn).map((t) => [t.visibility, t.points]);
  assert.equal(a2.length, 14);
  for (const fn of ["svmLoss", "softmaxLoss", "svmLossVectorized", "softmaxLossVectorized"]) {
    assert.deepEqual(byFunction(fn), [["visible", 1], ["hidden", 1]], fn);
  }
  for (const fn of ["svmLossNaive", "softmaxLossNaive", "evalNumericalGradient"]) {
    assert.deepEqual(byFunction(fn), [["visible", 2], ["hidden", 2]], fn);
  }
  // The vectorized losses call the scores-level ones; A3's net calls A2's softmaxLoss, so grading
  // A3 takes the student's lib/losses/scores.ts too.
  assert.deepEqual(A2.functions.softmaxLossVectorized.uses, ["softmaxLoss"]);
  assert.deepEqual(A2.functions.svmLossVectorized.uses, ["svmLoss"]);
  assert.deepEqual(gradedFiles(manifest, findAssignment(manifest, "A3")), [
    "lib/losses/scores.ts",
    "lib/nn/two_layer_net.ts",
    "lib/optim/update_rules.ts",
  ]);
  const a3 = resolveTests(findAssignment(manifest, "A3"), manifest.defaults);
  assert.deepEqual(a3.map((t) => t.timeoutSeconds), [20, 20, 20, 20, 20, 20, 30, 20, 20, 20]);
  assert.deepEqual(assignmentFiles(A2), [
    "lib/gradients.ts",
    "lib/losses/linear_svm.ts",
    "lib/losses/scores.ts",
    "lib/losses/softmax.ts",
  ]);
});

Deno.test("manifest: every test file exists and registers exactly the tests listed, in order", async () => {
  for (const a of manifest.assignments) {
    for (const f of a.testFiles) {
      // By the text: `test("name", async (t) => …)` at the start of a line, any quotes.
      const text = await Deno.readTextFile(join(REPO_ROOT, f.path));
      const names = [...text.matchAll(/^test\(\s*(["'`])((?:(?!\1)[^\\]|\\.)+)\1\s*,/gm)]
        .map((m) => m[2]);
      assert.deepEqual(names, f.tests.map((t) => t.name), f.path);
    }
    // As the judge loads them (grader/judge/runner.ts): no problem, a body for every test.
    const tests = resolveTests(a, manifest.defaults);
    const { bodies, problems } = await loadTestBodies(REPO_ROOT, tests);
    assert.deepEqual(problems, [], a.id);
    assert.deepEqual([...bodies.keys()], tests.map((t) => t.name), a.id);
  }
});

function valid(): Manifest {
  return {
    defaults: { timeoutSeconds: 10 },
    assignments: [{
      id: "A0",
      title: "demo",
      points: 6,
      functions: { f: { file: "lib/f.ts" }, g: { file: "lib/g.ts", uses: ["f"] } },
      testFiles: [
        {
          path: "assignments/tests/A0/public/a.test.ts",
          visibility: "visible",
          tests: [{ name: "f: one", points: 2 }, { name: "g: two" }],
        },
        {
          path: "assignments/tests/A0/hidden/a.test.ts",
          visibility: "hidden",
          timeoutSeconds: 3,
          tests: [{ name: "g: three", visibility: "after_due_date" }],
        },
      ],
    }],
  };
}

Deno.test("manifest: the default split, timeouts and visibility", () => {
  const tests = resolveTests(valid().assignments[0], valid().defaults);
  assert.deepEqual(
    tests.map((t) => [t.name, t.function, t.points, t.timeoutSeconds, t.visibility]),
    [
      ["f: one", "f", 2, 10, "visible"],
      ["g: two", "g", 2, 10, "visible"],
      ["g: three", "g", 2, 3, "after_due_date"],
    ],
  );
  const noTotal: Assignment = { ...valid().assignments[0], points: undefined };
  assert.deepEqual(resolveTests(noTotal).map((t) => t.points), [2, 1, 1]);
  assert.equal(functionOf("TwoLayerNet.loss: scores"), "TwoLayerNet.loss");
  assert.equal(functionOf("TwoLayerNet.loss:scores"), null);
});

Deno.test("manifest: every rule is checked, with a readable message", () => {
  assert.deepEqual(validateManifest(valid()), []);
  const broken = (edit: (m: Manifest) => void) => {
    const m = valid();
    edit(m);
    return validateManifest(m).join("\n");
  };
  const a = (m: Manifest) => m.assignments[0];
  const cases: [(m: Manifest) => void, RegExp][] = [
    [(m) => (a(m).id = "A 0"), /id must be letters/],
    [(m) => m.assignments.push(valid().assignments[0]), /duplicate id/],
    [(m) => (a(m).functions.f.file = "tools/f.ts"), /function f: file must be a lib\/….ts path/],
    [(m) => (a(m).functions.g.uses = ["h"]), /function g: uses unknown h/],
    [(m) => (a(m).testFiles[0].tests[0].name = "h: one"), /must start with "<function>: "/],
    [(m) => (a(m).testFiles[0].tests[1].name = "f: one"), /"f: one": duplicate name/],
    [(m) => (a(m).testFiles[0].tests[0].name = "f: #1"), /no #, line breaks/],
    [
      (m) => (a(m).testFiles[0].visibility = "hidden"),
      /hidden tests belong in assignments\/tests\/A0\/hidden\//,
    ],
    [
      (m) => (a(m).testFiles[1].tests[0].visibility = "visible"),
      /visibility visible does not fit a hidden\/ file/,
    ],
    [(m) => (a(m).testFiles[1].visibility = "public" as "visible"), /visibility must be one of/],
    [(m) => (a(m).testFiles[0].tests[0].points = 7), /tests have 7 points, more than 6/],
    [(m) => (a(m).testFiles[0].tests[0].points = -1), /points must be ≥ 0/],
    [(m) => (a(m).testFiles[1].timeoutSeconds = 0), /timeoutSeconds must be > 0/],
    [(m) => (a(m).testFiles[0].tests[0].name = "g: zero"), /function f has no test/],
    [
      (m) => (a(m).testFiles[0].path = "assignments/tests/A0/public/a.ts"),
      /must end with \.test\.ts/,
    ],
    [(m) => {
      a(m).testFiles[0].tests[1].points = 1;
      a(m).testFiles[1].tests[0].points = 1;
    }, /tests have 4 points but the assignment has 6/],
  ];
  for (const [edit, message] of cases) assert.match(broken(edit), message);
  assert.deepEqual(validateManifest(null), ["manifest: no assignments array"]);
  // `uses` may name a function of an earlier assignment (graded with it), not of a later one.
  const later = (m: Manifest) => {
    m.assignments.push({
      id: "A9",
      title: "later",
      points: 1,
      functions: { k: { file: "lib/k.ts", uses: ["f"] } },
      testFiles: [{
        path: "assignments/tests/A9/public/k.test.ts",
        visibility: "visible",
        tests: [{ name: "k: one" }],
      }],
    });
    return m;
  };
  assert.deepEqual(validateManifest(later(valid())), []);
  const m = later(valid());
  a(m).functions.f.uses = ["k"];
  assert.match(validateManifest(m).join("\n"), /assignment A0: function f: uses unknown k/);
  const both = later(valid());
  assert.deepEqual(gradedFiles(both, both.assignments[1]), ["lib/f.ts", "lib/k.ts"]);
  assert.deepEqual(gradedFiles(both, both.assignments[0]), ["lib/f.ts", "lib/g.ts"]);
});

Deno.test("manifest: loadManifest lists every problem; findAssignment names the ids", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const m = valid();
    m.assignments[0].functions.g.uses = ["zz"];
    m.assignments[0].testFiles[0].tests[0].points = -2;
    await Deno.writeTextFile(join(dir, "m.json"), JSON.stringify(m));
    await assert.rejects(
      loadManifest(join(dir, "m.json")),
      /is invalid:\n {2}.*uses unknown zz\n {2}.*≥ 0/,
    );
    await Deno.writeTextFile(join(dir, "bad.json"), "{");
    await assert.rejects(loadManifest(join(dir, "bad.json")), /manifest .*bad\.json: /);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.throws(() => findAssignment(manifest, "A9"), /no assignment A9; there are A1,A2,A3/);
});

Deno.test("manifest: the student manifest keeps public tests and counts the hidden points", () => {
  const s = studentManifest(manifest);
  assert.deepEqual(validateManifest(s), []);
  for (const a of s.assignments) {
    assert.ok(a.testFiles.every((f) => f.visibility === "visible"));
    assert.equal(a.hiddenPoints, 10);
    assert.ok(a.testFiles.every((f) => f.tests.every((t) => typeof t.points === "number")));
  }
  assert.ok(!JSON.stringify(s).includes("hidden/"));
});

Deno.test("manifest: notebook patterns match lessons that exist, and skip the others", async () => {
  const found = await notebookPaths(REPO_ROOT, ["notebooks/01-*.ipynb", "notebooks/99-*.ipynb"]);
  assert.deepEqual(found, ["notebooks/01-nearest-neighbor.ipynb"]);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(dir, "nb"));
    for (const n of ["02-a.ipynb", "02-b.txt", "12-c.ipynb"]) {
      await Deno.writeTextFile(join(dir, "nb", n), "");
    }
    assert.deepEqual(await notebookPaths(dir, ["nb/02-*.ipynb", "nb/x*.ipynb"]), ["nb/02-a.ipynb"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
