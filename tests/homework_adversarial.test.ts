/**
 * Adversarial submissions, each graded by `grade()` (grader/judge/grade.ts) with its EXACT expected
 * score. Each is the student edition (the stubs of `buildBase`) or the instructor's solution (this
 * repository's lib files) plus one modification; the attacker has read the grader's source. The
 * expected scores follow from the design: student code runs only in sandbox processes (no
 * permissions, no remote imports, limits), one per test, and can only affect the tests whose calls
 * it answers; the answers are checked by the judge in its own realm.
 *
 * A1 points: computeDistancesTwoLoops 4, computeDistancesOneLoop 4, computeDistancesNoLoops 4,
 * predictLabels 3, kFoldSplit 2, crossValidate 3 (crossValidate uses kFoldSplit). A2: svmLoss,
 * softmaxLoss, svmLossVectorized, softmaxLossVectorized 2 (the vectorized losses use the scores-level
 * ones), svmLossNaive, softmaxLossNaive, evalNumericalGradient 4. KNN =
 * lib/classifiers/k_nearest_neighbor.ts (cross_validation.ts imports it), CV =
 * lib/cross_validation.ts. Code of the attacks: tests/fixtures/homework/adversarial.ts.
 *
 * | case | from | modification                                                       | score |
 * | ---- | ---- | ------------------------------------------------------------------ | ----- |
 * | C01  | stub | top of KNN: node:assert methods no-ops, Math.abs/max, JSON         | 0     |
 * |      |      | (destroyed), Object.is, Number.isFinite, Array.prototype.every,    |       |
 * |      |      | Deno.test overridden                                               |       |
 * | C02  | sol  | NoLoops squared distances (wrong) + the same overrides installed   | 16    |
 * |      |      | in the call                                                        |       |
 * | C03  | sol  | TwoLoops correct with setTimeout(() => Deno.exit(0), 5) inside;    | 20 ×2 |
 * |      |      | graded twice                                                       |       |
 * | C04a | stub | KNN imports hidden support.ts by a relative path (climbing to /),  | 0     |
 * |      |      | uses it                                                            |       |
 * | C04b | stub | the same by absolute path                                          | 0     |
 * | C04c | stub | linear_svm.ts and softmax.ts use referenceSvm / referenceSoftmax   | 0/A2  |
 * |      |      | (absolute)                                                         |       |
 * | C04d | sol  | CV imports "../assignments/tests/hidden/support.ts" (the repo-     | 15    |
 * |      |      | relative path)                                                     |       |
 * | C05a | sol  | TwoLoops returns import(<computed hidden path>).then(…): a Promise | 16    |
 * | C05b | sol  | top of KNN: await import(<computed hidden path>) kept; TwoLoops    | 16    |
 * |      |      | uses it                                                            |       |
 * | C06  | sol  | CV: type-only imports of hidden files + a wrong signature (type-   | 15    |
 * |      |      | checked)                                                           |       |
 * | C07a | sol  | a type error in OneLoop (type-checked): reported, not scored       | 20    |
 * | C07b | sol  | a type error whose related information is in lib/matrix.ts:        | 20    |
 * |      |      | reported, the related information cut                              |       |
 * | C08a | sol  | CV: static imports of http://127.0.0.1:<port> and                  | 15    |
 * |      |      | https://deno.land/x/…                                              |       |
 * | C08b | sol  | CV: top-level await import() of the same, literal specifiers       | 15    |
 * | C08c | sol  | CV: top-level await import() of a computed http://127.0.0.1        | 15    |
 * |      |      | specifier                                                          |       |
 * | C09a | sol  | Object.prototype.passed/score/status polluted; TwoLoops returns    | 16    |
 * |      |      | zeros                                                              |       |
 * | C09b | sol  | Array.prototype.toJSON set in OneLoop, which then returns the      | 16    |
 * |      |      | right answer                                                       |       |
 * | C09c | sol  | JSON redefined on globalThis (defineProperty) in NoLoops, wrong    | 16    |
 * |      |      | answer                                                             |       |
 * | C09d | sol  | crossValidate's best: a Symbol.toPrimitive/valueOf object;         | 14    |
 * |      |      | predictLabels: labels as valueOf objects                           |       |
 * | C09e | sol  | TwoLoops: transparent Proxy of the right Matrix (kept); OneLoop: a | 12    |
 * |      |      | Proxy posing as a Matrix of zeros; NoLoops: {rows, cols, data}     |       |
 * |      |      | right but no Matrix                                                |       |
 * | C09f | sol  | kFoldSplit: valIdx getter right on the 1st read only (kept);       | 17    |
 * |      |      | crossValidate: best getter wrong on the 1st read only (lost)       |       |
 * | C10  | sol  | TwoLoops: Atomics.wait forever                                     | 16    |
 * | C11a | sol  | TwoLoops: a busy Worker, then the right answer                     | 20    |
 * | C11b | sol  | TwoLoops: a Worker bomb, then a spin                               | 16    |
 * | C12  | sol  | TwoLoops: new Float64Array(2 ** 28).fill(1)                        | 16    |
 * | C13  | sol  | TwoLoops: 100 MB of console.log                                    | 16    |
 * | C14a | sol  | TwoLoops reads /proc/self/environ                                  | 16    |
 * | C14b | sol  | OneLoop: Deno.env.toObject()                                       | 16    |
 * | C14c | sol  | NoLoops: Deno.readTextFileSync(<hidden a1.test.ts>)                | 16    |
 * | C14d | sol  | predictLabels: fetch and WebSocket to the test's server (0         | 17    |
 * |      |      | requests)                                                          |       |
 * | C14e | sol  | kFoldSplit: new Deno.Command("sh") (crossValidate uses it)         | 15    |
 * | C15  | sol  | TwoLoops throws its stack and import.meta.url: no judge path in    | 16    |
 * |      |      | them                                                               |       |
 * | C16  | sol  | top of KNN: an infinite loop (CV imports KNN); < 60 s              | 0     |
 * | C17  | sol  | A2: an infinite loop in softmaxLossVectorized                      | 18/A2 |
 * | C18a | sol  | top of CV: Deno.exit(0)                                            | 15    |
 * | C18b | sol  | top of CV: Promise.reject(…) (an unhandled rejection at import)    | 15    |
 * | C18c | sol  | top of CV: throw                                                   | 15    |
 * | C18d | sol  | kFoldSplit not exported                                            | 18    |
 * | C18e | sol  | a syntax error in CV                                               | 15    |
 * | C19  | sol  | none: A1, A2, A3 each graded (type check, manifest timeouts); the  | 20 ×3 |
 * |      |      | time is printed, not asserted (speed is for benchmarks)            |       |
 * | C20  | sol  | TwoLoops returns a Promise, predictLabels a function, kFoldSplit a | 11    |
 * |      |      | circular fold (crossValidate, which uses kFoldSplit inside, keeps  |       |
 * |      |      | its points)                                                        |       |
 * | C21  | sol  | CV is a symlink to the hidden a1.test.ts, mirror/ a symlink to the | 15    |
 * |      |      | repo lib/                                                          |       |
 * | C22a | sol  | instructor: a public test file path misspelt in the manifest       | 10 ¹  |
 * | C22b | sol  | instructor: the hidden test file throws at load                    | 10 ¹  |
 * | C22c | sol  | instructor: a test name the file does not define                   | 18 ¹  |
 *
 * from: stub = the student edition (`buildBase`), sol = this repository's solution files.
 * ¹ `extra_data.autograder_failed` is true; the tests that ran all pass; tools/grade.ts exits 1.
 *
 * Why the kept/lost decisions of C09: the judge receives one encoded snapshot of each answer,
 * rebuilt with its own classes (a Matrix only from a Matrix of the sandbox), so a value that reads
 * right once is a right answer (C09e TwoLoops, C09f kFoldSplit) and anything else is checked as
 * what it is (an object is not a number, a look-alike is not a Matrix); pollution of the
 * sandbox's realm can only garble or lose its own answers (C09b, C09c).
 *
 * Gradings run two at a time (the machine has 2 cores) with `testTimeoutCap: 3`, type checks only
 * where a case is about them, all on one shared base; C11a/C11b (CPU-hungry Workers) run alone.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { REPO_ROOT } from "../tools/kernelspec.ts";
import { grade, type GradeOptions, type GradingSource } from "../grader/judge/grade.ts";
import {
  type Assignment,
  findAssignment,
  loadManifest,
  resolveTests,
} from "../grader/judge/manifest.ts";
import { findRegions, replaceRegion } from "../grader/release/markers.ts";
import { type GradescopeResults, validateResults } from "../grader/judge/results.ts";
import { buildBase } from "../grader/release/base.ts";
import { copyTree } from "../grader/judge/workspace.ts";
import { toFileUrl } from "../grader/judge/paths.ts";
import * as code from "./fixtures/homework/adversarial.ts";

const manifest = await loadManifest(join(REPO_ROOT, "assignments", "assignments.json"));
const tmp = await Deno.makeTempDir({ prefix: "hw-adversarial-" });
const source: GradingSource = { root: REPO_ROOT, base: join(tmp, "base") };
await buildBase(REPO_ROOT, source.base);

const KNN = "lib/classifiers/k_nearest_neighbor.ts";
const CV = "lib/cross_validation.ts";
const SVM = "lib/losses/linear_svm.ts";
const SOFTMAX = "lib/losses/softmax.ts";
const SUPPORT = join(REPO_ROOT, "assignments", "tests", "hidden", "support.ts");
const HIDDEN_A1 = join(REPO_ROOT, "assignments", "tests", "A1", "hidden", "a1.test.ts");
/** From a workspace's lib/classifiers/, up to / and down to the hidden support module. */
const SUPPORT_RELATIVE = `${"../".repeat(24)}${SUPPORT.slice(1)}`;

