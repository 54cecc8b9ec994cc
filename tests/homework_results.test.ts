/**
 * Gradescope results (tools/homework/results.ts), the sandboxed test runner (runner.ts) on a tiny
 * test file that hangs, exits and crashes, zip archives (zip.ts) and the gradebook CSV.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  failedResults,
  type GradescopeResults,
  resultsMarkdown,
  validateResults,
} from "../tools/homework/results.ts";
import { runTestFile } from "../tools/homework/runner.ts";
import { clean, parseJunit, parseTap } from "../tools/homework/test_reports.ts";
import { gradebookCsv } from "../tools/homework/grade.ts";
import { dirEntries, listFiles, unzipEntries, unzipTo, zipEntries } from "../tools/homework/zip.ts";

/** The example of Gradescope's specification page, comments removed. */
const SPEC_EXAMPLE = {
  score: 44.0,
  execution_time: 136,
  output: "Text relevant to the entire submission",
  output_format: "simple_format",
  test_output_format: "text",
  test_name_format: "text",
  visibility: "after_due_date",
  stdout_visibility: "visible",
  extra_data: {},
  tests: [
    {
      score: 2.0,
      max_score: 2.0,
      status: "passed",
      name: "Your name here",
      name_format: "text",
      number: "1.1",
      output: "Giant multiline string that will be placed in a <pre> tag and collapsed by default",
      output_format: "text",
      tags: ["tag1", "tag2", "tag3"],
      visibility: "visible",
      extra_data: {},
    },
    { score: 42, max_score: 50, name: "the rest" },
  ],
  leaderboard: [{ name: "Accuracy", value: 0.926 }],
};

