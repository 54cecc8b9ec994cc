/**
 * What every grading test uses (shipped to students with the public tests; nothing here gives a
 * solution away).
 *
 * A grading test runs in the judge's process and never imports the student's code: it gets a
 * session `t` over a sandbox process, loads the student's exports through it, and checks what
 * comes back with the judge's own `assert`:
 *
 * ```ts ignore
 * test("kFoldSplit: sizes", async (t) => {
 *   const { kFoldSplit } = await t.load("lib/cross_validation.ts", "kFoldSplit");
 *   const folds = expectArray(await kFoldSplit(4, 2), "kFoldSplit(4, 2)");
 *   assert.equal(folds.length, 2);
 * });
 * ```
 *
 * - `test(name, fn)`: registers a graded test. The name starts with the function it grades. Under
 *   `deno test` it is a `Deno.test` whose sandbox runs this repository's `lib/`; the grader runs
 *   the same function with the submission's sandbox.
 * - `expectMatrix`, `expectNumber`, `expectArray`, `expectObject`, `expectNumbers`: check the type
 *   of a returned value first, so a wrong type is a clear wrong answer.
 * - `assertClose(actual, expected, tol)`: numbers or arrays, relative/absolute tolerance.
 *
 * @example
 * ```ts
 * import { assertClose } from "./harness.ts";
 * assertClose([1, 2.0000001], [1, 2], 1e-6);
 * ```
 * @module
 */
import assert from "node:assert/strict";
import { Matrix } from "../../lib/matrix.ts";
import type { TestSession } from "../../grader/judge/session.ts";

export { assert, Matrix };
export type { TestSession };

/**
 * A registered test.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { GradingTest } from "./harness.ts";
 * const t: GradingTest = { name: "f: x", fn: async () => {} };
 * assert.equal(t.name, "f: x");
 * ```
 */
export interface GradingTest {
  /** The name (starts with the graded function). */
  name: string;
  /** The body: gets the test's sandbox session. */
  fn: (t: TestSession) => Promise<void>;
}

/** Tests registered while a file is collected (see `collectTests` in grader/judge/runner.ts). */
const collected: GradingTest[] = [];
/** True while the judge imports a test file: its tests are collected, not given to `Deno.test`. */
let collecting = false;

/**
 * Registers a graded test (see the module doc).
 *
 * @example
 * ```ts ignore
 * test("adam: the first step", async (t) => { … });
 * ```
 */
export function test(name: string, fn: (t: TestSession) => Promise<void>): void {
  collected.push({ name, fn });
  if (collecting) return;
  Deno.test({
    name,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => {
      const { localSession } = await import("../../grader/judge/local.ts");
      const session = await localSession(name);
      try {
        await fn(session);
      } finally {
        session.close();
      }
    },
  });
}

/**
 * The tests a test file registers when `load` imports it (the judge's loader uses it; the file's
 * tests are not registered with `Deno.test` then).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { collectRegistered, test } from "./harness.ts";
 * const tests = await collectRegistered(async () => test("f: one", async () => {}));
 * assert.deepEqual(tests.map((t) => t.name), ["f: one"]);
 * ```
 */
export async function collectRegistered(load: () => Promise<unknown>): Promise<GradingTest[]> {
  collected.length = 0;
  collecting = true;
  try {
    await load();
    return collected.splice(0);
  } finally {
    collecting = false;
    collected.length = 0;
  }
}

/**
 * Checks that a returned value is a Matrix (of `shape`, if given) and returns it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expectMatrix, Matrix } from "./harness.ts";
 * expectMatrix(Matrix.zeros(2, 3), "dists", [2, 3]);
 * assert.throws(() => expectMatrix([1], "dists"), /dists should be a Matrix, got an array/);
 * ```
 */
export function expectMatrix(value: unknown, what: string, shape?: [number, number]): Matrix {
  if (!(value instanceof Matrix)) assert.fail(`${what} should be a Matrix, got ${describe(value)}`);
  if (shape && (value.rows !== shape[0] || value.cols !== shape[1])) {
    assert.fail(`${what} should be ${shape[0]}×${shape[1]}, got ${value.rows}×${value.cols}`);
  }
  return value;
}