/** A server student code must never reach (remote imports, fetch, WebSocket). */
const requests: string[] = [];
const server = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen: () => {} },
  (req) => {
    requests.push(req.url);
    return new Response("export const leaked = true;\n", {
      headers: { "content-type": "application/typescript" },
    });
  },
);
const PORT = server.addr.port;

// ---------------------------------------------------------------------------------------------
// Building submissions

type Edit = (text: string, file: string) => string;

/** Replaces solution region `name` of the solution text with `body`. */
const region = (name: string, body: string): Edit => (text, file) =>
  replaceRegion(text, name, body, file);

/** Puts `body` before the solution lines of region `name` (the solution itself stays). */
const before = (name: string, body: string): Edit => (text, file) => {
  const r = findRegions(text, file).find((x) => x.name === name);
  assert.ok(r, `${file}: no region ${name}`);
  return replaceRegion(text, name, `${body}\n${r.solution.join("\n")}`, file);
};

/** Replaces the one occurrence of `anchor`. */
const replace = (anchor: string, by: string): Edit => (text, file) => {
  assert.equal(text.split(anchor).length, 2, `${file}: the anchor must occur once: ${anchor}`);
  return text.replace(anchor, () => by);
};

/** Replaces the TODO stub of `name` (student edition). */
const stubBody = (name: string, body: string): Edit =>
  replace(`throw new Error("TODO: implement ${name}");`, body);

/** Puts lines at the top of the file. */
const top = (lines: string): Edit => (text) => `${lines}\n${text}`;

/** Applies edits in order. */
const all = (...edits: Edit[]): Edit => (text, file) => edits.reduce((t, e) => e(t, file), text);