Deno.test("results: the validator accepts Gradescope's own example and rejects each mistake", () => {
  assert.deepEqual(validateResults(SPEC_EXAMPLE), []);
  const broken = (edit: (r: Record<string, unknown>) => void) => {
    const r = structuredClone(SPEC_EXAMPLE) as unknown as Record<string, unknown>;
    edit(r);
    return validateResults(r).join("\n");
  };
  const t0 = (r: Record<string, unknown>) => (r.tests as Record<string, unknown>[])[0];
  const cases: [(r: Record<string, unknown>) => void, RegExp][] = [
    [(r) => (r.score = "44"), /^score: must be a finite number, got "44"$/m],
    [(r) => (r.visibility = "public"), /^visibility: must be one of visible, hidden/m],
    [(r) => (r.stdout_visibility = "never"), /^stdout_visibility: must be one of/m],
    [(r) => (r.output_format = "pdf"), /^output_format: must be one of text, html/m],
    [(r) => (r.grade = 1), /^grade: unknown field$/m],
    [(r) => (r.tests = {}), /^tests: must be an array$/m],
    [(r) => (t0(r).status = "ok"), /^tests\[0\]\.status: must be one of passed, failed, got ok$/m],
    [(r) => (t0(r).status = "failed"), /^tests\[0\]\.status: failed with score 2 of 2$/m],
    [(r) => (t0(r).number = 1), /^tests\[0\]\.number: must be a string$/m],
    [(r) => (t0(r).tags = "a"), /^tests\[0\]\.tags: must be an array of strings$/m],
    [(r) => (t0(r).visibility = "secret"), /^tests\[0\]\.visibility: must be one of/m],
    [(r) => (t0(r).points = 2), /^tests\[0\]\.points: unknown field$/m],
    [(r) => (r.score = 40), /^score: 40 is not the sum of the tests' scores \(44\)$/m],
    [(r) => {
      delete r.score;
      delete t0(r).score;
    }, /^tests\[0\]\.score: required when there is no top-level score$/m],
    [(r) => {
      delete r.score;
      delete r.tests;
    }, /^score: required when there are no tests$/m],
  ];
  for (const [edit, message] of cases) assert.match(broken(edit), message);
  assert.deepEqual(validateResults([]), ["results.json must be a JSON object"]);
});

Deno.test("results: the autograder-failed fallback and the Markdown report", () => {
  const failed = failedResults(new Error("no base/ folder"), 20);
  assert.deepEqual(validateResults(failed), []);
  assert.equal(failed.score, 0);
  assert.deepEqual([failed.tests[0].name, failed.tests[0].max_score], ["autograder failed", 20]);
  assert.match(failed.tests[0].output!, /Error: no base\/ folder/);
  const r: GradescopeResults = {
    score: 2,
    output: "**A1** notes",
    execution_time: 3,
    extra_data: { assignment: "A1", max_score: 3.5 },
    tests: [
      { name: "f: a | b", score: 2, max_score: 2, status: "passed", visibility: "visible" },
      {
        name: "g: c",
        score: 0,
        max_score: 1.5,
        status: "failed",
        output: "AssertionError: 1 !== 2\n```",
        visibility: "hidden",
      },
    ],
  };
  const md = resultsMarkdown(r);
  assert.match(md, /^# A1: 2 \/ 3\.5 points\n\n\*\*A1\*\* notes\n/);
  assert.match(md, /\| 1 \| ✔ \| f: a \\\| b \| 2 \/ 2 \| visible \|/);
  assert.match(md, /## Failures\n\n### g: c\n\n```text\nAssertionError: 1 !== 2\nʼʼʼ\n```/);
  assert.match(md, /Graded in 3 s\.\n$/);
  assert.doesNotMatch(resultsMarkdown(r, { includeHidden: false }), /g: c/);
});

Deno.test("runner: parses JUnit and TAP, cleans messages", () => {
  const xml = `<testsuites><testsuite name="./a.test.ts">
    <testcase name="f: &quot;x&quot; &amp; y" time="0.25"></testcase>
    <testcase name="g: z" time="0.001"><failure message="m">AssertionError: 1 &lt; 2&#10;at x</failure></testcase>
    <testcase name="h: w" time="0"><error message="Cancelled"/></testcase>
    <testcase name="s: skip" time="0"><skipped/></testcase>
  </testsuite></testsuites>`;
  assert.deepEqual(parseJunit(xml), [
    { name: 'f: "x" & y', passed: true, message: "", seconds: 0.25 },
    { name: "g: z", passed: false, message: "AssertionError: 1 < 2\nat x", seconds: 0.001 },
    { name: "h: w", passed: false, message: "Cancelled", seconds: 0 },
  ]);
  const tap =
    'TAP version 14\n# ./a.test.ts\nok 1 - a: b\nnot ok 2 - c: d\n  ---\n  {"message":"boom","severity":"fail"}\n  ...\n1..2\n';
  assert.deepEqual(parseTap(tap).map((t) => [t.name, t.passed, t.message]), [
    ["a: b", true, ""],
    ["c: d", false, "boom"],
  ]);
  assert.equal(clean("x".repeat(20), "/r", 10), "xxxxxxxxxx\n… (10 more characters)");
  assert.equal(
    clean("at file:///tmp/w/lib/a.ts:1:2 and /tmp/w/lib/b.ts", "/tmp/w"),
    "at lib/a.ts:1:2 and lib/b.ts",
  );
});

Deno.test("runner: a hang, an exit and a crash each cost one test; the rest still run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hw-runner-" });
  try {
    await Deno.writeTextFile(join(dir, "deno.json"), "{}");
    await Deno.writeTextFile(
      join(dir, "t.test.ts"),
      `const t = (name: string, fn: () => unknown) =>
  Deno.test({ name, sanitizeOps: false, sanitizeResources: false, fn: async () => { Deno.exitCode = 0; await fn(); } });
t("a: passes", () => {});
t("b: fails", () => { throw new Error("wrong answer"); });
t("c: hangs", () => { while (true) { /* forever */ } });
t("d: passes after the hang", () => {});
t("e: exits", () => { Deno.exit(5); });
t("f: passes after the exit", () => {});
t("g: crashes the process", () => { Promise.reject(new Error("dangling rejection")); return new Promise((r) => setTimeout(r, 50)); });
t("h: passes after the crash", () => {});
t("i: reads a file", () => Deno.readTextFile("/etc/hostname"));
t("j: opens the network", () => fetch("http://127.0.0.1:8123/"));
`,
    );
    const names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    const full = [
      "a: passes",
      "b: fails",
      "c: hangs",
      "d: passes after the hang",
      "e: exits",
      "f: passes after the exit",
      "g: crashes the process",
      "h: passes after the crash",
      "i: reads a file",
      "j: opens the network",
      "k: is not in the file",
    ];
    const lines: string[] = [];
    const r = await runTestFile({
      cwd: dir,
      file: "t.test.ts",
      tests: full.map((name) => ({ name, timeoutSeconds: 2 })),
      startupSeconds: 3,
      log: (l) => lines.push(l),
    });
    const o = (letter: string) => r.outcomes.get(full[names.indexOf(letter)] ?? full[10])!;
    assert.deepEqual(
      [...names, "k"].map((n) => o(n).passed),
      [true, false, false, true, false, true, false, true, false, false, false],
    );
    assert.match(o("b").message, /Error: wrong answer/);
    assert.match(o("c").message, /^timed out after 2 s/);
    assert.match(o("e").message, /Test case attempted to exit with exit code: 5/);
    assert.match(o("g").message, /^crashed: [\s\S]*dangling rejection/);
    assert.match(o("i").message, /NotCapable: Requires read access/);
    assert.match(o("j").message, /NotCapable: Requires net access/);
    assert.match(o("k").message, /^no test named this in t\.test\.ts$/);
    assert.ok(
      lines.some((l) => /"c: hangs" timed out; running the 8 test\(s\) after it again/.test(l)),
    );
    assert.deepEqual(r.extra, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("zip: round trip with modes, directories, and the limits of a submitted zip", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hw-zip-" });
  try {
    await Deno.mkdir(join(dir, "src", "a", "b"), { recursive: true });
    await Deno.writeTextFile(join(dir, "src", "a", "b", "x.ts"), "export const x = 1;\n");
    await Deno.writeTextFile(join(dir, "src", "run"), "#!/bin/sh\n", { mode: 0o755 });
    await Deno.chmod(join(dir, "src", "run"), 0o755);
    const entries = await dirEntries(join(dir, "src"));
    assert.deepEqual(entries.map((e) => [e.path, e.mode]), [["a/b/x.ts", 0o644], ["run", 0o755]]);
    await Deno.writeFile(join(dir, "s.zip"), zipEntries(entries));
    await unzipTo(join(dir, "s.zip"), join(dir, "out"));
    assert.deepEqual(await listFiles(join(dir, "out")), ["a/b/x.ts", "run"]);
    assert.equal(await Deno.readTextFile(join(dir, "out", "a/b/x.ts")), "export const x = 1;\n");
    assert.throws(() => unzipEntries(zipEntries([{ path: "/etc/passwd", data: "" }])), /outside/);
    assert.throws(() => unzipEntries(zipEntries([{ path: "a/../../x", data: "" }])), /outside/);
    const many = Array.from({ length: 5001 }, (_, i) => ({ path: `f${i}`, data: "" }));
    assert.throws(() => unzipEntries(zipEntries(many)), /more than 5000 files/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("gradebook: one row per submission, a column per test, quoted as CSV needs", () => {
  const csv = gradebookCsv(["f: a, b", "g: c"], [
    { name: "ann", tests: { "f: a, b": 2, "g: c": 1.5 }, score: 3.5, max: 4 },
    { name: 'bo "b"', tests: {}, score: 0, max: 4 },
  ]);
  assert.equal(
    csv,
    'submission,"f: a, b","g: c",total,max_score\nann,2,1.5,3.5,4\n"bo ""b""",0,0,0,4\n',
  );
});
