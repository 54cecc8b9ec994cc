/**
 * The grader's building blocks, without grading a whole assignment:
 *
 * - Gradescope results (grader/judge/results.ts): the validator against the spec, the
 *   "autograder failed" fallback and the Markdown report;
 * - the wire codec (grader/sandbox/codec.ts): round trips of what JSON cannot say, and strict
 *   decoding of malformed input;
 * - one sandbox process (grader/judge/sandbox_process.ts) and a test session over it
 *   (grader/judge/session.ts) on a tiny workspace: requests, handles, callbacks, and each limit
 *   that ends a process (wall clock, memory, output, `Deno.exit`);
 * - zip archives (grader/judge/zip.ts), the CSV gradebook and result folders
 *   (grader/judge/gradebook.ts).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  failedResults,
  type GradescopeResults,
  resultsMarkdown,
  validateResults,
} from "../grader/judge/results.ts";
import { decode, encode, MAX_DEPTH, type Wire } from "../grader/sandbox/codec.ts";
import { DEFAULT_LIMITS } from "../grader/judge/limits.ts";
import { prepareSandbox } from "../grader/judge/prepare.ts";
import { SandboxError, SandboxProcess } from "../grader/judge/sandbox_process.ts";
import { RemoteObject, StudentError, TestSession, writeEntry } from "../grader/judge/session.ts";
import { csvText, gradebookCsv, resultFolders } from "../grader/judge/gradebook.ts";
import { dirEntries, listFiles, unzipEntries, unzipTo, zipEntries } from "../grader/judge/zip.ts";
import { Matrix } from "../lib/matrix.ts";

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
    [(r) => (r.score = NaN), /^score: must be a finite number, got null$/m],
    [(r) => (r.visibility = "public"), /^visibility: must be one of visible, hidden/m],
    [(r) => (r.stdout_visibility = "never"), /^stdout_visibility: must be one of/m],
    [(r) => (r.output_format = "pdf"), /^output_format: must be one of text, html/m],
    [(r) => (r.grade = 1), /^grade: unknown field$/m],
    [(r) => (r.extra_data = null), /^extra_data: must be an object$/m],
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
  assert.deepEqual(validateResults(null), ["results.json must be a JSON object"]);
});

Deno.test("results: the autograder-failed fallback and the Markdown report", () => {
  const failed = failedResults(new Error("no base/ folder"), 20);
  assert.deepEqual(validateResults(failed), []);
  assert.equal(failed.score, 0);
  assert.equal(failed.extra_data?.autograder_failed, true);
  assert.deepEqual([failed.tests[0].name, failed.tests[0].max_score], ["autograder failed", 20]);
  assert.match(failed.tests[0].output!, /Error: no base\/ folder/);
  assert.equal(failedResults("plain text").tests[0].output, "plain text");
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
  assert.match(md, /\| 2 \| ✘ \| g: c \| 0 \/ 1\.5 \| hidden \|/);
  assert.match(md, /## Failures\n\n### g: c\n\n```text\nAssertionError: 1 !== 2\nʼʼʼ\n```/);
  assert.match(md, /Graded in 3 s\.\n$/);
  const visibleOnly = resultsMarkdown(r, { includeHidden: false });
  assert.doesNotMatch(visibleOnly, /g: c/);
  assert.doesNotMatch(visibleOnly, /## Failures/);
});

// ---------------------------------------------------------------------------------------------
// The wire codec

/** Encodes like the judge does (matrices by value, everything else a numbered handle). */
function send(value: unknown, handles: unknown[] = []): Wire {
  const wire = encode(value, {
    isMatrix: (o) => o instanceof Matrix,
    handle: (o) => handles.push(o),
  });
  // Through real JSON text, as on the pipe.
  return JSON.parse(JSON.stringify(wire));
}

const HOOKS = {
  matrix: (rows: number, cols: number, data: Float64Array) => new Matrix(rows, cols, data),
  handle: (id: number, kind: "object" | "function", className: string) => ({ id, kind, className }),
};

