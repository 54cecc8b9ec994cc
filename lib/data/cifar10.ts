/**
 * CIFAR-10 (Krizhevsky, 2009): 60,000 32×32 colour images in 10 classes, read from the official
 * binary version (`deno task data:cifar10` downloads it into `data/cifar-10-batches-bin/`).
 *
 * Each batch file (`data_batch_1.bin` … `data_batch_5.bin`, `test_batch.bin`, 10,000 images each)
 * is a sequence of 3073-byte records: 1 label byte, then 3072 pixel bytes — the 1024 red values,
 * then the 1024 green, then the 1024 blue, each plane row-major 32×32. Rows of `X` keep exactly
 * this **channel-planar** order (pixel (r, c) of channel ch is column ch·1024 + r·32 + c), as float64
 * values 0 … 255 like CS231n's `load_CIFAR10` (the full training set is 50000×3072 float64,
 * about 1.2 GB). `cifarRowToRgb` converts a row to interleaved RGB for display.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCifarBatch } from "./cifar10.ts";
 * const record = new Uint8Array(3073);
 * record[0] = 3; // label: cat
 * record[1] = 255; // red of the top-left pixel
 * const { X, y, classNames } = parseCifarBatch(record);
 * assert.deepEqual([X.rows, X.cols, X.get(0, 0), X.get(0, 1024)], [1, 3072, 255, 0]);
 * assert.equal(classNames[y[0]], "cat");
 * ```
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Matrix, shapeOf } from "../matrix.ts";
import type { Dataset } from "./dataset.ts";
import {
  type DownloadOptions,
  downloadVerified,
  removeIfExists,
  removeOnSignal,
  removeStaleTemps,
} from "./download.ts";
import { extractTar } from "./tar.ts";

/**
 * The official binary archive.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CIFAR10_URL } from "./cifar10.ts";
 * assert(CIFAR10_URL.startsWith("https://") && CIFAR10_URL.endsWith("/cifar-10-binary.tar.gz"));
 * ```
 */
export const CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
/**
 * MD5 of `cifar-10-binary.tar.gz`, as published on the CIFAR-10 page.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CIFAR10_MD5 } from "./cifar10.ts";
 * assert.match(CIFAR10_MD5, /^[0-9a-f]{32}$/); // what md5File of the archive must return
 * ```
 */
export const CIFAR10_MD5 = "c32a1d4ab5d03f1284b67883e8d87530";
/**
 * The folder the archive unpacks to.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CIFAR10_ARCHIVE_DIR, CIFAR10_DIR } from "./cifar10.ts";
 * assert.equal(CIFAR10_ARCHIVE_DIR, "cifar-10-batches-bin");
 * assert(CIFAR10_DIR.endsWith(CIFAR10_ARCHIVE_DIR));
 * ```
 */
export const CIFAR10_ARCHIVE_DIR = "cifar-10-batches-bin";
/**
 * Default location of the batches: `data/cifar-10-batches-bin` at the root of this repository
 * (found from this module's URL, so notebooks in any folder find it), or relative to the working
 * directory when the library is not loaded from a file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { CIFAR10_DIR } from "./cifar10.ts";
 * assert.equal(CIFAR10_DIR, join(import.meta.dirname!, "../../data/cifar-10-batches-bin"));
 * ```
 */
export const CIFAR10_DIR: string = import.meta.url.startsWith("file:")
  ? fileURLToPath(new URL(`../../data/${CIFAR10_ARCHIVE_DIR}`, import.meta.url))
  : `data/${CIFAR10_ARCHIVE_DIR}`;
/**
 * Side of a CIFAR-10 image in pixels.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CIFAR10_SIDE } from "./cifar10.ts";
 * assert.equal(3 * CIFAR10_SIDE * CIFAR10_SIDE, 3072); // D, the columns of X
 * ```
 */
export const CIFAR10_SIDE = 32;
/**
 * Bytes of one record: a label byte and 3 × 32 × 32 pixel bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CIFAR10_RECORD_BYTES, parseCifarBatch } from "./cifar10.ts";
 * assert.equal(CIFAR10_RECORD_BYTES, 1 + 3072); // label byte + pixels
 * const { X } = parseCifarBatch(new Uint8Array(2 * CIFAR10_RECORD_BYTES)); // two records
 * assert.deepEqual(X.shape, [2, 3072]);
 * ```
 */
