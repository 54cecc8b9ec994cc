import assert from "node:assert/strict";
import { Matrix } from "../lib/matrix.ts";
import { Rng } from "../lib/random.ts";
import {
  checkCifar10Dir,
  CIFAR10_CLASS_NAMES,
  CIFAR10_DIR,
  CIFAR10_FILES,
  CIFAR10_RECORD_BYTES,
  cifarRowToRgb,
  encodeCifarBatch,
  loadCifar10,
  parseCifarBatch,
  readCifarBatch,
  readCifarMeta,
} from "../lib/data/cifar10.ts";

/** n random images (integer pixels 0 … 255) and labels 0 … 9 from a seed. */
function randomBatch(n: number, seed: number) {
  const rng = new Rng(seed);
  const X = new Matrix(n, 3072, Float64Array.from({ length: n * 3072 }, () => rng.int(0, 256)));
  const y = Int32Array.from({ length: n }, () => rng.int(0, 10));
  return { X, y };
}

/** A cifar-10-batches-bin folder with batch b holding `sizes[b]` images (seed b); test = seed 99. */
async function fakeCifarDir(sizes = [3, 2, 4, 1, 2], testSize = 5) {
  const dir = await Deno.makeTempDir({ prefix: "cifar-test-" });
  await Deno.writeTextFile(`${dir}/batches.meta.txt`, CIFAR10_CLASS_NAMES.join("\n") + "\n\n");
  const batches = sizes.map((n, b) => randomBatch(n, b));
  for (const [b, { X, y }] of batches.entries()) {
    await Deno.writeFile(`${dir}/data_batch_${b + 1}.bin`, encodeCifarBatch(X, y));
  }
  const test = randomBatch(testSize, 99);
  await Deno.writeFile(`${dir}/test_batch.bin`, encodeCifarBatch(test.X, test.y));
  return { dir, batches, test, cleanup: () => Deno.remove(dir, { recursive: true }) };
}

Deno.test("parseCifarBatch: label byte, then R, G, B planes of 32×32, kept channel-planar", () => {
  const bytes = new Uint8Array(2 * CIFAR10_RECORD_BYTES);
  bytes[0] = 6; // frog
  bytes[1 + 0] = 10; // R at (0, 0)
  bytes[1 + 1024 + 32 * 2 + 5] = 20; // G at row 2, column 5
  bytes[1 + 2048 + 1023] = 30; // B at (31, 31)
  bytes[3073] = 9; // second record: truck
  bytes[3073 + 1 + 3071] = 255;
  const { X, y, classNames } = parseCifarBatch(bytes);
  assert.deepEqual(X.shape, [2, 3072]);
  assert.deepEqual([...y], [6, 9]);
  assert.deepEqual([classNames[6], classNames[9]], ["frog", "truck"]);
  const picked = [X.get(0, 0), X.get(0, 1024 + 2 * 32 + 5), X.get(0, 3071), X.get(1, 3071)];
  assert.deepEqual(picked, [10, 20, 30, 255]);
  assert.equal(X.sum(), 10 + 20 + 30 + 255);
});

Deno.test("encodeCifarBatch ↔ parseCifarBatch round-trip exactly; bad values throw", () => {
  const { X, y } = randomBatch(4, 1);
  const bytes = encodeCifarBatch(X, y);
  assert.equal(bytes.length, 4 * 3073);
  const back = parseCifarBatch(bytes);
  assert.deepEqual(back.X.data, X.data);
  assert.deepEqual(back.y, y);
  assert.throws(() => encodeCifarBatch(Matrix.full(1, 3072, 0.5), [0]), /pixel 0.5 in row 0/);
  assert.throws(() => encodeCifarBatch(Matrix.zeros(1, 3072), [256]), /label 256 in row 0/);
  assert.throws(
    () => encodeCifarBatch(Matrix.zeros(2, 10), [0, 1]),
    /encodeCifarBatch: need X \(N×3072\) and N labels, got X \(2×10\) and 2/,
  );
});

Deno.test("parseCifarBatch: truncated records, empty input and labels ≥ 10 name the file", () => {
  assert.throws(
    () => parseCifarBatch(new Uint8Array(5000), { name: "data/data_batch_1.bin" }),
    {
      name: "RangeError",
      message: "data/data_batch_1.bin: 5000 bytes is not a whole number of 3073-byte records",
    },
  );
  assert.throws(() => parseCifarBatch(new Uint8Array(0)), /0 bytes is not a whole number/);
  const bytes = new Uint8Array(3 * 3073);
  bytes[2 * 3073] = 12;
  assert.throws(
    () => parseCifarBatch(bytes, { name: "test_batch.bin" }),
    /test_batch\.bin: record 2 \(byte 6146\) has label 12, expected 0 … 9/,
  );
  assert.throws(
    () => parseCifarBatch(bytes.subarray(0, 3073).fill(3, 0, 1), { classNames: ["a", "b"] }),
    /has label 3, expected 0 … 1/,
  );
});

