/**
 * Inline questions (grader/judge/questions.ts): every lesson asks at least one at its experiment,
 * with an answer cell right after it; the student edition blanks the reference answers; the
 * answers report lists what was (not) answered. The submission zip and the grading output are
 * checked in homework_release.test.ts and homework_grade.test.ts.
 */
import assert from "node:assert/strict";
import {
  ANSWER_PLACEHOLDER,
  answersMarkdown,
  blankAnswers,
  findQuestions,
  referenceAnswers,
} from "../grader/judge/questions.ts";
import { stubNotebook } from "../grader/release/markers.ts";
import { listNotebooks, type Notebook, readNotebook, sourceOf } from "../tools/notebooks.ts";

const q = (source: string, metadata: Record<string, unknown> = { tags: ["question"] }) => ({
  cell_type: "markdown",
  source,
  metadata,
});
const a = (source: string) => ({ cell_type: "markdown", source, metadata: { tags: ["answer"] } });

Deno.test("questions: every lesson asks at least one inline question, answered for the instructor", async () => {
  const lessons = await listNotebooks();
  assert.ok(lessons.length >= 7, `${lessons.length} lessons`);
  for (const path of lessons) {
    const questions = findQuestions(await readNotebook(path), path);
    assert.ok(questions.length >= 1, `${path}: no inline question`);
    for (const question of questions) {
      assert.ok(question.answered, `${path} question ${question.number}: no reference answer`);
      assert.match(question.prompt, /Inline question/, `${path} cell ${question.cell}`);
    }
  }
});

Deno.test("questions: the student edition blanks every reference answer and keeps the prompts", async () => {
  for (const path of await listNotebooks()) {
    const nb = await readNotebook(path);
    const student = blankAnswers(stubNotebook(nb, path), path);
    const text = student.cells.map(sourceOf).join("\n");
    for (const answer of referenceAnswers(nb, path)) {
      for (const line of answer.split("\n").filter((l) => l.trim().length >= 20)) {
        assert.ok(!text.includes(line.trim()), `${path}: reference answer line left: ${line}`);
      }
    }
    const questions = findQuestions(student, path);
    assert.equal(questions.length, findQuestions(nb, path).length);
    for (const question of questions) {
      assert.equal(question.answered, false, `${path} question ${question.number}`);
      assert.deepEqual(student.cells[question.answerCell].source, [ANSWER_PLACEHOLDER]);
      assert.equal(question.prompt, sourceOf(nb.cells[question.cell]).trim());
    }
  }
});

Deno.test("questions: malformed questions are errors naming the notebook and cell", () => {
  const bad: [Notebook, RegExp][] = [
    [{ cells: [q("Q?")] }, /n.ipynb cell 0: the question has no answer cell/],
    [
      { cells: [q("Q?"), { cell_type: "code", source: "", metadata: { tags: ["answer"] } }] },
      /cell 0: the question has no answer cell/,
    ],
    [{ cells: [a("A.")] }, /n.ipynb cell 0: an answer cell must follow a question cell/],
    [
      { cells: [{ ...q("Q?"), cell_type: "code" }, a("A.")] },
      /cell 0: a question must be a Markdown cell, not code/,
    ],
    [
      { cells: [q("Q?", { tags: ["question"], points: 0 }), a("A.")] },
      /cell 0: points must be a number > 0, got 0/,
    ],
    [
      { cells: [q("Q?", { tags: ["question"], points: "2" }), a("A.")] },
      /points must be a number > 0, got "2"/,
    ],
  ];
  for (const [nb, message] of bad) assert.throws(() => findQuestions(nb, "n.ipynb"), message);
});

Deno.test("questions: the answers report counts answers and points, and quotes each prompt", () => {
  const answered: Notebook = {
    cells: [
      q("First?\nTwo lines.", { tags: ["question"], points: 3 }),
      a("**Your answer:** Yes, because."),
      { cell_type: "code", source: "1 + 1", metadata: {} },
      q("Second?"),
      a(ANSWER_PLACEHOLDER),
    ],
  };
  const md = answersMarkdown("A9", [
    { path: "x.ipynb", notebook: answered },
    { path: "y.ipynb", notebook: { cells: [] } },
    { path: "z.ipynb", error: "Unexpected token" },
  ]);
  assert.equal(
    md,
    [
      "# A9: inline questions, graded by hand\n\n1 of 2 questions answered; 4 points to grade by hand.\n",
      "## x.ipynb\n",
      "### Question 1 (3 points)\n",
      "> First?\n> Two lines.\n",
      "Yes, because.\n",
      "### Question 2 (1 point)\n",
      "> Second?\n",
      "_(no answer)_\n",
      "## z.ipynb\n\nz.ipynb: could not be read (Unexpected token)\n",
    ].join("\n"),
  );
  // An empty answer cell is unanswered too; the question numbering is per notebook.
  const empty = findQuestions({ cells: [q("Q?"), a("  ")] }, "e.ipynb");
  assert.deepEqual(empty.map((x) => [x.number, x.answered, x.answer]), [[1, false, ""]]);
});