export const CIFAR10_RECORD_BYTES = 3073;
/**
 * The ten classes, in label order (the contents of `batches.meta.txt`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CIFAR10_CLASS_NAMES } from "./cifar10.ts";
 * assert.equal(CIFAR10_CLASS_NAMES.length, 10);
 * assert.equal(CIFAR10_CLASS_NAMES[3], "cat"); // label 3
 * ```
 */
export const CIFAR10_CLASS_NAMES: readonly string[] =
  "airplane automobile bird cat deer dog frog horse ship truck".split(" ");
/**
 * The files a complete `cifar-10-batches-bin/` holds (the archive also has a readme.html).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CIFAR10_FILES } from "./cifar10.ts";
 * assert.equal(CIFAR10_FILES.length, 7); // meta, 5 training batches, 1 test batch
 * assert(CIFAR10_FILES.includes("data_batch_5.bin") && CIFAR10_FILES.includes("test_batch.bin"));
 * ```
 */
export const CIFAR10_FILES: readonly string[] = [
  "batches.meta.txt",
  ...[1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`),
  "test_batch.bin",
];

const PIXELS = CIFAR10_RECORD_BYTES - 1;
/** Name prefix of the temporary folder `downloadCifar10` works in. */
const WORK_PREFIX = ".cifar-10-download-";
const PLANE = CIFAR10_SIDE * CIFAR10_SIDE;

/**
 * Training and test sets, as `loadCifar10` returns them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type Cifar10, parseCifarBatch } from "./cifar10.ts";
 * const { X, y, classNames } = parseCifarBatch(new Uint8Array(2 * 3073)); // 2 black airplanes
 * const data: Cifar10 = { XTrain: X, yTrain: y, XTest: X, yTest: y, classNames };
 * assert.deepEqual(data.XTrain.shape, [2, 3072]); // N_train×3072
 * assert.equal(data.classNames[data.yTest[0]], "airplane");
 * ```
 */
export interface Cifar10 {
  /** Training images, N_train×3072 (the 32×32×3 pixels of each image in one row). */
  XTrain: Matrix;
  /** Training labels 0–9, length N_train. */
  yTrain: Int32Array;
  /** Test images, N_test×3072. */
  XTest: Matrix;
  /** Test labels 0–9, length N_test. */
  yTest: Int32Array;
  /** The ten class names, indexed by label ("airplane", "automobile", …). */
  classNames: readonly string[];
}

/**
 * Decodes the bytes of one batch file into `{ X: N×3072 (0 … 255, channel-planar), y,
 * classNames }`. `name` (the file, in errors) and `classNames` are optional. Throws a RangeError
 * when the size is not a whole number of records or a label is not a class index.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCifarBatch } from "./cifar10.ts";
 * assert.throws(
 *   () => parseCifarBatch(new Uint8Array(5000), { name: "b.bin" }),
 *   /b\.bin: 5000 bytes is not a whole number of 3073-byte records/,
 * );
 * ```
 */
export function parseCifarBatch(
  bytes: Uint8Array,
  { name = "CIFAR-10 batch", classNames = CIFAR10_CLASS_NAMES }: {
    name?: string;
    classNames?: readonly string[];
  } = {},
): Dataset {
  const n = countRecords(bytes, name);
  const X = new Matrix(n, PIXELS);
  const y = new Int32Array(n);
  decodeInto(bytes, name, classNames.length, X.data, y, 0);
  return { X, y, classNames };
}

/**
 * Encodes examples as a batch file (the inverse of `parseCifarBatch`), e.g. to write a subset or a
 * test fixture. Values must be integers 0 … 255 and labels 0 … 255.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { encodeCifarBatch, parseCifarBatch } from "./cifar10.ts";
 * const X = Matrix.full(2, 3072, 7);
 * const back = parseCifarBatch(encodeCifarBatch(X, Int32Array.from([1, 9])));
 * assert.deepEqual([...back.y], [1, 9]);
 * assert.equal(back.X.maxAbsDiff(X), 0);
 * ```
 */
export function encodeCifarBatch(X: Matrix, y: ArrayLike<number>): Uint8Array<ArrayBuffer> {
  if (X.cols !== PIXELS || y.length !== X.rows) {
    throw new RangeError(
      `encodeCifarBatch: need X (N×${PIXELS}) and N labels, got X ${shapeOf(X)} and ${y.length}`,
    );
  }
  const out = new Uint8Array(X.rows * CIFAR10_RECORD_BYTES);
  for (let i = 0; i < X.rows; i++) {
    const at = i * CIFAR10_RECORD_BYTES;
    out[at] = checkByte("label", y[i], i);
    for (let j = 0; j < PIXELS; j++) {
      out[at + 1 + j] = checkByte("pixel", X.data[i * PIXELS + j], i);
    }
  }
  return out;
}

/**
 * Reads one batch file (e.g. `data_batch_1.bin`) as a Dataset. Errors name the file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeCifarBatch, readCifarBatch } from "./cifar10.ts";
 * import { Matrix } from "../matrix.ts";
 * const path = await Deno.makeTempFile({ suffix: ".bin" });
 * await Deno.writeFile(path, encodeCifarBatch(Matrix.zeros(3, 3072), [0, 1, 2]));
 * const { X, y } = await readCifarBatch(path);
 * assert.deepEqual([X.rows, y[2]], [3, 2]);
 * await Deno.remove(path);
 * ```
 */
export async function readCifarBatch(
  path: string,
  { classNames = CIFAR10_CLASS_NAMES }: { classNames?: readonly string[] } = {},
): Promise<Dataset> {
  return parseCifarBatch(await readBytes(path, "readCifarBatch"), { name: path, classNames });
}

/**
 * Reads `batches.meta.txt`: the class names one per line (blank lines ignored; there must be 10).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CIFAR10_CLASS_NAMES, readCifarMeta } from "./cifar10.ts";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, CIFAR10_CLASS_NAMES.join("\n") + "\n\n");
 * assert.deepEqual(await readCifarMeta(path), CIFAR10_CLASS_NAMES);
 * await Deno.remove(path);
 * ```
 */
export async function readCifarMeta(path: string): Promise<string[]> {
  const text = new TextDecoder().decode(await readBytes(path, "readCifarMeta"));
  const names = text.split(/\r?\n/).map((s) => s.trim()).filter((s) => s !== "");
  if (names.length !== CIFAR10_CLASS_NAMES.length) {
    throw new RangeError(`${path}: expected 10 class names (one per line), got ${names.length}`);
  }
  return names;
}

/**
 * Loads CIFAR-10 like CS231n's `load_CIFAR10`: the first `numBatches` (default all 5) training
 * batches stacked into XTrain, `test_batch.bin` as XTest, class names from `batches.meta.txt`.
 * A missing file throws `Deno.errors.NotFound` saying how to download the data.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadCifar10 } from "./cifar10.ts";
 * await assert.rejects(loadCifar10("/no/such/dir"), /batches\.meta\.txt is missing/);
 * ```
 */
export async function loadCifar10(
  dir: string = CIFAR10_DIR,
  { numBatches = 5 }: { numBatches?: number } = {},
): Promise<Cifar10> {
  if (!Number.isInteger(numBatches) || numBatches < 1 || numBatches > 5) {
    throw new RangeError(`loadCifar10: numBatches must be 1 … 5, got ${numBatches}`);
  }
  const hint = " (get CIFAR-10 with `deno task data:cifar10`)";
  const metaPath = join(dir, "batches.meta.txt");
  await readBytes(metaPath, "loadCifar10", hint); // a clear error when the folder is empty
  const classNames = await readCifarMeta(metaPath);
  const read = async (file: string) => {
    const path = join(dir, file);
    return { path, bytes: await readBytes(path, "loadCifar10", hint) };
  };
  const train = [];
  for (let i = 1; i <= numBatches; i++) train.push(await read(`data_batch_${i}.bin`));
  const [XTrain, yTrain] = stackBatches(train, classNames);
  const [XTest, yTest] = stackBatches([await read("test_batch.bin")], classNames);
  return { XTrain, yTrain, XTest, yTest, classNames };
}

/**
 * A channel-planar row (R plane, G plane, B plane) as interleaved RGB bytes (r, g, b of pixel 0,
 * then pixel 1, …), ready for an image: values are rounded and clamped to 0 … 255.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cifarRowToRgb } from "./cifar10.ts";
 * const row = new Float64Array(3072);
 * row[0] = 10; // R of pixel 0
 * row[1024 + 1] = 20; // G of pixel 1
 * row[2048] = 300; // B of pixel 0, clamped
 * assert.deepEqual([...cifarRowToRgb(row).subarray(0, 6)], [10, 0, 255, 0, 20, 0]);
 * ```
 */
export function cifarRowToRgb(row: ArrayLike<number>): Uint8ClampedArray {
  if (row.length !== PIXELS) {
    throw new RangeError(`cifarRowToRgb: a CIFAR-10 row has ${PIXELS} values, got ${row.length}`);
  }
  const rgb = new Uint8ClampedArray(PIXELS);
  for (let p = 0; p < PLANE; p++) {
    for (let ch = 0; ch < 3; ch++) rgb[3 * p + ch] = row[ch * PLANE + p];
  }
  return rgb;
}

/**
 * What is wrong with a `cifar-10-batches-bin/` folder: one message per missing or malformed file,
 * an empty list when it is complete.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkCifar10Dir } from "./cifar10.ts";
 * const problems = await checkCifar10Dir("/no/such/dir");
 * assert.equal(problems.length, 7);
 * assert.match(problems[0], /batches\.meta\.txt is missing/);
 * ```
 */
export async function checkCifar10Dir(dir: string): Promise<string[]> {
  const problems: string[] = [];
  for (const file of CIFAR10_FILES) {
    const path = join(dir, file);
    try {
      const { size, isFile } = await Deno.stat(path);
      if (!isFile) problems.push(`${path} is not a file`);
      else if (file.endsWith(".bin") && (size === 0 || size % CIFAR10_RECORD_BYTES !== 0)) {
        problems.push(`${path}: ${size} bytes is not a whole number of 3073-byte records`);
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
      problems.push(`${path} is missing`);
    }
  }
  return problems;
}

/**
 * Options of `downloadCifar10`: where from and to, the expected MD5, and the progress callback,
 * abort signal and timeouts of `downloadFile` (`connectTimeoutMs`, `idleTimeoutMs`,
 * `minBytesPerSecond`).
 *
 * @example
 * ```ts
 * import type { DownloadCifar10Options } from "./cifar10.ts";
 * const options: DownloadCifar10Options = { outDir: "/tmp/cifar-10-batches-bin", idleTimeoutMs: 120_000 };
 * ```
 */
export interface DownloadCifar10Options extends DownloadOptions {
  /** Archive URL (default `CIFAR10_URL`). */
  url?: string;
  /** Where the batch files go (default `CIFAR10_DIR`). */
  outDir?: string;
  /** Expected MD5 of the archive (default `CIFAR10_MD5`). */
  md5?: string;
}

/**
 * Downloads and unpacks CIFAR-10 into `outDir`, safely: the archive goes to a temporary folder
 * `.cifar-10-download-<pid>-<random>` next to `outDir`, its MD5 is checked before anything is
 * extracted, the batches are unpacked and checked there, and only then renamed to `outDir`. The
 * temporary folder is removed on success, on every failure (timeouts included: see
 * `DownloadOptions`) and on SIGINT / SIGTERM; such folders left by a killed run are removed by the
 * next call (see `removeStaleTemps`). Does nothing when `outDir` is already complete
 * (`downloaded: false`); refuses to touch an incomplete existing `outDir`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { downloadCifar10 } from "./cifar10.ts";
 * const dir = await Deno.makeTempDir();
 * await assert.rejects(
 *   downloadCifar10({ url: "data:text/plain,nope", outDir: `${dir}/cifar` }),
 *   /MD5 checksum mismatch .* expected c32a1d4ab5d03f1284b67883e8d87530, got/,
 * );
 * assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), []); // nothing left behind
 * await Deno.remove(dir);
 * ```
 */
export async function downloadCifar10(
  { url = CIFAR10_URL, outDir = CIFAR10_DIR, md5 = CIFAR10_MD5, ...options }:
    DownloadCifar10Options = {},
): Promise<{ dir: string; downloaded: boolean; bytes: number }> {
  const parent = join(outDir, "..");
  await removeStaleTemps(parent, WORK_PREFIX);
  const problems = await checkCifar10Dir(outDir);
  if (problems.length === 0) return { dir: outDir, downloaded: false, bytes: 0 };
  if (await exists(outDir)) {
    throw new Error(
      `downloadCifar10: ${outDir} exists but is incomplete (${problems.join("; ")}); ` +
        `remove it and run again`,
    );
  }
  await Deno.mkdir(parent, { recursive: true });
  const work = await Deno.makeTempDir({ dir: parent, prefix: `${WORK_PREFIX}${Deno.pid}-` });
  using _guard = removeOnSignal(work);
  try {
    const archive = join(work, "cifar-10-binary.tar.gz");
    const { bytes } = await downloadVerified(url, archive, { md5, ...options });
    const unpacked = join(work, "unpacked");
    using file = await Deno.open(archive);
    await extractTar(file.readable, unpacked, { gzip: true, name: archive });
    const src = join(unpacked, CIFAR10_ARCHIVE_DIR);
    const bad = await checkCifar10Dir(src);
    if (bad.length > 0) {
      throw new Error(`downloadCifar10: the archive from ${url} is incomplete: ${bad.join("; ")}`);
    }
    await Deno.rename(src, outDir);
    return { dir: outDir, downloaded: true, bytes };
  } finally {
    await removeIfExists(work);
  }
}

// ---- helpers ----------------------------------------------------------------------------------

function countRecords(bytes: Uint8Array, name: string): number {
  if (bytes.length === 0 || bytes.length % CIFAR10_RECORD_BYTES !== 0) {
    throw new RangeError(
      `${name}: ${bytes.length} bytes is not a whole number of ${CIFAR10_RECORD_BYTES}-byte records`,
    );
  }
  return bytes.length / CIFAR10_RECORD_BYTES;
}

/** Decodes the records of `bytes` into rows row0, row0+1, … of X (N×3072) and y. */
function decodeInto(
  bytes: Uint8Array,
  name: string,
  numClasses: number,
  X: Float64Array,
  y: Int32Array,
  row0: number,
): void {
  const n = bytes.length / CIFAR10_RECORD_BYTES;
  for (let i = 0; i < n; i++) {
    const at = i * CIFAR10_RECORD_BYTES;
    const label = bytes[at];
    if (label >= numClasses) {
      throw new RangeError(
        `${name}: record ${i} (byte ${at}) has label ${label}, expected 0 … ${numClasses - 1}`,
      );
    }
    y[row0 + i] = label;
    X.set(bytes.subarray(at + 1, at + CIFAR10_RECORD_BYTES), (row0 + i) * PIXELS);
  }
}

function stackBatches(
  batches: readonly { path: string; bytes: Uint8Array }[],
  classNames: readonly string[],
): [Matrix, Int32Array] {
  const counts = batches.map(({ path, bytes }) => countRecords(bytes, path));
  const n = counts.reduce((a, b) => a + b, 0);
  const X = new Matrix(n, PIXELS);
  const y = new Int32Array(n);
  let row = 0;
  batches.forEach(({ path, bytes }, b) => {
    decodeInto(bytes, path, classNames.length, X.data, y, row);
    row += counts[b];
  });
  return [X, y];
}

function checkByte(what: string, v: number, row: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 255) {
    throw new RangeError(`encodeCifarBatch: ${what} ${v} in row ${row} is not an integer 0 … 255`);
  }
  return v;
}

async function readBytes(path: string, op: string, hint = ""): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Deno.errors.NotFound(`${op}: ${path} is missing${hint}`, { cause: e });
    }
    throw e;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}