Deno.test("codec: numbers JSON cannot say survive a round trip, each exactly", () => {
  const values = [NaN, Infinity, -Infinity, -0, 0, 1.5, -2, Number.MAX_VALUE, 5e-324, undefined];
  const back = decode(send(values), HOOKS) as unknown[];
  assert.equal(back.length, values.length);
  values.forEach((v, i) => assert.ok(Object.is(back[i], v), `entry ${i}: ${back[i]} vs ${v}`));
  assert.deepEqual(send([NaN, -0, undefined, 7n]), [
    { $n: "NaN" },
    { $n: "-0" },
    { $u: 1 },
    { $big: "7" },
  ]);
  assert.equal(
    decode(send(123456789012345678901234567890n), HOOKS),
    123456789012345678901234567890n,
  );
  assert.equal(decode(send(null), HOOKS), null);
  assert.equal(decode(send("a\u0000\n\x1e"), HOOKS), "a\u0000\n\x1e");
});

Deno.test("codec: typed arrays keep their class and bytes (views included), matrices their shape", () => {
  const f64 = Float64Array.of(1, -0, NaN, Infinity, 1e-300);
  const kinds = [
    f64,
    Float32Array.of(0.5, -1),
    Int32Array.of(-(2 ** 31), 2 ** 31 - 1),
    Uint32Array.of(2 ** 32 - 1),
    Int16Array.of(-32768),
    Uint16Array.of(65535),
    Int8Array.of(-128, 127),
    Uint8Array.of(0, 255),
    Uint8ClampedArray.of(3),
    new Float64Array(0),
  ];
  for (const t of kinds) {
    const back = decode(send(t), HOOKS) as typeof t;
    assert.equal(back.constructor, t.constructor);
    assert.equal(back.length, t.length);
    for (let i = 0; i < t.length; i++) {
      assert.ok(Object.is(back[i], t[i]), `${t.constructor.name}[${i}]`);
    }
  }
  // A view into a larger buffer sends its own entries only.
  const view = Float64Array.of(9, 1, 2, 9).subarray(1, 3);
  assert.deepEqual(decode(send(view), HOOKS), Float64Array.of(1, 2));
  assert.throws(() => send(new BigInt64Array(1)), /a BigInt64Array cannot be sent/);

  const m = new Matrix(2, 3, Float64Array.of(1, 2, 3, 4, -0, NaN));
  const wire = send(m) as { $m: unknown[] };
  assert.deepEqual(wire.$m.slice(0, 2), [2, 3]);
  const back = decode(wire, HOOKS);
  assert.ok(back instanceof Matrix);
  assert.deepEqual([back.rows, back.cols], [2, 3]);
  assert.ok(Object.is(back.data[4], -0) && Number.isNaN(back.data[5]));
  assert.deepEqual(Array.from(back.data.subarray(0, 4)), [1, 2, 3, 4]);
  assert.notEqual(back.data, m.data, "a copy, not the sender's array");
  // Without a matrix hook a Matrix is not expected: a clear error, not a plain object.
  assert.throws(() => decode(wire, {}), /value: matrices are not expected here/);
});

