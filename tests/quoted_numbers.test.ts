/** tools/quoted_numbers.ts: which numbers count as quoted results, and when one matches an output. */
import assert from "node:assert/strict";
import { quotedNumbers, unmatchedNumbers } from "../tools/quoted_numbers.ts";
import type { Notebook } from "../tools/notebook_checks.ts";

const lesson = (
  printed: string,
  text: string,
  metadata: Record<string, unknown> = {},
): Notebook => ({
  metadata,
  cells: [
    { cell_type: "code", source: "", outputs: [{ output_type: "stream", text: printed }] },
    { cell_type: "markdown", source: text },
  ],
});
const unmatched = (nb: Notebook) => unmatchedNumbers(nb).map((p) => p.message.split(" ")[0]);

Deno.test("quotedNumbers: results are ≥ 3 significant digits, decimal percentages, grouped integers", () => {
  assert.deepEqual(
    quotedNumbers("k = 3, λ = 0.1, 0.25 and 0.05, 52% and 94.70%, 8000 and 10,000, 0.932, 1.25322"),
    ["94.70%", "10,000", "0.932", "1.25322"],
  );
  assert.deepEqual(quotedNumbers("`svmLoss(W, 0.123)` and $6.82 \\cdot 10^{-6}$ and 2.61e-1"), [
    "6.82e-6",
    "2.61e-1",
  ]);
  assert.deepEqual(quotedNumbers("−0.870 and -1.25"), ["0.870", "1.25"]);
});

Deno.test("unmatchedNumbers: a quoted number matches a printed one rounded to the quoted digits", () => {
  assert.deepEqual(unmatched(lesson("loss 178.996508\n", "ends at 179.00")), []);
  assert.deepEqual(unmatched(lesson("loss 178.996508\n", "ends at 178.99")), ["178.99"]);
  assert.deepEqual(unmatched(lesson("acc 0.89\n", "reaches 0.890")), []); // trailing zero
  assert.deepEqual(unmatched(lesson("acc 0.89\n", "reaches 0.894")), ["0.894"]); // not printed
  assert.deepEqual(unmatched(lesson("n 79510\n", "79,510 weights")), []);
  assert.deepEqual(unmatched(lesson("94.70%\n", "94.70% and 94.71%")), ["94.71%"]);
  assert.deepEqual(unmatched(lesson("2.458e-5\n", "$2.46 \\cdot 10^{-5}$")), []);
  assert.deepEqual(unmatched(lesson("2.458e-5\n", "$2.46 \\cdot 10^{-4}$")), ["2.46e-4"]);
});

Deno.test("unmatchedNumbers: constants listed in the metadata pass; outputs of any mime type count", () => {
  const nb = lesson("nothing\n", "the slides' 1.25322 and our 0.932", {
    quotedNumbers: { "1.25322": "quoted from the lecture" },
  });
  assert.deepEqual(unmatched(nb), ["0.932"]);
  const html: Notebook = {
    cells: [
      {
        cell_type: "code",
        source: "",
        outputs: [{ output_type: "display_data", data: { "text/html": "<td>0.8663</td>" } }],
      },
      { cell_type: "markdown", source: "test accuracy 0.866" },
    ],
  };
  assert.deepEqual(unmatched(html), []);
  const problem = unmatchedNumbers(lesson("", "ends at 3.721"))[0];
  assert.equal(problem.cell, 1);
  assert.equal(problem.message, "3.721 is quoted in the text but no output prints it");
});
