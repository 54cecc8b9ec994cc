import assert from "node:assert/strict";
import { tableFromIPC, tableToIPC } from "apache-arrow";
import { Matrix } from "../lib/matrix.ts";
import { Rng } from "../lib/random.ts";
import {
  cachedDataset,
  datasetToTable,
  readArrowFile,
  seriesToTable,
  tableToDataset,
  tableToSeries,
  writeArrowFile,
} from "../lib/data/arrow.ts";
import type { Dataset } from "../lib/data/dataset.ts";
import { makeSpiral } from "../lib/data/synthetic.ts";

/** Awkward float64 values (tiny, huge, negative zero, fractions) that must survive exactly. */
function awkward(n = 7, d = 5, seed = 0): Dataset {
  const rng = new Rng(seed);
  const X = Matrix.randn(n, d, rng).mul(1e-3);
  X.data[0] = 1e-308;
  X.data[1] = -0;
  X.data[2] = 1.7976931348623157e308;
  X.data[3] = 0.1 + 0.2;
  const y = Int32Array.from({ length: n }, () => rng.int(0, 3));
  return { X, y, classNames: ["cat", "dog", "ship"] };
}

const list = (dir: string) => Array.fromAsync(Deno.readDir(dir), (e) => e.name);

async function withTempDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "arrow-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("datasetToTable: an x FixedSizeList column, an Int32 label column, class names", () => {
  const ds = awkward();
  const t = datasetToTable(ds);
  assert.equal(t.numRows, 7);
  assert.deepEqual(t.schema.fields.map((f) => [f.name, String(f.type)]), [
    ["x", "FixedSizeList[5]<Float64>"],
    ["label", "Int32"],
  ]);
  assert.equal(t.schema.metadata.get("classNames"), '["cat","dog","ship"]');
  assert.deepEqual([...t.getChild("x")!.get(1)!], [...ds.X.row(1)]);
  assert.deepEqual(t.getChild("label")!.toArray(), ds.y);
});

Deno.test("datasetToTable ↔ tableToDataset round-trip exactly, also through an IPC file", () => {
  const ds = awkward();
  const back = tableToDataset(tableFromIPC(tableToIPC(datasetToTable(ds), "file")));
  assert.deepEqual(back.X.shape, ds.X.shape);
  assert.deepEqual(back.X.data, ds.X.data); // bit-exact, including −0 and extremes
  assert.ok(Object.is(back.X.data[1], -0));
  assert.deepEqual(back.y, ds.y);
  assert.deepEqual(back.classNames, ds.classNames);
  const spiral = makeSpiral({ seed: 4 });
  assert.deepEqual(tableToDataset(datasetToTable(spiral)), spiral);
});

Deno.test("datasetToTable: uint8 is exact for byte pixels, float32 rounds, bad bytes throw", () => {
  const X = new Matrix(3, 4, Float64Array.from({ length: 12 }, (_, i) => i * 23));
  const ds = { X, y: Int32Array.from([0, 1, 0]), classNames: ["a", "b"] };
  const u8 = datasetToTable(ds, { dtype: "uint8" });
  assert.equal(String(u8.schema.fields[0].type), "FixedSizeList[4]<Uint8>");
  assert.deepEqual(tableToDataset(tableFromIPC(tableToIPC(u8))), ds);
  const f32 = tableToDataset(datasetToTable(awkward(), { dtype: "float32" }));
  assert.equal(f32.X.data[3], Math.fround(0.1 + 0.2));
  assert.equal(f32.X.data[2], Infinity); // beyond float32 range
  assert.throws(
    () => datasetToTable({ ...ds, X: X.add(0.5) }, { dtype: "uint8" }),
    {
      name: "RangeError",
      message: 'datasetToTable: dtype "uint8" needs integers 0 … 255, X[0, 0] is 0.5',
    },
  );
  assert.throws(
    () => datasetToTable({ ...ds, X: X.mul(2) }, { dtype: "uint8" }),
    /X\[1, 2\] is 276/, // the first value above 255: 2 · 23 · 6
  );
  assert.throws(
    () => datasetToTable(ds, { dtype: "int8" as "uint8" }),
    /datasetToTable: unknown dtype "int8"/,
  );
  assert.throws(
    () => datasetToTable({ ...ds, y: Int32Array.from([0]) }),
    /datasetToTable: X \(3×4\) has 3 rows but y has 1 labels/,
  );
});

Deno.test("tableToDataset: reads tables of several record batches and slices", () => {
  const a = awkward(4, 3, 1), b = awkward(3, 3, 2);
  const t = datasetToTable(a).concat(datasetToTable(b));
  assert.equal(t.batches.length, 2);
  const back = tableToDataset(t);
  assert.deepEqual(back.X.data, Float64Array.from([...a.X.data, ...b.X.data]));
  assert.deepEqual(back.y, Int32Array.from([...a.y, ...b.y]));
  const middle = tableToDataset(t.slice(2, 5));
  assert.deepEqual(
    middle.X.data,
    Float64Array.from([...a.X.data.slice(6), ...b.X.data.slice(0, 3)]),
  );
});