Deno.test("codec: Map, Set, nested objects, handles and a __proto__ key", () => {
  const value = {
    accuracies: new Map<unknown, unknown>([[1, [0.5, NaN]], ["k", { deep: [new Set([1, "a"])] }]]),
    nested: { a: { b: { c: [null, true, "x"] } } },
    bare: Object.assign(Object.create(null), { z: 1 }),
  };
  const back = decode(send(value), HOOKS) as typeof value;
  assert.ok(back.accuracies instanceof Map);
  assert.deepEqual([...back.accuracies.keys()], [1, "k"]);
  const first = back.accuracies.get(1) as number[];
  assert.ok(first[0] === 0.5 && Number.isNaN(first[1]));
  const deep = (back.accuracies.get("k") as { deep: Set<unknown>[] }).deep[0];
  assert.ok(deep instanceof Set);
  assert.deepEqual([...deep], [1, "a"]);
  assert.deepEqual(back.nested, { a: { b: { c: [null, true, "x"] } } });
  assert.equal(Object.getPrototypeOf(back.nested), Object.prototype);
  assert.deepEqual({ ...back.bare }, { z: 1 });

  // Class instances and functions become handles, named by class.
  class Net {}
  const handles: unknown[] = [];
  const fn = () => 1;
  const net = new Net();
  assert.deepEqual(send([net, fn], handles), [{ $r: 1, c: "Net" }, { $f: 2 }]);
  assert.deepEqual(handles, [net, fn]);
  assert.deepEqual(decode(send([net, fn]), HOOKS), [
    { id: 1, kind: "object", className: "Net" },
    { id: 2, kind: "function", className: "" },
  ]);
  assert.throws(() => decode({ $r: 1 }, {}), /value: handles are not expected here/);

  // A "__proto__" key is an ordinary own property on both sides: nothing is polluted.
  const sneaky = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}');
  const wire = send(sneaky) as { $o: Record<string, unknown> };
  assert.ok(Object.hasOwn(wire.$o, "__proto__"), "encoded as a key");
  const got = decode(wire, HOOKS) as Record<string, unknown>;
  assert.ok(Object.hasOwn(got, "__proto__"));
  assert.equal(Object.getPrototypeOf(got), Object.prototype);
  assert.deepEqual(Object.keys(got), ["__proto__", "ok"]);
  assert.equal((got as { polluted?: unknown }).polluted, undefined);
  assert.equal(({} as { polluted?: unknown }).polluted, undefined);
  const raw = decode(JSON.parse('{"$o": {"__proto__": {"$o": {"x": 1}}}}'), HOOKS);
  assert.deepEqual(Object.getOwnPropertyDescriptor(raw, "__proto__")?.value, { x: 1 });
  assert.equal((raw as { x?: unknown }).x, undefined);
  // Keys that look like tags are data inside $o.
  assert.deepEqual(decode(send({ $n: "NaN", $u: 1 }), HOOKS), { $n: "NaN", $u: 1 });
});

Deno.test("codec: malformed wire values are TypeErrors naming where", () => {
  const bad: [unknown, RegExp][] = [
    [
      { $o: { a: [1, { $t: "Float99Array", b: "" }] } },
      /^value\.a\[1\]: bad typed array "Float99Array"$/,
    ],
    [
      { $o: { a: { $t: "Float64Array", b: "AAA=" } } },
      /^value\.a: 2 bytes is not a whole Float64Array$/,
    ],
    [{ $o: { a: { $t: "Int32Array", b: "!!" } } }, /^value\.a: bad base64$/],
    [[{ $n: "nan" }], /^value\[0\]: bad number "nan"$/],
    [{ $m: [2, 2, { $t: "Float64Array", b: "" }] }, /^value: a 2×2 matrix needs 4 entries, got 0$/],
    [
      { $m: [-1, 0, { $t: "Float64Array", b: "" }] },
      /^value: a matrix's rows and cols must be whole/,
    ],
    [
      { $m: [0, 1.5, { $t: "Float64Array", b: "" }] },
      /^value: a matrix's rows and cols must be whole/,
    ],
    [
      { $m: [0, 0, { $t: "Float32Array", b: "" }] },
      /^value: a matrix's data must be a Float64Array$/,
    ],
    [{ $m: [0, 0] }, /^value: bad matrix$/],
    [{ $map: [[1]] }, /^value: bad Map entry$/],
    [{ $map: {} }, /^value: bad Map$/],
    [{ $set: 1 }, /^value: bad Set$/],
    [{ $o: [1] }, /^value: bad object$/],
    [{ $big: "1.5" }, /^value: bad bigint$/],
    [{ $r: -1 }, /^value: bad handle$/],
    [[{ $weird: 1 }], /^value\[0\]: unknown wire object with keys \$weird$/],
    [{ x: 1 }, /^value: unknown wire object with keys x$/],
  ];
  for (const [wire, message] of bad) {
    assert.throws(() => decode(wire, HOOKS), (e: Error) => {
      assert.ok(e instanceof TypeError, `${JSON.stringify(wire)}: ${e}`);
      assert.match(e.message, message);
      return true;
    });
  }
  assert.throws(
    () => decode({ $o: { w: [{ $u: 2 }, [1, "x", {}]] } }, HOOKS, "the returned value"),
    {
      name: "TypeError",
      message: "the returned value.w[1][2]: unknown wire object with keys ",
    },
  );
});

