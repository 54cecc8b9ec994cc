/**
 * Inline questions: written answers that an instructor grades by hand, CS231n style. A question is
 * a Markdown cell tagged `question` (its metadata may give `points`, default 1), placed at the
 * experiment it asks about; the cell right after it is its answer, a Markdown cell tagged `answer`.
 * In the instructor's lessons the answer cell holds a reference answer; the student edition replaces
 * it with `ANSWER_PLACEHOLDER` (`blankAnswers`). `deno task check A1 --zip` puts the student's
 * answers into the submission as `answers-A1.md`, and the autograder shows them to the instructor
 * beside the scores (`answersMarkdown`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { answersMarkdown, blankAnswers, findQuestions } from "./questions.ts";
 * const nb = { cells: [
 *   { cell_type: "markdown", source: "Why is k = 1 perfect on training data?",
 *     metadata: { tags: ["question"], points: 2 } },
 *   { cell_type: "markdown", source: "**Your answer:** each point is its own neighbor.",
 *     metadata: { tags: ["answer"] } },
 * ] };
 * assert.equal(findQuestions(nb, "01.ipynb")[0].points, 2);
 * const student = blankAnswers(nb, "01.ipynb");
 * assert.match(answersMarkdown("A1", [{ path: "01.ipynb", notebook: student }]), /_\(no answer\)_/);
 * ```
 * @module
 */
import { type Cell, type Notebook, sourceOf } from "../../tools/notebook_checks.ts";

/** The tag of a question cell. */
export const QUESTION_TAG = "question";
/** The tag of an answer cell (the cell right after its question). */
export const ANSWER_TAG = "answer";
/** What the student edition's answer cells hold until the student writes there. */
export const ANSWER_PLACEHOLDER =
  "**Your answer:** _double-click this cell and replace this line with your answer._";

/**
 * One inline question of a notebook, with the answer found under it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { InlineQuestion } from "./questions.ts";
 * const q: InlineQuestion = {
 *   number: 1, cell: 4, answerCell: 5, points: 1, prompt: "Why?", answer: "", answered: false,
 * };
 * assert.equal(q.answerCell, q.cell + 1);
 * ```
 */
export interface InlineQuestion {
  /** 1, 2, … in notebook order. */
  number: number;
  /** Index of the question cell. */
  cell: number;
  /** Index of the answer cell (always `cell + 1`). */
  answerCell: number;
  /** Points for the instructor's manual grading. */
  points: number;
  /** The question's Markdown. */
  prompt: string;
  /** The answer cell's Markdown, without a leading "**Your answer:**". */
  answer: string;
  /** False when the answer cell is empty or still the placeholder. */
  answered: boolean;
}

/**
 * The inline questions of a notebook, in order. Throws a `RangeError` naming the notebook and cell
 * when a question is not a Markdown cell, has no answer cell right after it, an answer cell follows
 * no question, or `points` is not a number > 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findQuestions } from "./questions.ts";
 * const q = { cell_type: "markdown", source: "Q?", metadata: { tags: ["question"] } };
 * assert.throws(() => findQuestions({ cells: [q] }, "n.ipynb"), /n.ipynb cell 0: .*no answer cell/);
 * ```
 */
export function findQuestions(nb: Notebook, path: string): InlineQuestion[] {
  const out: InlineQuestion[] = [];
  const cells = Array.isArray(nb?.cells) ? nb.cells : [];
  cells.forEach((cell, i) => {
    const where = `${path} cell ${i}`;
    if (hasTag(cell, ANSWER_TAG) && !hasTag(cells[i - 1], QUESTION_TAG)) {
      throw new RangeError(`${where}: an answer cell must follow a question cell`);
    }
    if (!hasTag(cell, QUESTION_TAG)) return;
    if (cell.cell_type !== "markdown") {
      throw new RangeError(`${where}: a question must be a Markdown cell, not ${cell.cell_type}`);
    }
    const next = cells[i + 1];
    if (!hasTag(next, ANSWER_TAG) || next.cell_type !== "markdown") {
      throw new RangeError(
        `${where}: the question has no answer cell (a Markdown cell tagged "${ANSWER_TAG}") after it`,
      );
    }
    const points = cell.metadata?.points ?? 1;
    if (typeof points !== "number" || !(points > 0) || !Number.isFinite(points)) {
      throw new RangeError(`${where}: points must be a number > 0, got ${JSON.stringify(points)}`);
    }
    const answer = sourceOf(next).replace(/^\s*\*\*Your answer:\*\*\s*/, "").trim();
    out.push({
      number: out.length + 1,
      cell: i,
      answerCell: i + 1,
      points,
      prompt: sourceOf(cell).trim(),
      answer,
      answered: answer !== "" && sourceOf(next).trim() !== ANSWER_PLACEHOLDER,
    });
  });
  return out;
}