Deno.test("tableToDataset: wrong tables throw TypeErrors; no metadata → numbered classes", () => {
  const series = seriesToTable({ x: [1, 2], label: Int32Array.from([0, 2]) });
  assert.throws(() => tableToDataset(series), {
    name: "TypeError",
    message: 'tableToDataset: column "x" must be a FixedSizeList, got Float64',
  });
  assert.throws(
    () => tableToDataset(seriesToTable({ loss: [1] })),
    /tableToDataset: the table has no "x" column \(it has: loss\)/,
  );
  const t = datasetToTable(awkward());
  t.schema.metadata.delete("classNames");
  assert.deepEqual(tableToDataset(t).classNames, ["0", "1", "2"]);
});

Deno.test("seriesToTable ↔ tableToSeries: Float64, Int32 and Utf8 columns round-trip", () => {
  const columns = {
    lr: [1e-7, 5e-7, 1e-6],
    reg: Float64Array.from([2.5e4, 5e4, 1e5]),
    epoch: Int32Array.from([1, 2, 3]),
    model: ["svm", "softmax", "svm"],
  };
  const t = seriesToTable(columns);
  assert.deepEqual(t.schema.fields.map((f) => String(f.type)), [
    "Float64",
    "Float64",
    "Int32",
    "Utf8",
  ]);
  const back = tableToSeries(tableFromIPC(tableToIPC(t, "file")));
  assert.deepEqual(back, {
    lr: Float64Array.from(columns.lr),
    reg: columns.reg,
    epoch: columns.epoch,
    model: columns.model,
  });
  assert.equal(seriesToTable({}).numRows, 0);
});

Deno.test("seriesToTable: ragged or mixed columns throw", () => {
  assert.throws(() => seriesToTable({ a: [1, 2], b: ["x"] }), {
    name: "RangeError",
    message: 'seriesToTable: column "b" has 1 values, "a" has 2',
  });
  assert.throws(
    () => seriesToTable({ a: [1, "x"] as unknown as number[] }),
    /seriesToTable: column "a" mixes numbers and strings/,
  );
});

Deno.test("writeArrowFile / readArrowFile: atomic IPC file round-trip, clear errors", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/sub/folder/ds.arrow`;
    const ds = awkward();
    await writeArrowFile(path, datasetToTable(ds));
    const bytes = await Deno.readFile(path);
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 6)), "ARROW1"); // IPC file magic
    assert.deepEqual(tableToDataset(await readArrowFile(path)), ds);
    assert.deepEqual(await Array.fromAsync(Deno.readDir(`${dir}/sub/folder`), (e) => e.name), [
      "ds.arrow",
    ]); // no temporary file left
    await writeArrowFile(path, seriesToTable({ v: [3] })); // replaces the file
    assert.deepEqual(tableToSeries(await readArrowFile(path)), { v: Float64Array.from([3]) });
    await assert.rejects(readArrowFile(`${dir}/none.arrow`), {
      name: "NotFound",
      message: `readArrowFile: ${dir}/none.arrow is missing`,
    });
    await Deno.writeTextFile(`${dir}/junk.arrow`, "not arrow at all");
    await assert.rejects(readArrowFile(`${dir}/junk.arrow`), {
      name: "TypeError",
      message: new RegExp(`readArrowFile: ${dir}/junk\\.arrow is not an Arrow IPC file`),
    });
  });
});

Deno.test("cachedDataset: builds and writes once, then loads the identical data from the file", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/cache/spiral.arrow`;
    let builds = 0;
    const loader = () => {
      builds++;
      return makeSpiral({ pointsPerClass: 20, seed: 7 });
    };
    const first = await cachedDataset(path, loader);
    assert.equal(builds, 1);
    assert.ok((await Deno.stat(path)).isFile);
    const second = await cachedDataset(path, loader);
    assert.equal(builds, 1);
    assert.deepEqual(second, first);
    assert.deepEqual(second.X.data, makeSpiral({ pointsPerClass: 20, seed: 7 }).X.data);
    // float32 caches give the same (rounded) numbers on the first and later calls.
    const f1 = await cachedDataset(`${dir}/f32.arrow`, loader, { dtype: "float32" });
    const f2 = await cachedDataset(`${dir}/f32.arrow`, loader, { dtype: "float32" });
    assert.deepEqual(f1, f2);
    assert.equal(f1.X.data[5], Math.fround(first.X.data[5]));
    assert.equal(builds, 2);
    // An async loader works too; a failing loader writes nothing.
    await cachedDataset(`${dir}/async.arrow`, () => Promise.resolve(first));
    await assert.rejects(
      cachedDataset(`${dir}/fail.arrow`, () => Promise.reject(new Error("boom"))),
      /boom/,
    );
    const names = await Array.fromAsync(Deno.readDir(dir), (e) => e.name);
    assert.deepEqual(names.sort(), [
      "async.arrow",
      "async.arrow.sha256",
      "cache",
      "f32.arrow",
      "f32.arrow.sha256",
    ]);
  });
});