Deno.test("codec: nesting is limited to MAX_DEPTH levels on both sides; cycles are refused", () => {
  assert.equal(MAX_DEPTH, 64);
  const nest = (n: number) => {
    let v: unknown = 1;
    for (let i = 0; i < n; i++) v = [v];
    return v;
  };
  assert.doesNotThrow(() => decode(send(nest(MAX_DEPTH)), HOOKS));
  assert.throws(() => send(nest(MAX_DEPTH + 1)), {
    name: "RangeError",
    message: "value nested deeper than 64 levels",
  });
  assert.throws(() => decode(nest(MAX_DEPTH + 1), HOOKS), (e: Error) => {
    assert.ok(e instanceof TypeError);
    assert.match(e.message, /^value(\[0\]){65}: nested deeper than 64 levels$/);
    return true;
  });
  const loop: Record<string, unknown> = { a: 1 };
  loop.self = { back: loop };
  assert.throws(() => send(loop), {
    name: "TypeError",
    message: "a circular value cannot be sent",
  });
  // The same object twice is not a cycle.
  const shared = { x: 1 };
  assert.deepEqual(decode(send([shared, shared]), HOOKS), [{ x: 1 }, { x: 1 }]);
  assert.throws(() => send(Symbol("s")), /a symbol cannot be sent/);
});

// ---------------------------------------------------------------------------------------------
// One sandbox process and a test session, on a tiny workspace

const MODULE = "lib/tiny.ts";
const TINY = `import { Matrix } from "./matrix.ts";
export function add(a: number, b: number): number { return a + b; }
export function hang(): never { for (;;) { /* forever */ } }
export function hog(): number { return new Float64Array(2 ** 28).fill(1).length; }
export function chatty(): number {
  const line = "x".repeat(1 << 16);
  for (let i = 0; i < 80; i++) console.log(line); // 5 MiB
  return 1;
}
export function bye(): void { Deno.exit(7); }
export function fail(): never { throw new RangeError("student says no"); }
export function twice(f: (m: Matrix, tag: string) => number, m: Matrix): number[] {
  return [f(m, "first"), f(new Matrix(1, 2, Float64Array.of(m.data[0] * 2, -0)), "second")];
}
export function readSecret(): string { return Deno.readTextFileSync("/etc/hostname"); }
export function later(): number { setTimeout(() => Deno.exit(3), 0); return 1; }
export const notAFunction = 42;
export class Counter {
  n = 0;
  inc(by = 1): number { return (this.n += by); }
  make(): Matrix { return new Matrix(1, 1, Float64Array.of(this.n)); }
}
`;
const MATRIX = `export class Matrix {
  constructor(readonly rows: number, readonly cols: number, readonly data: Float64Array) {}
}
`;

async function tinyWorkspace(): Promise<string> {
  const ws = await Deno.makeTempDir({ prefix: "hw-sandbox-" });
  await Deno.mkdir(join(ws, "lib"));
  await Deno.writeTextFile(join(ws, "deno.json"), "{}\n");
  await Deno.writeTextFile(join(ws, "lib", "matrix.ts"), MATRIX);
  await Deno.writeTextFile(join(ws, "lib", "tiny.ts"), TINY);
  return ws;
}

