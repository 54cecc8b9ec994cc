/**
 * Solution markers (tools/homework/markers.ts): stubs, names, indentation, the one-line form,
 * errors with file and line, notebooks, and the round trip stub → fill on the real lib/ and
 * notebooks/.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "../tools/kernelspec.ts";
import { type Notebook, readNotebook, sourceOf } from "../tools/notebooks.ts";
import {
  enclosingName,
  fillNotebook,
  fillSolutions,
  findRegions,
  MarkerError,
  notebookRegions,
  replaceRegion,
  stubNotebook,
  stubSource,
} from "../grader/release/markers.ts";
import { loadManifest } from "../grader/judge/manifest.ts";
import { regionProblems } from "../grader/release/release.ts";
import { listFiles } from "../grader/judge/zip.ts";

const METHOD = `export class Knn {
  computeDistancesTwoLoops(X: Matrix, { metric = "L2" }: DistanceOptions = {}): Matrix {
    const XTrain = this.check(X);
    // BEGIN SOLUTION
    const dists = new Matrix(X.rows, XTrain.rows);
    return dists;
    // END SOLUTION
  }
}`;

Deno.test("markers: a block becomes one throw at the BEGIN line's indentation, named after the method", () => {
  const out = stubSource(METHOD, "knn.ts");
  assert.equal(
    out,
    `export class Knn {
  computeDistancesTwoLoops(X: Matrix, { metric = "L2" }: DistanceOptions = {}): Matrix {
    const XTrain = this.check(X);
    throw new Error("TODO: implement computeDistancesTwoLoops");
  }
}`,
  );
});

Deno.test("markers: names come from functions, multi-line signatures, arrows, or the marker", () => {
  const multiLine = [
    "export function svmLossNaive(",
    "  W: Matrix,",
    "  { delta = 1, ...regOptions }: SvmLossOptions = {},",
    "): LossResult {",
    "  checkLossInputs(W);",
    "  for (let i = 0; i < N; i++) {",
    "    if (x) {",
    "      // BEGIN SOLUTION",
    "      loss += 1;",
    "      // END SOLUTION",
    "    }",
    "  }",
    "}",
  ].join("\n");
  assert.equal(findRegions(multiLine, "a.ts")[0].name, "svmLossNaive");
  const arrow =
    "const accuracy = (yPred: number[], y: number[]): number => {\n  return 1; // SOLUTION\n};";
  assert.equal(findRegions(arrow, "b.ts")[0].name, "accuracy");
  const asyncFn = "export async function* gen(n: number) {\n  yield n; // SOLUTION\n}";
  assert.equal(findRegions(asyncFn, "c.ts")[0].name, "gen");
  const override = METHOD.replace("// BEGIN SOLUTION", "// BEGIN SOLUTION Knn.twoLoops");
  assert.match(stubSource(override, "d.ts"), /TODO: implement Knn\.twoLoops/);
  assert.equal(enclosingName(["let x = 1; // SOLUTION"], 0), null);
  const top = findRegions("// BEGIN SOLUTION\nconst k = 5;\n// END SOLUTION\n", "e.ts")[0];
  assert.equal(top.name, "e.ts:1", "a region outside any function is named by its place");
  assert.equal(findRegions("const k = 5; // SOLUTION\n", "f.ts", "cell 3")[0].name, "cell 3");
});

Deno.test("markers: the one-line form, with and without a stub of its own", () => {
  const src =
    "function f(x: number) {\n  const k = 7; // SOLUTION: const k = 0; // TODO: choose k\n" +
    "    return k * x; // SOLUTION\n}";
  assert.equal(
    stubSource(src, "f.ts"),
    'function f(x: number) {\n  const k = 0; // TODO: choose k\n    throw new Error("TODO: implement f");\n}',
  );
  const regions = findRegions(src, "f.ts");
  assert.deepEqual(regions.map((r) => [r.kind, r.start, r.solution]), [
    ["line", 1, ["  const k = 7;"]],
    ["line", 2, ["    return k * x;"]],
  ]);
});

Deno.test("markers: unbalanced, nested and malformed markers are errors naming the file and line", () => {
  const cases: [string, RegExp][] = [
    ["a\n// END SOLUTION\n", /: x\.ts:2: unbalanced: END SOLUTION without BEGIN$/],
    [
      "a\nb\n  // BEGIN SOLUTION\nc\n",
      /: x\.ts:3: unbalanced: BEGIN SOLUTION without END SOLUTION$/,
    ],
    [
      "// BEGIN SOLUTION\n// BEGIN SOLUTION\n// END SOLUTION\n// END SOLUTION",
      /: x\.ts:2: nested: BEGIN SOLUTION inside the region opened at line 1$/,
    ],
    [
      "// BEGIN SOLUTION\nf(); // SOLUTION\n// END SOLUTION",
      /: x\.ts:2: nested: \/\/ SOLUTION inside the region opened at line 1$/,
    ],
    ["x;\n// BEGIN SOLUTIONS\n", /: x\.ts:2: malformed marker "\/\/ BEGIN SOLUTIONS"/],
    ["// END SOLUTION now\n", /: x\.ts:1: malformed marker/],
    ["  // SOLUTION\n", /: x\.ts:1: malformed marker "\/\/ SOLUTION"/],
  ];
  for (const [src, message] of cases) {
    assert.throws(() => stubSource(src, "x.ts"), MarkerError);
    assert.throws(() => findRegions(src, "x.ts"), message, JSON.stringify(src));
  }
  const err = (() => {
    try {
      findRegions("\n\n// END SOLUTION", "lib/y.ts");
    } catch (e) {
      return e as MarkerError;
    }
  })()!;
  assert.deepEqual([err.file, err.line, err.name], ["lib/y.ts", 3, "MarkerError"]);
});

Deno.test("markers: notebooks: code cells stubbed, outputs cleared, errors name the cell", () => {
  const nb: Notebook = {
    cells: [
      { cell_type: "markdown", source: "// BEGIN SOLUTION is fine in markdown" },
      {
        cell_type: "code",
        execution_count: 7,
        outputs: [{ output_type: "stream", text: "0.6667" }],
        source: [
          "function accuracy(a: number[], b: number[]): number {\n",
          "  // BEGIN SOLUTION\n",
          "  return a.filter((v, i) => v === b[i]).length / a.length;\n",
          "  // END SOLUTION\n",
          "}\n",
          "accuracy([1], [1]);",
        ],
      },
    ],
  };
  const out = stubNotebook(nb, "n.ipynb");
  assert.equal(out.cells[0], nb.cells[0]);
  assert.deepEqual(out.cells[1].outputs, []);
  assert.equal(out.cells[1].execution_count, null);
  assert.deepEqual(out.cells[1].source, [
    "function accuracy(a: number[], b: number[]): number {\n",
    '  throw new Error("TODO: implement accuracy");\n',
    "}\n",
    "accuracy([1], [1]);",
  ]);
  assert.equal(sourceOf(fillNotebook(out, nb, "n.ipynb").cells[1]), sourceOf(nb.cells[1]));
  assert.deepEqual(notebookRegions(nb, "n.ipynb").map((r) => [r.cell, r.name]), [[1, "accuracy"]]);
  const broken: Notebook = { cells: [{ cell_type: "code", source: "x;\n// END SOLUTION" }] };
  assert.throws(
    () => stubNotebook(broken, "n.ipynb"),
    /^MarkerError: n\.ipynb cell 0:2: unbalanced/,
  );
});

Deno.test("markers: fillSolutions and replaceRegion", () => {
  const stubbed = stubSource(METHOD, "k.ts");
  assert.equal(fillSolutions(stubbed, METHOD, "k.ts"), METHOD);
  // A student who also wrote other code keeps it; the stub is found after it.
  const edited = stubbed.replace("const XTrain", "// my note\n    const XTrain");
  assert.match(fillSolutions(edited, METHOD, "k.ts"), /my note[\s\S]*return dists;/);
  assert.throws(() => fillSolutions("no stub here", METHOD, "k.ts"), /cannot find the stub of/);
  const replaced = replaceRegion(METHOD, "computeDistancesTwoLoops", "    return X;", "k.ts");
  assert.match(replaced, /\/\/ BEGIN SOLUTION\n {4}return X;\n {4}\/\/ END SOLUTION/);
});

Deno.test("markers: the real lib/ and notebooks/ round-trip and match the manifest", async () => {
  let regions = 0;
  for (const path of await listFiles(join(REPO_ROOT, "lib"))) {
    if (!path.endsWith(".ts")) continue;
    const text = await Deno.readTextFile(join(REPO_ROOT, "lib", path));
    const found = findRegions(text, path);
    regions += found.length;
    if (found.length) assert.equal(fillSolutions(stubSource(text, path), text, path), text, path);
  }
  assert.equal(regions, 17, "17 solution regions in lib/");
  for (const path of await listFiles(join(REPO_ROOT, "notebooks"))) {
    if (!path.endsWith(".ipynb") || path.includes(".ipynb_checkpoints")) continue;
    const nb = await readNotebook(join(REPO_ROOT, "notebooks", path));
    const back = fillNotebook(stubNotebook(nb, path), nb, path);
    assert.deepEqual(back.cells.map(sourceOf), nb.cells.map(sourceOf), path);
  }
  const manifest = await loadManifest(join(REPO_ROOT, "assignments", "assignments.json"));
  assert.deepEqual(await regionProblems(REPO_ROOT, manifest), []);
});
