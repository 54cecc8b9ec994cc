import assert from "node:assert/strict";
import {
  encodeIdx,
  FASHION_MNIST_CLASS_NAMES,
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  loadIdxDataset,
  parseIdx,
  readIdx,
} from "../lib/data/idx.ts";
import { gzip } from "../lib/data/tar.ts";

/** 3 images of 2×2 pixels with known bytes, and their labels. */
const PIXELS = Uint8Array.from([0, 255, 51, 102, 1, 2, 3, 4, 255, 255, 0, 0]);
const LABELS = Uint8Array.from([7, 0, 9]);

/** Writes `bytes` to `name` in a fresh temp dir; returns the path and a cleanup. */
async function tempFile(name: string, bytes: Uint8Array) {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/${name}`;
  await Deno.writeFile(path, bytes);
  return { path, dir, cleanup: () => Deno.remove(dir, { recursive: true }) };
}

Deno.test("encodeIdx: big-endian header 0x00000803 and dims, then the bytes", () => {
  const bytes = encodeIdx([3, 2, 2], PIXELS);
  assert.deepEqual([...bytes.subarray(0, 16)], [0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2]);
  assert.deepEqual(bytes.subarray(16), PIXELS);
  const big = encodeIdx([60000], new Uint8Array(60000));
  assert.deepEqual([...big.subarray(4, 8)], [0x00, 0x00, 0xea, 0x60]); // 60000 = 0xea60
  assert.throws(() => encodeIdx([2, 2], PIXELS), /encodeIdx: dims 2×2 need 4 bytes, got 12/);
});

Deno.test("parseIdx: dims, magic and data round-trip", () => {
  const images = parseIdx(encodeIdx([3, 2, 2], PIXELS));
  assert.equal(images.magic, IDX_IMAGES_MAGIC);
  assert.deepEqual(images.dims, [3, 2, 2]);
  assert.deepEqual(images.data, PIXELS);
  const labels = parseIdx(encodeIdx([3], LABELS), { expectMagic: IDX_LABELS_MAGIC });
  assert.deepEqual([labels.magic, labels.dims, [...labels.data]], [0x801, [3], [7, 0, 9]]);
  // Dims of 60000×28×28 decode from their big-endian bytes.
  const header = Uint8Array.from([0, 0, 8, 3, 0, 0, 0xea, 0x60, 0, 0, 0, 28, 0, 0, 0, 28]);
  assert.throws(() => parseIdx(header), /dims 60000×28×28 need 47040000 data bytes, got 0/);
});

Deno.test("parseIdx: bad magic numbers show expected vs got in hex", () => {
  const labels = encodeIdx([3], LABELS);
  assert.throws(
    () => parseIdx(labels, { name: "t10k-images", expectMagic: IDX_IMAGES_MAGIC }),
    {
      name: "RangeError",
      message: "t10k-images: bad magic number: expected 0x00000803, got 0x00000801",
    },
  );
  const floats = Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 0]); // IDX of float32: not supported
  assert.throws(
    () => parseIdx(floats),
    /IDX data: bad magic number: expected 0x000008NN .* got 0x00000d01/,
  );
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]);
  assert.throws(() => parseIdx(png), /got 0x89504e47/);
  assert.throws(() => parseIdx(Uint8Array.from([0, 0, 8, 0])), /got 0x00000800/); // 0 dims
  assert.throws(() => parseIdx(Uint8Array.from([0, 0])), /2 bytes is too short for an IDX header/);
});

Deno.test("parseIdx: size mismatches say dims vs bytes", () => {
  const full = encodeIdx([3, 2, 2], PIXELS);
  assert.throws(
    () => parseIdx(full.subarray(0, full.length - 1), { name: "cut.idx" }),
    { name: "RangeError", message: "cut.idx: dims 3×2×2 need 12 data bytes, got 11" },
  );
  const extra = new Uint8Array(full.length + 2);
  extra.set(full);
  assert.throws(() => parseIdx(extra), /dims 3×2×2 need 12 data bytes, got 14/);
  assert.throws(
    () => parseIdx(full.subarray(0, 10)),
    /the header of 3 dimensions needs 16 bytes, got 10/,
  );
});

Deno.test("readIdx: reads raw and gzipped files (gzip detected by 1f 8b) and bytes", async () => {
  const raw = encodeIdx([3, 2, 2], PIXELS);
  const gz = await gzip(raw);
  assert.deepEqual([gz[0], gz[1]], [0x1f, 0x8b]);
  const a = await tempFile("images-idx3-ubyte", raw);
  const b = await tempFile("images-idx3-ubyte.gz", gz);
  try {
    for (const source of [a.path, b.path, new URL(`file://${b.path}`), raw, gz]) {
      const { dims, data } = await readIdx(source);
      assert.deepEqual(dims, [3, 2, 2]);
      assert.deepEqual(data, PIXELS);
    }
    await assert.rejects(
      readIdx(b.path, { expectMagic: IDX_LABELS_MAGIC }),
      new RegExp(`${b.path}: bad magic number: expected 0x00000801, got 0x00000803`),
    );
  } finally {
    await a.cleanup();
    await b.cleanup();
  }
});