/**
 * The notebook with every answer cell replaced by `ANSWER_PLACEHOLDER` (the student edition).
 * Validates the questions first (see `findQuestions`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ANSWER_PLACEHOLDER, blankAnswers } from "./questions.ts";
 * const nb = { cells: [
 *   { cell_type: "markdown", source: "Q?", metadata: { tags: ["question"] } },
 *   { cell_type: "markdown", source: "The reference answer.", metadata: { tags: ["answer"] } },
 * ] };
 * assert.deepEqual(blankAnswers(nb, "n.ipynb").cells[1].source, [ANSWER_PLACEHOLDER]);
 * ```
 */
export function blankAnswers<N extends Notebook>(nb: N, path: string): N {
  const answers = new Set(findQuestions(nb, path).map((q) => q.answerCell));
  return {
    ...nb,
    cells: nb.cells.map((cell, i) =>
      answers.has(i) ? { ...cell, source: [ANSWER_PLACEHOLDER] } : cell
    ),
  };
}

/**
 * The reference answers of a notebook, one string per question (for the release's leak check).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { referenceAnswers } from "./questions.ts";
 * const nb = { cells: [
 *   { cell_type: "markdown", source: "Q?", metadata: { tags: ["question"] } },
 *   { cell_type: "markdown", source: "**Your answer:** Because.", metadata: { tags: ["answer"] } },
 * ] };
 * assert.deepEqual(referenceAnswers(nb, "n.ipynb"), ["Because."]);
 * ```
 */
export function referenceAnswers(nb: Notebook, path: string): string[] {
  return findQuestions(nb, path).map((q) => q.answer).filter((a) => a !== "");
}

/**
 * A Markdown report of the inline questions of an assignment's notebooks and the answers found
 * in them, for the instructor to grade by hand. A notebook that cannot be read (e.g. a broken
 * submission) is listed with the reason instead of failing the report.
 *
 * @param assignment the assignment id, for the title
 * @param notebooks each notebook's path and its parsed JSON (or an `error` message)
 * @returns Markdown: one section per notebook, each question as a quote, then the answer
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { answersMarkdown } from "./questions.ts";
 * const md = answersMarkdown("A1", [{ path: "01.ipynb", error: "not JSON" }]);
 * assert.match(md, /01.ipynb: could not be read \(not JSON\)/);
 * ```
 */
export function answersMarkdown(
  assignment: string,
  notebooks: readonly { path: string; notebook?: Notebook; error?: string }[],
): string {
  const parts: string[] = [];
  let total = 0, answered = 0, points = 0;
  for (const { path, notebook, error } of notebooks) {
    let questions: InlineQuestion[];
    try {
      if (error !== undefined || notebook === undefined) throw new Error(error ?? "missing");
      questions = findQuestions(notebook, path);
    } catch (e) {
      parts.push(
        `## ${path}\n\n${path}: could not be read (${e instanceof Error ? e.message : e})\n`,
      );
      continue;
    }
    if (questions.length === 0) continue;
    parts.push(`## ${path}\n`);
    for (const q of questions) {
      total++;
      points += q.points;
      if (q.answered) answered++;
      parts.push(
        `### Question ${q.number} (${q.points} ${q.points === 1 ? "point" : "points"})\n`,
        q.prompt.split("\n").map((l) => `> ${l}`.trimEnd()).join("\n") + "\n",
        (q.answered ? q.answer : "_(no answer)_") + "\n",
      );
    }
  }
  const head = `# ${assignment}: inline questions, graded by hand\n\n` +
    `${answered} of ${total} questions answered; ${points} points to grade by hand.\n`;
  return [head, ...parts].join("\n");
}

function hasTag(cell: Cell | undefined, tag: string): boolean {
  const tags = cell?.metadata?.tags;
  return Array.isArray(tags) && tags.includes(tag);
}
