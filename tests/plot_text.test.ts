/**
 * `print` of lib/plot/text.ts: how values become text, the `text/plain` display inside the Jupyter
 * kernel and the `console.log` fallback outside it. The kernel is faked by assigning
 * `Deno.jupyter` (its setter allows that), which is why these tests have a file of their own.
 */
import assert from "node:assert/strict";
import { Matrix } from "../lib/matrix.ts";
import { formatText, formatValue, print } from "../lib/plot/mod.ts";

/** Runs `fn` with console.log captured; returns the argument lists it was called with. */
async function captureLog(fn: () => Promise<void>): Promise<unknown[][]> {
  const log = console.log, seen: unknown[][] = [];
  console.log = (...args: unknown[]) => void seen.push(args);
  try {
    await fn();
  } finally {
    console.log = log;
  }
  return seen;
}

const jupyterSlot = Deno as unknown as { jupyter: unknown };

Deno.test("formatValue: strings, numbers, primitives, arrays, objects, toString", () => {
  assert.equal(formatValue("accuracy 0.931"), "accuracy 0.931");
  assert.equal(formatValue(0.1 + 0.2), "0.30000000000000004");
  assert.equal(formatValue(-1.5e-12), "-1.5e-12");
  assert.equal(formatValue(NaN), "NaN");
  assert.equal(formatValue(12n), "12");
  assert.equal(formatValue(true), "true");
  assert.equal(formatValue(null), "null");
  assert.equal(formatValue(undefined), "undefined");
  assert.equal(formatValue([1, 2, 3]), "[ 1, 2, 3 ]");
  assert.equal(formatValue(new Float64Array([0.5, 2])), "Float64Array(2) [ 0.5, 2 ]");
  assert.equal(formatValue({ k: 3, metric: "L1" }), '{ k: 3, metric: "L1" }');
  assert.equal(
    formatValue(new TypeError("y must be an Int32Array")),
    "TypeError: y must be an Int32Array",
  );
  const m = Matrix.fromArray([[1, 2], [3, 4]]);
  assert.equal(formatValue(m), m.toString());
  assert.match(formatValue(m), /^Matrix \(2×2\) \[\n {2}\[1\.000, 2\.000\]/);
});

Deno.test("formatText: one argument per line; nothing → empty text", () => {
  assert.equal(formatText("X: 10000 × 784", 10, [0, 1]), "X: 10000 × 784\n10\n[ 0, 1 ]");
  assert.equal(formatText("a\nb", "c"), "a\nb\nc");
  assert.equal(formatText(), "");
});

Deno.test("print: outside a kernel (Deno.jupyter throws) it falls back to console.log", async () => {
  assert.throws(() => jupyterSlot.jupyter, /only available in `deno jupyter`/);
  const seen = await captureLog(() => print("k = 5", 0.875, [1, 2]));
  assert.deepEqual(seen, [["k = 5\n0.875\n[ 1, 2 ]"]]);
});

Deno.test("print: in a kernel it sends one text/plain display_data and logs nothing", async () => {
  const sent: [string, unknown][] = [];
  jupyterSlot.jupyter = {
    broadcast: (type: string, content: unknown) => void sent.push([type, content]),
  };
  try {
    const seen = await captureLog(() => print("loss 2.302585", 7850));
    // Not a Jupyter kernel's command line here: no IOPub subscription, so no acknowledgement marker.
    assert.deepEqual(sent, [["display_data", {
      data: { "text/plain": "loss 2.302585\n7850" },
      metadata: {},
      transient: {},
    }]]);
    assert.deepEqual(seen, []);
  } finally {
    jupyterSlot.jupyter = undefined;
  }
});

Deno.test("print: a kernel that refuses the message, or no Deno.jupyter at all, falls back to console.log", async () => {
  jupyterSlot.jupyter = {
    broadcast: () => {
      throw new Error("no kernel connection");
    },
  };
  try {
    assert.deepEqual(await captureLog(() => print("a", "b")), [["a\nb"]]);
    jupyterSlot.jupyter = undefined;
    assert.deepEqual(await captureLog(() => print(1)), [["1"]]);
    jupyterSlot.jupyter = {}; // no broadcast function
    assert.deepEqual(await captureLog(() => print()), [[""]]);
  } finally {
    jupyterSlot.jupyter = undefined;
  }
});