Deno.test("readIdx: a missing file, a truncated .gz, and gzip passed to parseIdx fail clearly", async () => {
  await assert.rejects(readIdx("/no/such/train-images.gz"), {
    name: "NotFound",
    message: "readIdx: /no/such/train-images.gz is missing",
  });
  const gz = await gzip(encodeIdx([3, 2, 2], PIXELS));
  const cut = await tempFile("cut.gz", gz.subarray(0, gz.length - 6));
  try {
    await assert.rejects(readIdx(cut.path), /cut\.gz: truncated or corrupt gzip data/);
  } finally {
    await cut.cleanup();
  }
  assert.throws(() => parseIdx(gz), /got 0x1f8b\w{4} \(gzip data: use readIdx\)/);
});

Deno.test("loadIdxDataset: X = pixels / 255 as N×(rows·cols), labels, class names", async () => {
  const images = await tempFile("imgs.gz", await gzip(encodeIdx([3, 2, 2], PIXELS)));
  const labels = await tempFile("labels", encodeIdx([3], LABELS));
  try {
    const { X, y, classNames } = await loadIdxDataset(images.path, labels.path);
    assert.deepEqual(X.shape, [3, 4]);
    assert.deepEqual(X.toArray()[0], [0, 1, 0.2, 0.4]);
    assert.deepEqual(X.toArray()[1], [1 / 255, 2 / 255, 3 / 255, 4 / 255]);
    assert.ok(X.data.every((v) => v >= 0 && v <= 1));
    assert.deepEqual(y, Int32Array.from([7, 0, 9]));
    assert.equal(classNames[y[2]], "9");
    const fashion = await loadIdxDataset(images.path, labels.path, {
      classNames: FASHION_MNIST_CLASS_NAMES,
    });
    assert.deepEqual(fashion.y, y);
    assert.equal(fashion.classNames[fashion.y[0]], "Sneaker");
    assert.equal(fashion.classNames[9], "Ankle boot");
  } finally {
    await images.cleanup();
    await labels.cleanup();
  }
});

Deno.test("loadIdxDataset: swapped files, count mismatches and unnamed labels throw", async () => {
  const images = encodeIdx([3, 2, 2], PIXELS), labels = encodeIdx([3], LABELS);
  await assert.rejects(
    loadIdxDataset(labels, images),
    /IDX data: bad magic number: expected 0x00000803, got 0x00000801/,
  );
  await assert.rejects(
    loadIdxDataset(images, encodeIdx([2], LABELS.subarray(0, 2))),
    /loadIdxDataset: 3 images but 2 labels/,
  );
  await assert.rejects(
    loadIdxDataset(images, labels, { classNames: ["a", "b"] }),
    /loadIdxDataset: label 7 of example 0 has no class name \(2 given\)/,
  );
});