Deno.test("cachedDataset: an empty, truncated, corrupt or unchecked cache is reported by name and rebuilt", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/ds.arrow`;
    const original = awkward(40, 6, 3);
    let builds = 0;
    const loader = () => (builds++, original);
    const messages: string[] = [];
    const load = () => cachedDataset(path, loader, { onRebuild: (m) => messages.push(m) });
    assert.deepEqual(await load(), original);
    assert.deepEqual([builds, messages], [1, []]); // a first build is not a rebuild
    const good = await Deno.readFile(path);
    const sum = await Deno.readTextFile(`${path}.sha256`);
    // Where X[2, 3] is stored: flipping one of its bytes changes a value silently.
    const needle = new Uint8Array(Float64Array.of(original.X.get(2, 3)).buffer);
    const at = good.findIndex((_, i) => needle.every((b, k) => good[i + k] === b));
    assert.ok(at > 0);
    const flipped = good.slice();
    flipped[at + 3] ^= 0x10;
    const unchecked = tableToDataset(tableFromIPC(flipped)); // what a reader without checksum sees
    assert.notEqual(unchecked.X.get(2, 3), original.X.get(2, 3));
    assert.equal(unchecked.X.rows, 40);

    const damage: [string, () => Promise<void>, RegExp][] = [
      ["empty", () => Deno.writeFile(path, new Uint8Array(0)), /is empty \(0 bytes\)/],
      [
        "truncated",
        () => Deno.writeFile(path, good.subarray(0, good.length >> 1)),
        new RegExp(
          `is truncated \\(${good.length >> 1} bytes; an Arrow IPC file ends with "ARROW1"\\)`,
        ),
      ],
      [
        "middle cut out",
        () =>
          Deno.writeFile(path, new Uint8Array([...good.subarray(0, 600), ...good.subarray(-600)])),
        new RegExp(
          `is corrupt: its SHA-256 is [0-9a-f]{64} \\(1200 bytes\\), .*says ${sum.slice(0, 64)}`,
        ),
      ],
      ["flipped byte", () => Deno.writeFile(path, flipped), /is corrupt: its SHA-256 is/],
      [
        "no checksum (an old cache)",
        () => Deno.remove(`${path}.sha256`),
        new RegExp(`has no checksum file ${dir}/ds\\.arrow\\.sha256`),
      ],
      [
        "bad checksum file",
        () => Deno.writeTextFile(`${path}.sha256`, "hello\n"),
        /ds\.arrow\.sha256 does not start with a SHA-256/,
      ],
      [
        "not a dataset",
        () => writeArrowFile(path, seriesToTable({ v: [1] }), { checksum: true }),
        /tableToDataset: the table has no "x" column \(it has: v\)/,
      ],
    ];
    for (const [what, harm, reason] of damage) {
      await harm();
      const before = builds;
      assert.deepEqual(await load(), original, what);
      assert.equal(builds, before + 1, `${what}: rebuilt once`);
      const message = messages.at(-1)!;
      assert.ok(message.startsWith(`cachedDataset: rebuilding the cache ${path}: `), message);
      assert.match(message, reason, what);
      assert.deepEqual(await Deno.readFile(path), good, `${what}: the cache is whole again`);
      assert.equal(await Deno.readTextFile(`${path}.sha256`), sum);
      assert.deepEqual(await load(), original);
      assert.equal(builds, before + 1, `${what}: the rebuilt cache is used`);
    }
    assert.equal(messages.length, damage.length);
    // The checksum file is in sha256sum's format.
    try {
      const check = await new Deno.Command("sha256sum", {
        args: ["-c", "ds.arrow.sha256"],
        cwd: dir,
      })
        .output();
      assert.equal(new TextDecoder().decode(check.stdout), "ds.arrow: OK\n");
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    assert.deepEqual((await list(dir)).sort(), ["ds.arrow", "ds.arrow.sha256"]); // no temp files
  });
});

Deno.test("cachedDataset: file-system errors are thrown, not rebuilt over", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/folder.arrow`);
    let builds = 0;
    await assert.rejects(
      cachedDataset(`${dir}/folder.arrow`, () => (builds++, awkward())),
      (e) => Object.values(Deno.errors).some((type) => e instanceof type),
    );
    assert.equal(builds, 0);
  });
});
