/**
 * Plain-text output for notebooks: `await print(...)` shows lines of text as the cell's output.
 * In the Deno kernel `console.log` output can arrive late, after the cell has finished, or be
 * filed under the next cell; `print` sends a `text/plain` display through `show`, which resolves
 * only once the kernel has published it. Outside a kernel (`deno run`, `deno test`) `print` falls
 * back to `console.log`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatText } from "./text.ts";
 * assert.equal(formatText("loss", 0.25, [1, 2]), "loss\n0.25\n[ 1, 2 ]");
 * ```
 * @module
 */
import { show } from "./show.ts";

/** Options of `Deno.inspect` for values that have no string form of their own. */
const INSPECT = { colors: false, compact: true, breakLength: 100, depth: 4, iterableLimit: 100 };

/**
 * One value as text: strings as they are, numbers and other primitives with `String`, objects with
 * a `toString` of their own (a `Matrix`, a `Date`, an `Error`) with it, and arrays, typed arrays
 * and plain objects with `Deno.inspect` (no colours).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatValue } from "./text.ts";
 * assert.equal(formatValue("a b"), "a b");
 * assert.equal(formatValue(1e-7), "1e-7");
 * assert.equal(formatValue(new Int32Array([3, 4])), "Int32Array(2) [ 3, 4 ]");
 * assert.equal(formatValue({ k: 5, acc: 0.9 }), "{ k: 5, acc: 0.9 }");
 * assert.equal(formatValue(new RangeError("bad k")), "RangeError: bad k");
 * ```
 */
export function formatValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || (typeof value !== "object" && typeof value !== "function")) {
    return String(value);
  }
  if (typeof value === "object" && hasOwnToString(value)) return String(value);
  const deno = (globalThis as { Deno?: { inspect?: (v: unknown, o: object) => string } }).Deno;
  if (deno?.inspect) return deno.inspect(value, INSPECT);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** True when the object's `toString` is not the generic one of Object or Array. */
function hasOwnToString(value: object): boolean {
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return false;
  const toString = (value as { toString?: unknown }).toString;
  return typeof toString === "function" && toString !== Object.prototype.toString;
}

/**
 * The text `print` shows: every argument formatted with `formatValue`, one per line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatText } from "./text.ts";
 * assert.equal(formatText(`k = ${5}`, "accuracy 0.93"), "k = 5\naccuracy 0.93");
 * assert.equal(formatText(), "");
 * ```
 */
export function formatText(...lines: unknown[]): string {
  return lines.map(formatValue).join("\n");
}

/**
 * Shows lines of text as the cell's output: each argument on its own line (see `formatText`),
 * sent as a `text/plain` display with `show`. Await it, so the text arrives before the cell ends.
 * Outside the Jupyter kernel, where `Deno.jupyter` is unavailable (or refuses the message), it
 * prints with `console.log` instead.
 *
 * ```ts ignore
 * import { print } from "lib/plot/mod.ts";
 * await print(`training accuracy ${(0.9312).toFixed(3)}`, `W is ${785}×${10}`);
 * ```
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { print } from "./text.ts";
 * const log = console.log, seen: unknown[][] = [];
 * console.log = (...args: unknown[]) => seen.push(args); // outside a kernel: console.log
 * try {
 *   await print("k = 3", 0.5);
 * } finally {
 *   console.log = log;
 * }
 * assert.deepEqual(seen, [["k = 3\n0.5"]]);
 * ```
 */
export async function print(...lines: unknown[]): Promise<void> {
  await show({ "text/plain": formatText(...lines) });
}
