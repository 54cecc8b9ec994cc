/**
 * The IDX format of MNIST and Fashion-MNIST (`train-images-idx3-ubyte.gz`, …), raw or gzipped.
 *
 * An IDX file is a big-endian header — the magic number `0x0000TTNN` (TT = 0x08 for unsigned
 * bytes, NN = number of dimensions), then NN uint32 sizes — followed by the values row-major.
 * Image files are `0x00000803` (N × rows × cols), label files `0x00000801` (N).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeIdx, parseIdx } from "./idx.ts";
 * const bytes = encodeIdx([2, 2, 2], Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7]));
 * assert.equal(bytes[3], 3); // magic 0x00000803: unsigned bytes, 3 dimensions
 * const { dims, data } = parseIdx(bytes);
 * assert.deepEqual([dims, data[7]], [[2, 2, 2], 7]);
 * ```
 * @module
 */
import { Matrix } from "../matrix.ts";
import type { Dataset } from "./dataset.ts";
import { gunzip, isGzip } from "./tar.ts";

/**
 * Magic number of an IDX image file (unsigned bytes, 3 dimensions).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeIdx, IDX_IMAGES_MAGIC, parseIdx } from "./idx.ts";
 * const file = encodeIdx([2, 28, 28], new Uint8Array(2 * 784)); // two 28×28 images
 * assert.equal(parseIdx(file).magic, IDX_IMAGES_MAGIC); // 0x803: unsigned bytes, 3 dimensions
 * ```
 */
export const IDX_IMAGES_MAGIC = 0x00000803;
/**
 * Magic number of an IDX label file (unsigned bytes, 1 dimension).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeIdx, IDX_LABELS_MAGIC, parseIdx } from "./idx.ts";
 * const file = encodeIdx([3], Uint8Array.of(5, 0, 4)); // three labels
 * assert.equal(parseIdx(file, { expectMagic: IDX_LABELS_MAGIC }).magic, 0x801);
 * ```
 */
export const IDX_LABELS_MAGIC = 0x00000801;

/**
 * The ten Fashion-MNIST classes, in label order (pass as `classNames` to `loadIdxDataset`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FASHION_MNIST_CLASS_NAMES } from "./idx.ts";
 * assert.equal(FASHION_MNIST_CLASS_NAMES.length, 10);
 * assert.equal(FASHION_MNIST_CLASS_NAMES[9], "Ankle boot"); // label 9
 * ```
 */
export const FASHION_MNIST_CLASS_NAMES: readonly string[] = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
];

/**
 * A decoded IDX file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeIdx, type IdxArray, parseIdx } from "./idx.ts";
 * const a: IdxArray = parseIdx(encodeIdx([2, 3], Uint8Array.of(1, 2, 3, 4, 5, 6)));
 * assert.deepEqual(a.dims, [2, 3]); // 2 rows of 3 values
 * assert.equal(a.data[1 * 3 + 2], 6); // row-major: entry (1, 2)
 * ```
 */
export interface IdxArray {
  /** The magic number, e.g. 0x00000803. */
  magic: number;
  /** The dimensions, e.g. [60000, 28, 28]. */
  dims: number[];
  /** The values, row-major (the product of `dims` bytes). */
  data: Uint8Array;
}

/**
 * Decodes uncompressed IDX bytes (unsigned-byte type only, which MNIST uses). With `expectMagic`
 * the magic number must equal it. Throws a RangeError naming `name` on a bad magic number (expected
 * vs got, in hex) or when the data size does not match the dimensions.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseIdx } from "./idx.ts";
 * const labels = Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 2, 7, 3]);
 * assert.deepEqual([...parseIdx(labels, { expectMagic: 0x801 }).data], [7, 3]);
 * assert.throws(
 *   () => parseIdx(labels, { name: "l.idx", expectMagic: 0x803 }),
 *   /l\.idx: bad magic number: expected 0x00000803, got 0x00000801/,
 * );
 * ```
 */