Deno.test("sandbox process: ready frame with the exports, requests, student errors", async () => {
  const ws = await tinyWorkspace();
  const entry = await writeEntry(ws, ws, [MODULE]);
  const p = await SandboxProcess.start({
    entry,
    config: join(ws, "deno.json"),
    modules: [MODULE],
    limits: { ...DEFAULT_LIMITS, wallSeconds: 10, cpuSeconds: 10 },
  });
  try {
    const status = p.ready[MODULE];
    assert.ok(status && "exports" in status, JSON.stringify(p.ready));
    assert.deepEqual(status.exports, {
      add: "function",
      hang: "function",
      hog: "function",
      chatty: "function",
      bye: "function",
      fail: "function",
      twice: "function",
      readSecret: "function",
      later: "function",
      notAFunction: "number",
      Counter: "class",
    });
    const target = { module: MODULE };
    assert.equal(await p.request({ op: "call", target, path: ["add"], args: [2, 40] }), 42);
    assert.equal(await p.request({ op: "get", target, path: ["notAFunction"], args: [] }), 42);
    await assert.rejects(p.request({ op: "call", target, path: ["fail"], args: [] }), (e) => {
      assert.ok(e instanceof SandboxError);
      assert.equal(e.kind, "thrown");
      assert.equal(e.message, "RangeError: student says no");
      assert.match(
        e.remoteStack ?? "",
        /at (Module\.)?fail \(file:\/\/.*\/lib\/tiny\.ts:\d+:\d+\)/,
      );
      return true;
    });
    // No read permission in the sandbox.
    await assert.rejects(
      p.request({ op: "call", target, path: ["readSecret"], args: [] }),
      /NotCapable: Requires read access to "\/etc\/hostname"/,
    );
    // A timer left by one call never runs: the loop never yields to the event loop.
    assert.equal(await p.request({ op: "call", target, path: ["later"], args: [] }), 1);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await p.request({ op: "call", target, path: ["add"], args: [1, 1] }), 2);
  } finally {
    p.kill();
    await p.exited;
    await Deno.remove(ws, { recursive: true });
  }
  // After the end, requests reject at once.
  await assert.rejects(
    p.request({ op: "call", target: { module: MODULE }, path: ["add"], args: [] }),
    {
      name: "SandboxError",
    },
  );
});