interface Case {
  id: string;
  title: string;
  assignment?: "A1" | "A2";
  /** What the submission starts from. */
  edition: "stub" | "solution";
  /** Edits of the assignment's files. */
  edit: Record<string, Edit>;
  /** More to do in the submission folder (symbolic links). */
  extra?: (dir: string) => Promise<void>;
  /** The exact expected score. */
  score: number;
  /** Functions whose tests fail, each with a fragment of the message; every other test passes. */
  failed?: Record<string, RegExp>;
  /** Every test fails with this. */
  failAll?: RegExp;
  typeCheck?: boolean;
  /** Graded this many times (determinism), each with the same expectations. */
  runs?: number;
  /** Graded alone (CPU-hungry attacks). */
  solo?: boolean;
  /** The per-test time limit of its grading (default 3 s). */
  timeoutCap?: number;
  /** More assertions. */
  check?: (r: GradescopeResults, seconds: number, c: Case) => void | Promise<void>;
  /** A known grader bug: not graded, reported (see the comment at the case). */
  bug?: string;
}

const TIMED_OUT = /timed out after 3 s \(the time limit/;
const OUTSIDE = /outside the library: graded code may import only the files of the student edition/;

const cases: Case[] = [
  {
    id: "C01",
    title: "stub edition + global overrides at the top of the kNN module",
    edition: "stub",
    edit: { [KNN]: top(`${code.OVERRIDES}__override(true);`) },
    score: 0,
    // JSON.stringify destroyed: the sandbox's own "ready" frame is garbage, so both modules
    // (CV imports KNN) never finish their import probe.
    failAll: /cannot load lib\/.*: importing it did not finish within 10 s/,
  },
  {
    id: "C02",
    title: "a wrong answer plus the same overrides installed during the call",
    edition: "solution",
    edit: {
      [KNN]: all(
        top(code.OVERRIDES),
        region("computeDistancesNoLoops", code.SQUARED_THEN_OVERRIDES),
      ),
    },
    score: 16,
    // The student's own Object.is override garbles the sandbox's encoding of its answer (every
    // number becomes -0): the judge rejects the malformed value, as it would the wrong one.
    failed: {
      computeDistancesNoLoops: /a 0×0 matrix needs 0 entries, got \d+ \(not a value the test can/,
    },
  },
  {
    id: "C03",
    title: "a stray timer that would exit the process: deterministic full marks",
    edition: "solution",
    edit: {
      [KNN]: region(
        "computeDistancesTwoLoops",
        `    setTimeout(() => Deno.exit(0), 5);\n${code.TWO_LOOPS}`,
      ),
    },
    score: 20,
    runs: 2,
  },
  {
    id: "C04a",
    title: "a static import of the hidden support module by a relative path",
    edition: "stub",
    edit: {
      [KNN]: all(
        top(`import { referenceDistances } from "${SUPPORT_RELATIVE}";`),
        ...["TwoLoops", "OneLoop", "NoLoops"].map((n) =>
          stubBody(`computeDistances${n}`, code.REFERENCE_DISTANCES)
        ),
      ),
    },
    score: 0,
    failAll: OUTSIDE,
    check: (r) => {
      for (const t of r.tests) assert.ok(t.output!.includes(SUPPORT), t.output);
      assert.match(r.output!, /`lib\/classifiers\/k_nearest_neighbor\.ts` imports files outside/);
    },
  },
  {
    id: "C04b",
    title: "a static import of the hidden support module by absolute path",
    edition: "stub",
    edit: {
      [KNN]: all(
        top(`import { referenceDistances } from "${SUPPORT}";`),
        ...["TwoLoops", "OneLoop", "NoLoops"].map((n) =>
          stubBody(`computeDistances${n}`, code.REFERENCE_DISTANCES)
        ),
      ),
    },
    score: 0,
    failAll: OUTSIDE,
  },
  {
    id: "C04c",
    title: "A2 losses answered with the hidden referenceSvm / referenceSoftmax",
    assignment: "A2",
    edition: "stub",
    edit: {
      [SVM]: all(
        top(`import { referenceSvm } from "${SUPPORT}";`),
        stubBody("svmLossNaive", code.referenceLoss("referenceSvm")),
        stubBody("svmLossVectorized", code.referenceLoss("referenceSvm")),
      ),
      [SOFTMAX]: all(
        top(`import { referenceSoftmax } from "${SUPPORT}";`),
        stubBody("softmaxLossNaive", code.referenceLoss("referenceSoftmax")),
        stubBody("softmaxLossVectorized", code.referenceLoss("referenceSoftmax")),
      ),
    },
    score: 0,
    failed: {
      svmLoss: /TODO: implement svmLoss/,
      softmaxLoss: /TODO: implement softmaxLoss/,
      svmLossNaive: OUTSIDE,
      svmLossVectorized: OUTSIDE,
      softmaxLossNaive: OUTSIDE,
      softmaxLossVectorized: OUTSIDE,
      evalNumericalGradient: /TODO: implement evalNumericalGradient/,
    },
  },
  {
    id: "C04d",
    title: "the repository-relative path to the hidden tests leads nowhere in the workspace",
    edition: "solution",
    edit: { [CV]: top(`import "../assignments/tests/hidden/support.ts";`) },
    score: 15,
    failed: {
      // Paths in messages are shown relative (the workspace's and the grader's own prefix cut).
      kFoldSplit: /Module not found "?assignments\/tests\/hidden\/support\.ts/,
      crossValidate: /Module not found/,
    },
  },
  {
    id: "C05a",
    title: "a dynamic import of the hidden module inside a graded function (a Promise)",
    edition: "solution",
    edit: { [KNN]: region("computeDistancesTwoLoops", code.asyncHiddenImport(SUPPORT)) },
    score: 16,
    failed: { computeDistancesTwoLoops: /returned a Promise: graded functions are synchronous/ },
  },
  {
    id: "C05b",
    title: "a dynamic import of the hidden module at the top, used inside a graded function",
    edition: "solution",
    edit: {
      [KNN]: all(
        top(code.prefetchHidden(SUPPORT)),
        region("computeDistancesTwoLoops", code.USE_PREFETCHED),
      ),
    },
    score: 16,
    failed: {
      computeDistancesTwoLoops: /Requires read access to "assignments\/tests\/hidden\/support\.ts"/,
    },
  },
  {
    id: "C06",
    title: "type-only imports of hidden files and a wrong signature: refused, nothing shown",
    edition: "solution",
    edit: { [CV]: top(code.typeOnlyHidden(HIDDEN_A1, SUPPORT)) },
    typeCheck: true,
    score: 15,
    failed: { kFoldSplit: OUTSIDE, crossValidate: OUTSIDE },
    check: async (r) => {
      assert.equal(r.extra_data?.type_errors, 0, "a refused file is not type-checked");
      const shown = strings(r).join("\n");
      const submitted = await Deno.readTextFile(join(REPO_ROOT, CV));
      let checked = 0;
      for (const file of [HIDDEN_A1, SUPPORT]) {
        for (const raw of (await Deno.readTextFile(file)).split("\n")) {
          const line = raw.trim();
          if (line.length < 20 || submitted.includes(line)) continue;
          checked++;
          assert.ok(!shown.includes(line), `a line of ${file} is shown: ${line}`);
        }
      }
      assert.ok(checked > 100, `${checked} lines checked`);
      assert.ok(!shown.includes("Matrix.randn(11, 5, 2)"));
    },
  },
  {
    id: "C07a",
    title: "a type error in the student's file: reported without instructor paths, not scored",
    edition: "solution",
    edit: {
      [KNN]: replace(
        "      const diff = XTrain.sub(",
        "      const oops: string = i;\n      const diff = XTrain.sub(",
      ),
    },
    typeCheck: true,
    score: 20,
    check: (r) => {
      assert.equal(r.extra_data?.type_errors, 1);
      const [message] = r.extra_data?.type_error_messages as string[];
      assert.match(message, /^TS2322 \[ERROR\]: Type 'number' is not assignable to type 'string'/);
      assert.match(message, /at lib\/classifiers\/k_nearest_neighbor\.ts:\d+:\d+/);
      assert.match(r.output!, /\*\*1 type error\(s\)\*\* \(not scored/);
      assert.match(r.output!, /const oops: string = i;/);
      for (const text of [message, r.output!]) {
        for (const bad of [REPO_ROOT, "/tmp/", "file://", "assignments/tests", "grader/"]) {
          assert.ok(!text.includes(bad), `type error text holds ${bad}: ${text}`);
        }
      }
    },
  },
  {
    id: "C07b",
    title: "a type error whose related information points at lib/matrix.ts is reported",
    edition: "solution",
    // `matmulTB(X)` misses an argument; it never runs (X.rows ≥ 0), so the score is unaffected.
    edit: {
      [KNN]: before("computeDistancesNoLoops", "    if (X.rows < 0) matmulTB(X); // never runs"),
    },
    typeCheck: true,
    score: 20,
    check: (r) => {
      assert.equal(r.extra_data?.type_errors, 1);
      assert.match(r.output!, /TS2554 \[ERROR\]: Expected 2 arguments, but got 1/);
    },
  },
  {
    id: "C08a",
    title: "static remote imports are refused before anything runs or is fetched",
    edition: "solution",
    edit: { [CV]: top(code.staticRemote(PORT)) },
    typeCheck: true,
    score: 15,
    failed: {
      kFoldSplit: new RegExp(`http://127\\.0\\.0\\.1:${PORT}/static\\.ts.*${OUTSIDE.source}`),
      crossValidate: OUTSIDE,
    },
    check: () => assert.deepEqual(requests, []),
  },
  {
    id: "C08b",
    title: "top-level await import() of remote literal specifiers: refused, never fetched",
    edition: "solution",
    edit: { [CV]: top(code.dynamicRemote(PORT)) },
    typeCheck: true,
    score: 15,
    failed: { kFoldSplit: OUTSIDE, crossValidate: OUTSIDE },
    check: () => assert.deepEqual(requests, []),
  },
  {
    id: "C08c",
    title: "a computed remote import: the import fails, nothing is fetched",
    edition: "solution",
    edit: { [CV]: top(code.computedRemote(PORT)) },
    typeCheck: true,
    score: 15,
    failed: {
      kFoldSplit: /A remote specifier was requested: .*but --no-remote is specified/,
      crossValidate: /--no-remote/,
    },
    check: () => assert.deepEqual(requests, []),
  },
  {
    id: "C09a",
    title: "Object.prototype polluted with passed/score/status; a wrong TwoLoops",
    edition: "solution",
    edit: {
      [KNN]: all(
        top(code.POLLUTE_OBJECT),
        region("computeDistancesTwoLoops", "    return new Matrix(X.rows, XTrain.rows);"),
      ),
    },
    score: 16,
    failed: { computeDistancesTwoLoops: /L2 dists\[\d+\] is 0, expected \d/ },
  },
  {
    id: "C09b",
    title: "Array.prototype.toJSON set during a call that returns the right answer",
    edition: "solution",
    edit: { [KNN]: before("computeDistancesOneLoop", code.ARRAY_TO_JSON) },
    score: 16,
    failed: { computeDistancesOneLoop: /not a value the test can check/ },
  },
  {
    id: "C09c",
    title: "JSON redefined on globalThis, then a wrong answer",
    edition: "solution",
    edit: { [KNN]: region("computeDistancesNoLoops", code.REDEFINE_JSON) },
    score: 16,
    failed: { computeDistancesNoLoops: TIMED_OUT },
  },
  {
    id: "C09d",
    title: "Symbol.toPrimitive / valueOf objects in place of numbers",
    edition: "solution",
    edit: {
      [CV]: replace("  return summarize(values, folds, accuracies);", code.BEST_TO_PRIMITIVE),
      [KNN]: replace("    yPred[i] = best;\n  }\n  return yPred;", code.LABELS_VALUE_OF),
    },
    score: 14,
    failed: {
      crossValidate: /Expected values to be strictly equal/,
      predictLabels: /\[0\] should be a number, got an object/,
    },
  },
  {
    id: "C09e",
    title: "Proxies and a look-alike returned as matrices",
    edition: "solution",
    edit: {
      [KNN]: all(
        region(
          "computeDistancesTwoLoops",
          code.TWO_LOOPS.replace("return dists;", "return new Proxy(dists, {});"),
        ),
        region("computeDistancesOneLoop", code.LYING_PROXY),
        replace(
          "    return squared.maximum(0).sqrt();",
          "    const dists = squared.maximum(0).sqrt();\n" +
            "    return { rows: dists.rows, cols: dists.cols, data: dists.data } as unknown as " +
            "Matrix;",
        ),
      ),
    },
    score: 12,
    failed: {
      computeDistancesOneLoop: /L2 dists\[\d+\] is 0, expected \d/,
      computeDistancesNoLoops: /dists should be a Matrix, got an object/,
    },
  },
  {
    id: "C09f",
    title: "getters that return different values per read",
    edition: "solution",
    edit: {
      [CV]: all(
        replace("    start = end;\n  }\n  return out;", code.VAL_IDX_GETTER),
        replace("  return summarize(values, folds, accuracies);", code.BEST_GETTER),
      ),
    },
    score: 17,
    failed: { crossValidate: /!== 1/ },
  },
  {
    id: "C10",
    title: "Atomics.wait forever",
    edition: "solution",
    edit: {
      [KNN]: region(
        "computeDistancesTwoLoops",
        "    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);\n    return X;",
      ),
    },
    score: 16,
    failed: { computeDistancesTwoLoops: TIMED_OUT },
  },
  {
    id: "C11a",
    title: "a busy Worker left running after the right answer",
    edition: "solution",
    edit: { [KNN]: region("computeDistancesTwoLoops", code.BUSY_WORKER) },
    score: 20,
    solo: true,
  },
  {
    id: "C11b",
    title: "a Worker bomb, then a spin",
    edition: "solution",
    edit: { [KNN]: region("computeDistancesTwoLoops", code.WORKER_BOMB) },
    score: 16,
    failed: { computeDistancesTwoLoops: /the time limit|the memory limit|the CPU limit/ },
    solo: true,
  },
  {
    id: "C12",
    title: "2 GB allocated and touched",
    edition: "solution",
    edit: {
      [KNN]: region(
        "computeDistancesTwoLoops",
        "    new Float64Array(2 ** 28).fill(1);\n    return X;",
      ),
    },
    score: 16,
    // The memory must be touched to count, and a VM may hand out fresh pages slowly (measured on
    // a Firecracker VM: ~3 s for 1 GiB), so the clock must not be what stops it first.
    timeoutCap: 20,
    solo: true,
    failed: { computeDistancesTwoLoops: /used more than 1024 MiB of memory \(the memory limit\)/ },
  },
  {
    id: "C13",
    title: "100 MB of console.log",
    edition: "solution",
    edit: {
      [KNN]: region(
        "computeDistancesTwoLoops",
        '    const line = "x".repeat(1 << 20);\n' +
          "    for (let i = 0; i < 100; i++) console.log(line);\n    return X;",
      ),
    },
    score: 16,
    failed: { computeDistancesTwoLoops: /printed more than 1024 KiB \(the output limit\)/ },
  },
  {
    id: "C14a",
    title: "reading /proc/self/environ",
    edition: "solution",
    edit: {
      [KNN]: region(
        "computeDistancesTwoLoops",
        '    return new Matrix(1, 1, [Deno.readTextFileSync("/proc/self/environ").length]);',
      ),
    },
    score: 16,
    failed: {
      computeDistancesTwoLoops: /NotCapable: Requires read access to "\/proc\/self\/environ"/,
    },
  },
  {
    id: "C14b",
    title: "Deno.env.toObject()",
    edition: "solution",
    edit: {
      [KNN]: region(
        "computeDistancesOneLoop",
        "    return new Matrix(1, 1, [Object.keys(Deno.env.toObject()).length]);",
      ),
    },
    score: 16,
    failed: { computeDistancesOneLoop: /NotCapable: Requires env access/ },
  },
  {
    id: "C14c",
    title: "reading a hidden test file",
    edition: "solution",
    edit: {
      [KNN]: region(
        "computeDistancesNoLoops",
        `    return new Matrix(1, 1, [Deno.readTextFileSync(${
          JSON.stringify(HIDDEN_A1)
        }).length]);`,
      ),
    },
    score: 16,
    failed: { computeDistancesNoLoops: /NotCapable: Requires read access to ".*a1\.test\.ts"/ },
  },
  {
    id: "C14d",
    title: "fetch and WebSocket to a local server",
    edition: "solution",
    edit: { [KNN]: region("predictLabels", code.reachServer(PORT)) },
    score: 17,
    failed: {
      predictLabels: new RegExp(`NotCapable: Requires net access to "127\\.0\\.0\\.1:${PORT}"`),
    },
    check: () => assert.deepEqual(requests, []),
  },
  {
    id: "C14e",
    title: 'new Deno.Command("sh")',
    edition: "solution",
    edit: {
      [CV]: region(
        "kFoldSplit",
        `  new Deno.Command("sh", { args: ["-c", "cat ${HIDDEN_A1}"] }).outputSync();\n` +
          "  return [];",
      ),
    },
    score: 15,
    failed: {
      kFoldSplit: /NotCapable: Requires run access to "sh"/,
      crossValidate: /NotCapable: Requires run access to "sh"/,
    },
  },
  {
    id: "C15",
    title: "the stack and module URL seen by student code hold no judge path",
    edition: "solution",
    edit: { [KNN]: region("computeDistancesTwoLoops", code.SHOW_STACK) },
    score: 16,
    failed: { computeDistancesTwoLoops: /stack:[\s\S]*url:[\s\S]*main:/ },
    check: (r) => {
      for (const t of r.tests.filter((t) => t.tags![0] === "computeDistancesTwoLoops")) {
        for (const bad of ["assignments/tests", "grader/judge", "a1.test.ts", "harness.ts"]) {
          assert.ok(!t.output!.includes(bad), `${bad} in ${t.output}`);
        }
      }
    },
  },
  {
    id: "C16",
    title: "an infinite loop at import of the kNN module",
    edition: "solution",
    edit: { [KNN]: top("while (Date.now() > 0) { /* forever */ }") },
    score: 0,
    failAll: /importing it did not finish within 10 s/,
    check: (_r, seconds) => assert.ok(seconds < 60, `graded in ${seconds.toFixed(1)} s`),
  },
  {
    id: "C17",
    title: "A2: an infinite loop in softmaxLossVectorized only",
    assignment: "A2",
    edition: "solution",
    edit: {
      [SOFTMAX]: region(
        "softmaxLossVectorized",
        '  while (W.rows >= 0) { /* forever */ }\n  throw new Error("unreachable");',
      ),
    },
    score: 18,
    failed: { softmaxLossVectorized: TIMED_OUT },
  },
  {
    id: "C18a",
    title: "Deno.exit(0) at import",
    edition: "solution",
    edit: { [CV]: top("Deno.exit(0);") },
    score: 15,
    failed: {
      kFoldSplit: /importing it stopped the process: the process exited with code 0/,
      crossValidate: /exited with code 0/,
    },
  },
  {
    id: "C18b",
    title: "an unhandled Promise.reject at import",
    edition: "solution",
    edit: { [CV]: top('Promise.reject(new Error("unhandled at import"));') },
    score: 15,
    failed: { kFoldSplit: /unhandled at import/, crossValidate: /unhandled at import/ },
  },
  {
    id: "C18c",
    title: "a throw at import",
    edition: "solution",
    edit: { [CV]: top('throw new Error("boom at import");') },
    score: 15,
    failed: {
      kFoldSplit: /cannot load lib\/cross_validation\.ts: Error: boom at import/,
      crossValidate: /Error: boom at import/,
    },
  },
  {
    id: "C18d",
    title: "a missing export",
    edition: "solution",
    edit: { [CV]: replace("export function kFoldSplit(", "function kFoldSplit(") },
    score: 18,
    failed: { kFoldSplit: /lib\/cross_validation\.ts does not export kFoldSplit/ },
  },
  {
    id: "C18e",
    title: "a syntax error",
    edition: "solution",
    edit: { [CV]: top("const broken = ;") },
    score: 15,
    failed: { kFoldSplit: /SyntaxError/, crossValidate: /SyntaxError/ },
  },
  {
    id: "C20",
    title: "a Promise, a function and a circular object returned",
    edition: "solution",
    edit: {
      [KNN]: all(
        region(
          "computeDistancesTwoLoops",
          code.TWO_LOOPS.replace(
            "return dists;",
            "return Promise.resolve(dists) as unknown as Matrix;",
          ),
        ),
        replace(
          "    yPred[i] = best;\n  }\n  return yPred;",
          "    yPred[i] = best;\n  }\n  return (() => yPred) as unknown as Int32Array;",
        ),
      ),
      [CV]: replace(
        "    out.push({ trainIdx, valIdx: order.slice(start, end) });",
        "    const fold = { trainIdx, valIdx: order.slice(start, end), self: null as unknown };\n" +
          "    fold.self = fold;\n    out.push(fold);",
      ),
    },
    score: 11,
    failed: {
      computeDistancesTwoLoops: /returned a Promise/,
      predictLabels: /should be an array, got a RemoteObject/,
      kFoldSplit: /a circular value cannot be sent/,
    },
  },
  {
    id: "C21",
    title: "symbolic links to a hidden test file and to the solution lib are not followed",
    edition: "solution",
    edit: {},
    extra: async (dir) => {
      await Deno.remove(join(dir, CV));
      await Deno.symlink(HIDDEN_A1, join(dir, CV));
      await Deno.symlink(join(REPO_ROOT, "lib"), join(dir, "mirror"));
    },
    score: 15,
    failed: {
      kFoldSplit: /TODO: implement kFoldSplit/,
      crossValidate: /TODO: implement (kFoldSplit|crossValidate)/,
    },
    check: (r) => {
      assert.equal((r.extra_data?.files as Record<string, string>)[CV], "missing");
      assert.match(r.output!, /`lib\/cross_validation\.ts` is not in the submission/);
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Grading, two at a time

/** All strings of a value (to search a whole results.json). */
function strings(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (v && typeof v === "object") return Object.values(v).flatMap(strings);
  return [];
}

const pointsOf = (a: Assignment, fns: readonly string[]) =>
  resolveTests(a, manifest.defaults).filter((t) => fns.includes(t.function))
    .reduce((s, t) => s + t.points, 0);

/** The submission folder of a case. */
async function build(c: Case): Promise<string> {
  const a = findAssignment(manifest, c.assignment ?? "A1");
  const dir = join(tmp, "submissions", c.id);
  for (const file of [...new Set(Object.values(a.functions).map((f) => f.file))]) {
    const from = c.edition === "stub" ? source.base : REPO_ROOT;
    let text = await Deno.readTextFile(join(from, file));
    if (c.edit[file]) text = c.edit[file](text, file);
    await Deno.mkdir(dirname(join(dir, file)), { recursive: true });
    await Deno.writeTextFile(join(dir, file), text);
  }
  for (const file of Object.keys(c.edit)) {
    assert.ok(Object.values(a.functions).some((f) => f.file === file), `${c.id}: ${file}`);
  }
  await c.extra?.(dir);
  return dir;
}

interface Graded {
  results: GradescopeResults[];
  seconds: number[];
}

async function gradeCase(c: Case): Promise<Graded> {
  const sub = await build(c);
  const out: Graded = { results: [], seconds: [] };
  for (let k = 0; k < (c.runs ?? 1); k++) {
    const t0 = performance.now();
    out.results.push(
      await grade(
        {
          submission: sub,
          assignment: c.assignment ?? "A1",
          source,
          manifest,
          testTimeoutCap: c.timeoutCap ?? 3,
          typeCheck: c.typeCheck ?? false,
        } satisfies GradeOptions,
      ),
    );
    out.seconds.push((performance.now() - t0) / 1000);
  }
  return out;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
const jobs = new Map<string, { run: () => Promise<unknown>; solo: boolean }>();
const settled = new Map<string, Promise<Settled<unknown>>>();
const resolvers = new Map<string, (s: Settled<unknown>) => void>();
let started = false;

function schedule<T>(id: string, run: () => Promise<T>, solo = false): void {
  jobs.set(id, { run, solo });
  settled.set(id, new Promise((resolve) => resolvers.set(id, resolve)));
}

/** Runs every scheduled job: two at a time, then the solo ones alone. */
function startJobs(): void {
  if (started) return;
  started = true;
  const ids = [...jobs.keys()];
  const runOne = async (id: string) => {
    try {
      resolvers.get(id)!({ ok: true, value: await jobs.get(id)!.run() });
    } catch (error) {
      resolvers.get(id)!({ ok: false, error });
    }
  };
  const paired = ids.filter((id) => !jobs.get(id)!.solo);
  let next = 0;
  const worker = async () => {
    while (next < paired.length) await runOne(paired[next++]);
  };
  (async () => {
    await Promise.all([worker(), worker()]);
    for (const id of ids.filter((id) => jobs.get(id)!.solo)) await runOne(id);
  })();
}

async function resultOf<T>(id: string): Promise<T> {
  startJobs();
  const s = await settled.get(id)!;
  if (!s.ok) throw s.error;
  return s.value as T;
}

function checkCase(c: Case, r: GradescopeResults, seconds: number): void {
  const a = findAssignment(manifest, c.assignment ?? "A1");
  assert.deepEqual(validateResults(r), [], "results.json follows Gradescope's spec");
  const failing = c.failAll ? Object.keys(a.functions) : Object.keys(c.failed ?? {});
  assert.equal(c.score, 20 - pointsOf(a, failing), `${c.id}: the table's score is consistent`);
  const summary = r.tests.map((t) => `${t.status} ${t.name}: ${t.output}`).join("\n");
  assert.equal(r.score, c.score, `${c.id}: score\n${r.output}\n${summary}`);
  assert.equal(r.extra_data?.autograder_failed, false);
  for (const t of r.tests) {
    const want = c.failAll ?? c.failed?.[t.tags![0]];
    if (want === undefined) assert.equal(t.status, "passed", `${c.id}: ${t.name}: ${t.output}`);
    else {
      assert.equal(t.status, "failed", `${c.id}: ${t.name}`);
      assert.match(t.output!, want, `${c.id}: ${t.name}: ${t.output}`);
    }
  }
  console.log(`⏱ ${c.id} (${c.assignment ?? "A1"}): ${r.score} / 20 in ${seconds.toFixed(1)} s`);
}

// C19 first, alone: how long grading a correct solution takes as Gradescope runs it.
Deno.test({
  name: "C19: the solution grades 20/20 on A1, A2 and A3 (type check, manifest timeouts)",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    try {
      for (const id of ["A1", "A2", "A3"]) {
        const t0 = performance.now();
        const r = await grade({ submission: REPO_ROOT, assignment: id, source, manifest });
        const seconds = (performance.now() - t0) / 1000;
        console.log(`⏱ C19 ${id}: ${r.score} / 20 in ${seconds.toFixed(1)} s`);
        assert.deepEqual(validateResults(r), []);
        assert.equal(r.score, 20, `${id}: ${r.output}`);
        assert.equal(r.extra_data?.type_errors, 0);
      }
    } finally {
      startJobs();
    }
  },
});

for (const c of cases) {
  if (!c.bug) schedule(c.id, () => gradeCase(c), c.solo);
  Deno.test({
    name: `${c.id}: ${c.title} → ${c.score}`,
    ignore: Boolean(c.bug),
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => {
      const g = await resultOf<Graded>(c.id);
      for (const [k, r] of g.results.entries()) {
        checkCase(c, r, g.seconds[k]);
        await c.check?.(r, g.seconds[k], c);
      }
      if (g.results.length > 1) {
        assert.deepEqual(
          g.results.map((r) => r.tests.map((t) => [t.status, t.output])),
          g.results.map(() => g.results[0].tests.map((t) => [t.status, t.output])),
          "every run gives the same results",
        );
      }
    },
  });
}

// ---------------------------------------------------------------------------------------------
// C22: instructor mistakes, graded by a copy of this grader in a temp root (grade() grades only
// its own root's tests: the harness and lib/ must be the root's own)

/** The grader's own modules (tools/grade.ts and what it imports, the sandbox runtime). */
async function graderModules(): Promise<string[]> {
  const prefix = `${toFileUrl(REPO_ROOT).href}/`;
  const out = new Set<string>();
  for (const entry of ["tools/grade.ts", "grader/sandbox/main.ts"]) {
    const res = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      cwd: REPO_ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(res.success, new TextDecoder().decode(res.stderr));
    const info = JSON.parse(new TextDecoder().decode(res.stdout)) as {
      modules: { specifier: string }[];
    };
    for (const m of info.modules) {
      if (m.specifier.startsWith(prefix)) out.add(m.specifier.slice(prefix.length));
    }
  }
  return [...out].filter((p) => !p.startsWith("lib/")).sort();
}

/** A grading root: the stubbed base, this grader, the tests, and a manifest with `mistake`. */
async function instructorRoot(
  name: string,
  mistake: (m: typeof manifest) => void,
  hidden: (text: string) => string = (t) => t,
): Promise<string> {
  const root = join(tmp, "roots", name);
  await buildBase(REPO_ROOT, root);
  for (const p of await graderModules()) {
    await Deno.mkdir(dirname(join(root, p)), { recursive: true });
    await Deno.copyFile(join(REPO_ROOT, p), join(root, p));
  }
  await copyTree(join(REPO_ROOT, "assignments"), join(root, "assignments"));
  const m = structuredClone(manifest);
  mistake(m);
  await Deno.writeTextFile(join(root, "assignments", "assignments.json"), JSON.stringify(m));
  const hiddenFile = join(root, "assignments", "tests", "A1", "hidden", "a1.test.ts");
  await Deno.writeTextFile(hiddenFile, hidden(await Deno.readTextFile(hiddenFile)));
  return root;
}

const PUBLIC_A1 = "assignments/tests/A1/public/a1.test.ts";
const RENAMED = "predictLabels: a tied vote goes to the smaller label (renamed by mistake)";
const mistakes: {
  id: string;
  title: string;
  mistake: (m: typeof manifest) => void;
  hidden?: (text: string) => string;
  score: number;
  notGraded: (name: string, visibility: string) => boolean;
  problem: RegExp;
}[] = [
  {
    id: "C22a",
    title: "a misspelt test file path in the manifest",
    mistake: (m) => {
      m.assignments[0].testFiles[0].path = PUBLIC_A1.replace("a1.test.ts", "al.test.ts");
    },
    score: 10,
    notGraded: (_n, visibility) => visibility === "visible",
    problem: /test file assignments\/tests\/A1\/public\/al\.test\.ts does not exist/,
  },
  {
    id: "C22b",
    title: "a hidden test file that throws at load",
    mistake: () => {},
    hidden: (t) => `${t}\nthrow new Error("instructor typo at load");\n`,
    score: 10,
    notGraded: (_n, visibility) => visibility !== "visible",
    problem: /a1\.test\.ts did not load: instructor typo at load/,
  },
  {
    id: "C22c",
    title: "a test name missing from its file",
    mistake: (m) => {
      const t = m.assignments[0].testFiles[1].tests[3];
      assert.match(t.name, /^predictLabels: a tied vote/);
      t.name = RENAMED;
    },
    score: 18,
    notGraded: (n) => n === RENAMED,
    problem:
      /does not define the test "predictLabels: a tied vote goes to the smaller label \(renamed/,
  },
];

for (const x of mistakes) {
  schedule(x.id, async () => {
    const root = await instructorRoot(x.id, x.mistake, x.hidden);
    const { grade: rootGrade } = await import(
      toFileUrl(join(root, "grader", "judge", "grade.ts")).href
    ) as { grade: typeof grade };
    const t0 = performance.now();
    const r = await rootGrade({
      submission: REPO_ROOT,
      assignment: "A1",
      source: { root, base: root },
      testTimeoutCap: 3,
      typeCheck: false,
    });
    const seconds = (performance.now() - t0) / 1000;
    let cli: { code: number; results: GradescopeResults } | null = null;
    if (x.id === "C22a") {
      const out = join(tmp, "roots", `${x.id}-results.json`);
      const res = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "tools/grade.ts",
          "--autograder",
          root,
          "--assignment",
          "A1",
          "--out",
          out,
          "--no-typecheck",
          "--test-timeout",
          "3",
          REPO_ROOT,
        ],
        cwd: root,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      cli = { code: res.code, results: JSON.parse(await Deno.readTextFile(out)) };
    }
    return { r, seconds, cli };
  });
  Deno.test({
    name: `${x.id}: instructor mistake: ${x.title} → autograder_failed, ${x.score}`,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => {
      const { r, seconds, cli } = await resultOf<{
        r: GradescopeResults;
        seconds: number;
        cli: { code: number; results: GradescopeResults } | null;
      }>(x.id);
      console.log(`⏱ ${x.id}: ${r.score} / 20 in ${seconds.toFixed(1)} s`);
      assert.deepEqual(validateResults(r), []);
      assert.equal(r.extra_data?.autograder_failed, true);
      assert.match((r.extra_data?.grader_problems as string[]).join("\n"), x.problem);
      assert.match(r.output!, /The autograder failed on some tests/);
      assert.equal(r.score, x.score);
      let notGraded = 0;
      for (const t of r.tests) {
        if (x.notGraded(t.name, t.visibility!)) {
          notGraded++;
          assert.equal(t.score, 0);
          assert.match(t.output!, /not graded: the grader could not run this test/, t.name);
        } else {
          assert.equal(t.status, "passed", `${t.name}: ${t.output}`);
        }
      }
      assert.ok(notGraded > 0);
      if (cli) {
        assert.equal(cli.code, 1, "tools/grade.ts exits 1 when the autograder failed");
        assert.equal(cli.results.extra_data?.autograder_failed, true);
        assert.equal(cli.results.score, x.score);
        assert.deepEqual(validateResults(cli.results), []);
      }
    },
  });
}

Deno.test({
  name: "adversarial: no request ever reached the local server; cleanup",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await Promise.all([...settled.values()]);
    assert.deepEqual(requests, [], "the server saw no request");
    await server.shutdown();
    await Deno.remove(tmp, { recursive: true });
  },
});