export function parseIdx(
  bytes: Uint8Array,
  { name = "IDX data", expectMagic }: { name?: string; expectMagic?: number } = {},
): IdxArray {
  if (bytes.length < 4) {
    throw new RangeError(`${name}: ${bytes.length} bytes is too short for an IDX header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (expectMagic !== undefined && magic !== expectMagic) {
    throw new RangeError(
      `${name}: bad magic number: expected ${hex(expectMagic)}, got ${hex(magic)}`,
    );
  }
  const ndims = magic & 0xff;
  if (magic >>> 8 !== 0x08 || ndims === 0) {
    throw new RangeError(
      `${name}: bad magic number: expected 0x000008NN (unsigned bytes, NN ≥ 1 dimensions), ` +
        `got ${hex(magic)}${isGzip(bytes) ? " (gzip data: use readIdx)" : ""}`,
    );
  }
  const start = 4 + 4 * ndims;
  if (bytes.length < start) {
    throw new RangeError(
      `${name}: the header of ${ndims} dimensions needs ${start} bytes, got ${bytes.length}`,
    );
  }
  const dims = Array.from({ length: ndims }, (_, k) => view.getUint32(4 + 4 * k));
  const need = dims.reduce((a, b) => a * b, 1);
  if (bytes.length - start !== need) {
    throw new RangeError(
      `${name}: dims ${dims.join("×")} need ${need} data bytes, got ${bytes.length - start}`,
    );
  }
  return { magic, dims, data: bytes.slice(start) };
}

/**
 * Reads an IDX file (a path, a file URL, or the bytes themselves), gunzipping it when it starts
 * with the gzip magic 1f 8b, and decodes it with `parseIdx`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeIdx, readIdx } from "./idx.ts";
 * import { gzip } from "./tar.ts";
 * const packed = await gzip(encodeIdx([3], Uint8Array.from([4, 5, 6])));
 * const { dims, data } = await readIdx(packed);
 * assert.deepEqual([dims, [...data]], [[3], [4, 5, 6]]);
 * ```
 */
export async function readIdx(
  source: string | URL | Uint8Array,
  { expectMagic }: { expectMagic?: number } = {},
): Promise<IdxArray> {
  const name = source instanceof Uint8Array ? "IDX data" : String(source);
  let bytes: Uint8Array;
  if (source instanceof Uint8Array) bytes = source;
  else {
    try {
      bytes = await Deno.readFile(source);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
      throw new Deno.errors.NotFound(`readIdx: ${name} is missing`, { cause: e });
    }
  }
  if (isGzip(bytes)) bytes = await gunzip(bytes, name);
  return parseIdx(bytes, { name, expectMagic });
}

/**
 * Loads an IDX image file and its label file as a Dataset: X is N×(rows·cols) with pixels scaled
 * to [0, 1], y the labels. `classNames` defaults to the digits "0" … "9" (use
 * `FASHION_MNIST_CLASS_NAMES` for Fashion-MNIST); every label must index one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeIdx, loadIdxDataset } from "./idx.ts";
 * const images = encodeIdx([2, 1, 2], Uint8Array.from([0, 255, 51, 102]));
 * const labels = encodeIdx([2], Uint8Array.from([7, 1]));
 * const { X, y, classNames } = await loadIdxDataset(images, labels);
 * assert.deepEqual(X.toArray(), [[0, 1], [0.2, 0.4]]);
 * assert.equal(classNames[y[0]], "7");
 * ```
 */
export async function loadIdxDataset(
  images: string | URL | Uint8Array,
  labels: string | URL | Uint8Array,
  { classNames = DIGITS }: { classNames?: readonly string[] } = {},
): Promise<Dataset> {
  const img = await readIdx(images, { expectMagic: IDX_IMAGES_MAGIC });
  const lab = await readIdx(labels, { expectMagic: IDX_LABELS_MAGIC });
  const [n, rows, cols] = img.dims;
  if (lab.dims[0] !== n) {
    throw new RangeError(`loadIdxDataset: ${n} images but ${lab.dims[0]} labels`);
  }
  const X = new Matrix(n, rows * cols);
  for (let i = 0; i < img.data.length; i++) X.data[i] = img.data[i] / 255;
  const y = Int32Array.from(lab.data);
  y.forEach((label, i) => {
    if (label >= classNames.length) {
      throw new RangeError(
        `loadIdxDataset: label ${label} of example ${i} has no class name (${classNames.length} given)`,
      );
    }
  });
  return { X, y, classNames };
}

/**
 * Encodes unsigned bytes as an IDX file with the given dimensions (magic 0x000008NN).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeIdx } from "./idx.ts";
 * assert.deepEqual([...encodeIdx([2], Uint8Array.from([9, 8]))], [0, 0, 8, 1, 0, 0, 0, 2, 9, 8]);
 * ```
 */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array<ArrayBuffer> {
  const need = dims.reduce((a, b) => a * b, 1);
  if (
    dims.length < 1 || dims.length > 255 || !dims.every(Number.isInteger) || need !== data.length
  ) {
    throw new RangeError(
      `encodeIdx: dims ${dims.join("×")} need ${need} bytes, got ${data.length}`,
    );
  }
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x0800 | dims.length);
  dims.forEach((d, k) => view.setUint32(4 + 4 * k, d));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

const DIGITS: readonly string[] = Array.from({ length: 10 }, (_, i) => String(i));

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}