/**
 * Checks that a returned value is a number and returns it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expectNumber } from "./harness.ts";
 * assert.equal(expectNumber(2, "loss"), 2);
 * assert.throws(() => expectNumber("2", "loss"), /loss should be a number, got a string/);
 * ```
 */
export function expectNumber(value: unknown, what: string): number {
  if (typeof value !== "number") assert.fail(`${what} should be a number, got ${describe(value)}`);
  return value;
}

/**
 * Checks that a returned value is an array and returns it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expectArray } from "./harness.ts";
 * assert.deepEqual(expectArray([1], "folds"), [1]);
 * assert.throws(() => expectArray(null, "folds"), /folds should be an array, got null/);
 * ```
 */
export function expectArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) assert.fail(`${what} should be an array, got ${describe(value)}`);
  return value;
}

/**
 * Checks that a returned value is a list of numbers (an array or a typed array) and returns it
 * as a plain array.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expectNumbers } from "./harness.ts";
 * assert.deepEqual(expectNumbers(Int32Array.of(1, 2), "labels"), [1, 2]);
 * assert.throws(() => expectNumbers([1, "2"], "labels"), /labels\[1\] should be a number/);
 * ```
 */
export function expectNumbers(value: unknown, what: string): number[] {
  const list = ArrayBuffer.isView(value) && !(value instanceof DataView)
    ? Array.from(value as unknown as ArrayLike<number>)
    : expectArray(value, what);
  list.forEach((x, i) => expectNumber(x, `${what}[${i}]`));
  return list as number[];
}

/**
 * Checks that a returned value is a plain object with the given keys and returns it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expectObject } from "./harness.ts";
 * assert.equal(expectObject({ loss: 1, dW: 2 }, "result", "loss", "dW").loss, 1);
 * assert.throws(() => expectObject({ loss: 1 }, "result", "dW"), /result has no dW/);
 * ```
 */
export function expectObject(
  value: unknown,
  what: string,
  ...keys: string[]
): Record<string, unknown> {
  if (
    value === null || typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype
  ) {
    assert.fail(`${what} should be an object, got ${describe(value)}`);
  }
  for (const k of keys) {
    if (!Object.hasOwn(value, k)) assert.fail(`${what} has no ${k}`);
  }
  return value as Record<string, unknown>;
}

/**
 * Asserts |actual − expected| ≤ tol · max(1, |expected|) entry by entry, naming the first entry
 * that is off. Anything but numbers fails.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { assertClose } from "./harness.ts";
 * assertClose(0.1 + 0.2, 0.3);
 * assert.throws(() => assertClose([1, 5], [1, 2], 1e-9, "dists"), /dists\[1\] is 5, expected 2/);
 * ```
 */
export function assertClose(
  actual: unknown,
  expected: number | ArrayLike<number>,
  tol = 1e-9,
  what = "value",
): void {
  const a = typeof expected === "number"
    ? [expectNumber(actual, what)]
    : expectNumbers(actual, what);
  const e = typeof expected === "number" ? [expected] : Array.from(expected);
  assert.equal(a.length, e.length, `${what} has ${a.length} entries, expected ${e.length}`);
  for (let i = 0; i < e.length; i++) {
    const ok = Math.abs(a[i] - e[i]) <= tol * Math.max(1, Math.abs(e[i]));
    if (!ok) {
      const where = typeof expected === "number" ? what : `${what}[${i}]`;
      assert.fail(`${where} is ${a[i]}, expected ${e[i]} (tolerance ${tol})`);
    }
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (v instanceof Matrix) return `a ${v.rows}×${v.cols} Matrix`;
  if (typeof v === "object") {
    const name = (v as object).constructor?.name;
    return name && name !== "Object" ? `a ${name}` : "an object";
  }
  return typeof v === "undefined" ? "undefined" : `a ${typeof v}`;
}