Deno.test("readCifarBatch / readCifarMeta: read files, missing files throw NotFound", async () => {
  const { dir, batches, cleanup } = await fakeCifarDir();
  try {
    const b2 = await readCifarBatch(`${dir}/data_batch_2.bin`);
    assert.deepEqual(b2.X.data, batches[1].X.data);
    assert.deepEqual(b2.y, batches[1].y);
    assert.deepEqual(b2.classNames, CIFAR10_CLASS_NAMES);
    assert.deepEqual(await readCifarMeta(`${dir}/batches.meta.txt`), CIFAR10_CLASS_NAMES);
    await assert.rejects(readCifarBatch(`${dir}/data_batch_9.bin`), {
      name: "NotFound",
      message: `readCifarBatch: ${dir}/data_batch_9.bin is missing`,
    });
    await Deno.writeFile(`${dir}/cut.bin`, new Uint8Array(5000));
    await assert.rejects(
      readCifarBatch(`${dir}/cut.bin`),
      new RegExp(`${dir}/cut\\.bin: 5000 bytes is not a whole number of 3073-byte records`),
    );
    await Deno.writeTextFile(`${dir}/short.txt`, "cat\ndog\r\n");
    await assert.rejects(
      readCifarMeta(`${dir}/short.txt`),
      /short\.txt: expected 10 class names \(one per line\), got 2/,
    );
  } finally {
    await cleanup();
  }
});

Deno.test("loadCifar10: stacks the training batches in order and reads the test batch", async () => {
  const { dir, batches, test, cleanup } = await fakeCifarDir();
  try {
    const d = await loadCifar10(dir);
    assert.deepEqual(d.XTrain.shape, [12, 3072]);
    assert.deepEqual(d.XTest.shape, [5, 3072]);
    const expectedX = batches.flatMap(({ X }) => [...X.data]);
    assert.deepEqual(d.XTrain.data, Float64Array.from(expectedX));
    assert.deepEqual(d.yTrain, Int32Array.from(batches.flatMap(({ y }) => [...y])));
    assert.deepEqual(d.XTest.data, test.X.data);
    assert.deepEqual(d.yTest, test.y);
    assert.deepEqual(d.classNames, CIFAR10_CLASS_NAMES);
    assert.ok(d.XTrain.min() >= 0 && d.XTrain.max() <= 255);
    const two = await loadCifar10(dir, { numBatches: 2 });
    assert.equal(two.XTrain.rows, 5);
    assert.deepEqual(two.XTrain.sliceRows(3).data, batches[1].X.data);
    assert.equal(two.XTest.rows, 5);
  } finally {
    await cleanup();
  }
});

Deno.test("loadCifar10: missing files, bad batches and bad numBatches give clear errors", async () => {
  await assert.rejects(loadCifar10("/no/such/cifar"), {
    name: "NotFound",
    message:
      "loadCifar10: /no/such/cifar/batches.meta.txt is missing (get CIFAR-10 with `deno task data:cifar10`)",
  });
  const { dir, cleanup } = await fakeCifarDir();
  try {
    await assert.rejects(loadCifar10(dir, { numBatches: 0 }), /numBatches must be 1 … 5, got 0/);
    await assert.rejects(loadCifar10(dir, { numBatches: 6 }), /numBatches must be 1 … 5, got 6/);
    await Deno.remove(`${dir}/test_batch.bin`);
    await assert.rejects(loadCifar10(dir), /test_batch\.bin is missing \(get CIFAR-10 with/);
    await Deno.writeFile(`${dir}/data_batch_3.bin`, new Uint8Array(3073 + 7));
    await assert.rejects(
      loadCifar10(dir),
      /data_batch_3\.bin: 3080 bytes is not a whole number of 3073-byte records/,
    );
  } finally {
    await cleanup();
  }
});

Deno.test("checkCifar10Dir: lists missing and malformed files, empty when complete", async () => {
  const { dir, cleanup } = await fakeCifarDir();
  try {
    assert.deepEqual(await checkCifar10Dir(dir), []);
    await Deno.remove(`${dir}/data_batch_4.bin`);
    await Deno.writeFile(`${dir}/test_batch.bin`, new Uint8Array(5000));
    assert.deepEqual(await checkCifar10Dir(dir), [
      `${dir}/data_batch_4.bin is missing`,
      `${dir}/test_batch.bin: 5000 bytes is not a whole number of 3073-byte records`,
    ]);
    assert.equal(CIFAR10_FILES.length, 7);
    assert.ok(CIFAR10_DIR.endsWith("/data/cifar-10-batches-bin"));
  } finally {
    await cleanup();
  }
});

Deno.test("cifarRowToRgb: planar row → interleaved r, g, b per pixel, clamped bytes", () => {
  const row = new Float64Array(3072);
  for (let p = 0; p < 1024; p++) {
    row[p] = p % 256; // R
    row[1024 + p] = 100; // G
    row[2048 + p] = 255 - (p % 256); // B
  }
  row[5] = -4; // clamps to 0
  row[1024 + 5] = 99.6; // rounds to 100
  const rgb = cifarRowToRgb(row);
  assert.ok(rgb instanceof Uint8ClampedArray);
  assert.equal(rgb.length, 3072);
  assert.deepEqual([...rgb.subarray(0, 9)], [0, 100, 255, 1, 100, 254, 2, 100, 253]);
  assert.deepEqual([...rgb.subarray(15, 18)], [0, 100, 250]);
  assert.deepEqual([...rgb.subarray(3 * 1023)], [255, 100, 0]);
  assert.throws(
    () => cifarRowToRgb(new Float64Array(784)),
    /a CIFAR-10 row has 3072 values, got 784/,
  );
});