Deno.test("test session: load, objects, callbacks with matrices, and each limit", async (t) => {
  const ws = await tinyWorkspace();
  const ready = await prepareSandbox({ workspace: ws, modules: [MODULE], gate: false });
  assert.deepEqual(ready.spec.modules, [MODULE]);
  assert.equal(ready.spec.broken.size, 0);
  /** Runs `body` with a fresh session whose test may take `seconds`. */
  const session = async <T>(seconds: number, body: (s: TestSession) => Promise<T>) => {
    const s = new TestSession(ready.spec, seconds);
    try {
      return await body(s);
    } finally {
      s.close();
    }
  };
  try {
    await t.step("load and call; a missing or non-function export is refused", async () => {
      await session(10, async (s) => {
        const { add } = await s.load(MODULE, "add");
        assert.equal(await add(20, 22), 42);
        await assert.rejects(
          s.load(MODULE, "nope"),
          /lib\/tiny\.ts does not export nope \(got undefined\)/,
        );
        await assert.rejects(
          s.load(MODULE, "notAFunction"),
          /does not export notAFunction \(got number\)/,
        );
        await assert.rejects(s.load("lib/other.ts", "x"), /lib\/other\.ts is not a graded module/);
      });
    });

    await t.step(
      "a class instance stays in the sandbox; its Matrix comes back by value",
      async () => {
        await session(10, async (s) => {
          const { Counter } = await s.load(MODULE, "Counter");
          const c = await Counter.new();
          assert.ok(c instanceof RemoteObject);
          assert.equal(c.className, "Counter");
          assert.equal(await c.call("inc"), 1);
          assert.equal(await c.call("inc", 4), 5);
          assert.equal(await c.get("n"), 5);
          await c.set("n", 2.5);
          const m = await c.call("make");
          assert.ok(m instanceof Matrix, "rebuilt with the judge's own Matrix");
          assert.deepEqual([m.rows, m.cols, Array.from(m.data)], [1, 1, [2.5]]);
        });
      },
    );

    await t.step(
      "a callback round trip: the judge's function gets judge-realm matrices",
      async () => {
        await session(10, async (s) => {
          const { twice } = await s.load(MODULE, "twice");
          const seen: unknown[][] = [];
          const f = (m: unknown, tag: unknown) => {
            seen.push([m instanceof Matrix, tag]);
            const mat = m as Matrix;
            return mat.data.reduce((a, b) => a + b, 0) + (Object.is(mat.data.at(-1), -0) ? 0.5 : 0);
          };
          const out = await twice(f, new Matrix(1, 2, Float64Array.of(3, 4)));
          assert.deepEqual(out, [7, 6.5]);
          assert.deepEqual(seen, [[true, "first"], [true, "second"]]);
        });
      },
    );

    await t.step("the student's exception: message and stack without workspace paths", async () => {
      await session(10, async (s) => {
        const { fail } = await s.load(MODULE, "fail");
        await assert.rejects(fail(), (e) => {
          assert.ok(e instanceof StudentError);
          assert.equal(e.message, "RangeError: student says no");
          assert.match(e.studentStack, /at (Module\.)?fail \(lib\/tiny\.ts:\d+:\d+\)/);
          assert.ok(!e.studentStack.includes(ws), e.studentStack);
          assert.doesNotMatch(e.studentStack, /sandbox_entry|grader\/sandbox/);
          return true;
        });
      });
    });

    await t.step("a function that hangs: the wall-clock limit", async () => {
      const t0 = performance.now();
      await session(1, async (s) => {
        const { hang } = await s.load(MODULE, "hang");
        await assert.rejects(hang(), (e) => {
          assert.ok(e instanceof SandboxError);
          assert.equal(e.kind, "limit");
          assert.equal(e.limit, "wall");
          assert.match(e.message, /^timed out after 1 s \(the time limit/);
          return true;
        });
      });
      const seconds = (performance.now() - t0) / 1000;
      assert.ok(seconds < 6, `stopped after ${seconds.toFixed(1)} s`);
    });

    await t.step("a function that allocates 2 GB: the memory limit", async () => {
      await session(20, async (s) => {
        const { hog } = await s.load(MODULE, "hog");
        await assert.rejects(hog(), (e) => {
          assert.ok(e instanceof SandboxError);
          assert.equal(e.kind, "limit");
          assert.equal(e.limit, "memory");
          assert.equal(e.message, "used more than 1024 MiB of memory (the memory limit)");
          return true;
        });
      });
    });

    await t.step("a function that prints 5 MB: the output limit", async () => {
      await session(20, async (s) => {
        const { chatty } = await s.load(MODULE, "chatty");
        await assert.rejects(chatty(), (e) => {
          assert.ok(e instanceof SandboxError);
          assert.equal(e.limit, "output");
          assert.equal(e.message, "printed more than 1024 KiB (the output limit)");
          return true;
        });
      });
    });

    await t.step("Deno.exit(): the process exited, and says so", async () => {
      await session(10, async (s) => {
        const { bye, add } = await s.load(MODULE, "bye", "add");
        await assert.rejects(bye(), (e) => {
          assert.ok(e instanceof SandboxError);
          assert.equal(e.kind, "ended");
          assert.match(e.message, /^the process exited with code 7 \(Deno\.exit\(\)/);
          return true;
        });
        // The session's process is gone: later requests fail the same way.
        await assert.rejects(add(1, 2), /exited with code 7/);
      });
    });
  } finally {
    await ready.dispose();
    await Deno.remove(ws, { recursive: true });
  }
});

Deno.test("import probe: a module that throws, exits or hangs at import is marked broken", async () => {
  const ws = await tinyWorkspace();
  await Deno.writeTextFile(join(ws, "lib", "throws.ts"), 'throw new Error("at import");\n');
  await Deno.writeTextFile(join(ws, "lib", "exits.ts"), "Deno.exit(4);\n");
  await Deno.writeTextFile(join(ws, "lib", "loops.ts"), "for (;;) { /* forever */ }\n");
  const modules = [MODULE, "lib/throws.ts", "lib/exits.ts", "lib/loops.ts"];
  const t0 = performance.now();
  const ready = await prepareSandbox({ workspace: ws, modules, gate: false, importSeconds: 2 });
  try {
    assert.ok(performance.now() - t0 < 8000, "one import timeout, not one per module");
    assert.deepEqual(ready.spec.modules, [MODULE]);
    assert.equal(ready.spec.broken.get("lib/throws.ts"), "Error: at import");
    assert.match(
      ready.spec.broken.get("lib/exits.ts")!,
      /stopped the process: the process exited with code 4/,
    );
    assert.match(ready.spec.broken.get("lib/loops.ts")!, /did not finish within 2 s/);
    const s = new TestSession(ready.spec, 5);
    try {
      await assert.rejects(
        s.load("lib/throws.ts", "x"),
        /^Error: cannot load lib\/throws\.ts: Error: at import$/,
      );
    } finally {
      s.close();
    }
  } finally {
    await ready.dispose();
    await Deno.remove(ws, { recursive: true });
  }
});

// ---------------------------------------------------------------------------------------------
// Zip archives, the gradebook and result folders

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
    // listFiles never follows a symbolic link (to a file or a folder).
    await Deno.symlink("/etc/hostname", join(dir, "src", "link"));
    await Deno.symlink(join(dir, "src", "a"), join(dir, "src", "alink"));
    assert.deepEqual(await listFiles(join(dir, "src")), ["a/b/x.ts", "run"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("gradebook: RFC 4180 with CRLF, quotes doubled, formulas escaped, autograder_failed", () => {
  const tests = ["f: a, b", "=g: c", 'h: "q"'];
  const csv = gradebookCsv(tests, [
    {
      id: "ann",
      tests: { "f: a, b": 2, "=g: c": 1.5, 'h: "q"': 1 },
      score: 4.5,
      max: 5,
      failed: false,
    },
    { id: "=1+1", tests: {}, score: 0, max: 5, failed: true },
    { id: "+cmd", tests: { "f: a, b": NaN }, score: Infinity, max: 5, failed: false },
    { id: "-2,3", tests: {}, score: 0, max: 5, failed: false },
    { id: "@SUM(A1)", tests: {}, score: 0, max: 5, failed: false },
    { id: 'bo "b"\nx', tests: {}, score: 0, max: 5, failed: false },
    { id: "\tTAB", tests: {}, score: 0, max: 5, failed: false },
  ]);
  assert.equal(
    csv,
    [
      `submission,"f: a, b",'=g: c,"h: ""q""",total,max_score,autograder_failed`,
      "ann,2,1.5,1,4.5,5,false",
      "'=1+1,0,0,0,0,5,true",
      "'+cmd,0,0,0,0,5,false",
      `"'-2,3",0,0,0,0,5,false`,
      "'@SUM(A1),0,0,0,0,5,false",
      `"bo ""b""\nx",0,0,0,0,5,false`,
      "'\tTAB,0,0,0,0,5,false",
      "",
    ].join("\r\n"),
  );
  // Every record ends with CRLF; no bare LF outside a quoted field.
  assert.ok(csv.endsWith("\r\n"));
  assert.equal(csv.split("\r\n").length, 9);
  assert.equal(csvText("plain"), "plain");
  assert.equal(csvText("a=b"), "a=b", "only a leading = is a formula");
  assert.equal(csvText("\rx"), `"'\rx"`);
});

Deno.test("gradebook: one results folder per submission name, safe and unique", () => {
  const names = ["alice", "alice.zip", "a/b", "a_b", "..", ".hidden", "", "ünï", "_", "a b"];
  const dirs = resultFolders(names);
  assert.deepEqual(dirs, [
    "alice",
    "alice.zip",
    "a_b",
    "a_b-2",
    "_",
    "_hidden",
    "_-2",
    "_n_",
    "_-3",
    "a_b-3",
  ]);
  assert.equal(new Set(dirs).size, names.length);
  for (const d of dirs) assert.match(d, /^[A-Za-z0-9_@-][A-Za-z0-9._@-]*$/);
});
