/**
 * What every grading test uses (shipped to students with the public tests; nothing here gives a
 * solution away).
 *
 * - `test(name, fn)`: `Deno.test` for graded code. The name starts with the function it grades
 *   (`"adam: the first step"`); the student's module is imported INSIDE `fn`, so a module that
 *   does not load fails only the tests that import it.
 * - `load(import(...), path, ...names)`: awaits that import and checks the names are exported,
 *   with a message a student can act on.
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

export { assert };

/**
 * Registers a graded test. Resets `Deno.exitCode` first (a `Deno.exit()` in the previous test
 * must not fail this one) and turns off the op/resource sanitizers (a leaked timer in student code
 * is not what is graded); the exit sanitizer stays on, so `Deno.exit()` fails only its own test.
 *
 * @example
 * ```ts ignore
 * test("kFoldSplit: sizes", async () => {
 *   const { kFoldSplit } = await load(import("../../../../lib/cross_validation.ts"), "…", "kFoldSplit");
 *   assert.equal(kFoldSplit(4, 2).length, 2);
 * });
 * ```
 */
export function test(name: string, fn: () => void | Promise<void>): void {
  Deno.test({
    name,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => {
      Deno.exitCode = 0;
      await fn();
    },
  });
}

/**
 * The module `imported` resolves to, after checking that it loaded and exports `names` (as
 * functions or classes). `path` is how the error messages name the file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { load } from "./harness.ts";
 * const mod = await load(Promise.resolve({ f: () => 1 }), "lib/x.ts", "f");
 * assert.equal(mod.f(), 1);
 * await assert.rejects(load(Promise.resolve({}), "lib/x.ts", "g"), /lib\/x\.ts does not export g/);
 * await assert.rejects(load(Promise.reject(new Error("boom")), "lib/x.ts"), /cannot load lib\/x\.ts: .*boom/);
 * ```
 */
export async function load<T>(imported: Promise<T>, path: string, ...names: string[]): Promise<T> {
  let mod: T;
  try {
    mod = await imported;
  } catch (e) {
    const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    throw new Error(`cannot load ${path}: ${why}`);
  }
  for (const name of names) {
    const value = (mod as Record<string, unknown>)[name];
    if (typeof value !== "function") {
      throw new Error(
        `${path} does not export ${name} (got ${typeof value}); keep its name and its export`,
      );
    }
  }
  return mod;
}

/**
 * Asserts |actual − expected| ≤ tol · max(1, |expected|) entry by entry, naming the first entry
 * that is off.
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
  actual: number | ArrayLike<number>,
  expected: number | ArrayLike<number>,
  tol = 1e-9,
  what = "value",
): void {
  const a = typeof actual === "number" ? [actual] : Array.from(actual);
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
