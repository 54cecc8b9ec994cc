/**
 * Apache Arrow tables for datasets and result series: convert a Dataset to a table and back,
 * save tables as Arrow IPC files (readable from pandas / polars / DuckDB), and cache a slow
 * dataset conversion in `data/` as an `.arrow` file with a `.arrow.sha256` checksum beside it (a
 * damaged cache is rebuilt, not read as wrong values).
 *
 * A dataset table has two columns: `x`, a FixedSizeList of D pixel values per example (stored as
 * one contiguous buffer, so conversion is a single copy), and `label` (Int32). The class names
 * travel in the schema metadata under `classNames` (a JSON array).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { datasetToTable, tableToDataset } from "./arrow.ts";
 * const ds = { X: Matrix.fromArray([[0.5, 1], [2, 3]]), y: Int32Array.from([1, 0]), classNames: ["a", "b"] };
 * const table = datasetToTable(ds);
 * assert.deepEqual(table.schema.fields.map((f) => f.name), ["x", "label"]);
 * assert.deepEqual(tableToDataset(table), ds);
 * ```
 * (Over ~400 lines on purpose: the Arrow IPC reader, writer and the checksummed cache belong
 * together, and splitting them would need a new public module.)
 *
 * @module
 */
import {
  type DataType,
  Field,
  FixedSizeList,
  Int32,
  makeData,
  makeVector,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableFromIPC,
  tableToIPC,
  Type,
  Utf8,
  type Vector,
  vectorFromArray,
} from "apache-arrow";
import { createHash } from "node:crypto";
import { basename, dirname } from "node:path";
import { Matrix } from "../matrix.ts";
import type { Dataset } from "./dataset.ts";
import { checkLabels } from "./labels.ts";

/**
 * How `datasetToTable` stores pixel values: "float64" (exact, the default), "float32" (half the
 * size, rounded), or "uint8" (an eighth; exact for integer values 0 … 255 such as raw CIFAR-10
 * pixels, which it checks).
 */
export type PixelType = "float64" | "float32" | "uint8";

/** A column of a result series. */
export type SeriesColumn = number[] | Float64Array | Int32Array | string[];

/**
 * A Dataset as an Arrow table with columns `x` (FixedSizeList of `X.cols` values) and `label`
 * (Int32), and `classNames` in the schema metadata. With the default "float64" the table shares
 * `X.data` (no copy).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { datasetToTable } from "./arrow.ts";
 * const t = datasetToTable({ X: Matrix.full(3, 4, 255), y: new Int32Array(3), classNames: ["c"] }, {
 *   dtype: "uint8",
 * });
 * assert.deepEqual([t.numRows, String(t.schema.fields[0].type)], [3, "FixedSizeList[4]<Uint8>"]);
 * ```
 */
export function datasetToTable(
  { X, y, classNames }: Dataset,
  { dtype = "float64" }: { dtype?: PixelType } = {},
): Table {
  checkLabels("datasetToTable", X, y);
  let values: Float64Array | Float32Array | Uint8Array = X.data;
  if (dtype === "float32") values = Float32Array.from(X.data);
  else if (dtype === "uint8") {
    const bad = X.data.findIndex((v) => !(Number.isInteger(v) && v >= 0 && v <= 255));
    if (bad >= 0) {
      const [i, j] = [Math.floor(bad / X.cols), bad % X.cols];
      throw new RangeError(
        `datasetToTable: dtype "uint8" needs integers 0 … 255, X[${i}, ${j}] is ${X.data[bad]}`,
      );
    }
    values = Uint8Array.from(X.data);
  } else if (dtype !== "float64") throw new TypeError(`datasetToTable: unknown dtype "${dtype}"`);
  const child = makeVector(values).data[0]; // Float64, Float32 or Uint8, sharing `values`
  const listType = new FixedSizeList(X.cols, new Field("value", child.type, false));
  const fields = [new Field("x", listType, false), new Field("label", new Int32(), false)];
  const schema = new Schema(fields, new Map([["classNames", JSON.stringify(classNames)]]));
  const x = makeData({ type: listType, length: X.rows, nullCount: 0, child });
  const label = makeData({ type: new Int32(), length: X.rows, data: Int32Array.from(y) });
  const rows = makeData({ type: new Struct(fields), length: X.rows, children: [x, label] });
  return new Table(schema, [new RecordBatch(schema, rows)]);
}

/**
 * The Dataset stored in a table from `datasetToTable` (any number of record batches, any pixel
 * type). Class names come from the metadata, or are "0", "1", … when it has none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Matrix } from "../matrix.ts";
 * import { datasetToTable, tableToDataset } from "./arrow.ts";
 * const X = Matrix.fromArray([[1, 2], [3, 4]]);
 * const back = tableToDataset(datasetToTable({ X, y: Int32Array.from([0, 1]), classNames: ["a", "b"] }, {
 *   dtype: "uint8",
 * }));
 * assert.deepEqual(back.X.data, X.data); // back to float64, exactly
 * ```
 */
export function tableToDataset(table: Table): Dataset {
  const x = column("tableToDataset", table, "x"), label = column("tableToDataset", table, "label");
  if (x.type.typeId !== Type.FixedSizeList) {
    throw new TypeError(`tableToDataset: column "x" must be a FixedSizeList, got ${x.type}`);
  }
  const D = (x.type as FixedSizeList).listSize, N = table.numRows;
  const X = new Matrix(N, D);
  let row = 0;
  for (const chunk of x.data) {
    const values = makeVector(chunk.children[0]).toArray() as ArrayLike<number>;
    if (values.length !== chunk.length * D) {
      throw new RangeError(
        `tableToDataset: a chunk of ${chunk.length} rows has ${values.length} values`,
      );
    }
    X.data.set(values, row * D);
    row += chunk.length;
  }
  const y = Int32Array.from(label.toArray() as ArrayLike<number>);
  const stored = table.schema.metadata.get("classNames");
  const classNames: string[] = stored !== undefined
    ? JSON.parse(stored)
    : Array.from({ length: y.reduce((m, v) => Math.max(m, v + 1), 0) }, (_, k) => String(k));
  return { X, y, classNames };
}

/**
 * A table of result series, one column per key: numbers become Float64, an Int32Array stays
 * Int32, strings become Utf8. All columns must have the same length.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seriesToTable, tableToSeries } from "./arrow.ts";
 * const t = seriesToTable({ lr: [1e-7, 1e-6], epoch: Int32Array.from([1, 2]), tag: ["a", "b"] });
 * assert.deepEqual(t.schema.fields.map((f) => String(f.type)), ["Float64", "Int32", "Utf8"]);
 * assert.deepEqual(tableToSeries(t).tag, ["a", "b"]);
 * ```
 */
export function seriesToTable(columns: Record<string, SeriesColumn>): Table {
  const vectors: Record<string, Vector> = {};
  let first: [string, number] | undefined;
  for (const [name, values] of Object.entries(columns)) {
    first ??= [name, values.length];
    if (values.length !== first[1]) {
      throw new RangeError(
        `seriesToTable: column "${name}" has ${values.length} values, "${first[0]}" has ${
          first[1]
        }`,
      );
    }
    if (values instanceof Float64Array || values instanceof Int32Array) {
      vectors[name] = makeVector(values);
    } else if ((values as unknown[]).every((v) => typeof v === "number")) {
      vectors[name] = makeVector(Float64Array.from(values as number[]));
    } else if ((values as unknown[]).every((v) => typeof v === "string")) {
      vectors[name] = vectorFromArray(values as string[], new Utf8());
    } else {
      throw new TypeError(`seriesToTable: column "${name}" mixes numbers and strings`);
    }
  }
  return new Table(vectors);
}

/**
 * The columns of a table as plain arrays: Int32 columns as Int32Array, other numeric columns as
 * Float64Array, everything else as strings.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seriesToTable, tableToSeries } from "./arrow.ts";
 * const { acc } = tableToSeries(seriesToTable({ acc: [0.25, 0.5] }));
 * assert.deepEqual(acc, Float64Array.from([0.25, 0.5]));
 * ```
 */
export function tableToSeries(table: Table): Record<string, Float64Array | Int32Array | string[]> {
  const out: Record<string, Float64Array | Int32Array | string[]> = {};
  for (const field of table.schema.fields) {
    const v = column("tableToSeries", table, field.name);
    const id = field.type.typeId;
    if (id === Type.Int && (field.type as DataType & { bitWidth: number }).bitWidth === 32) {
      out[field.name] = Int32Array.from(v.toArray() as ArrayLike<number>);
    } else if (id === Type.Int || id === Type.Float) {
      out[field.name] = Float64Array.from(v.toArray() as ArrayLike<number>);
    } else out[field.name] = Array.from(v, (s) => String(s));
  }
  return out;
}

/**
 * Options of `writeArrowFile` and `readArrowFile`.
 *
 * @example
 * ```ts
 * import type { ArrowFileOptions } from "./arrow.ts";
 * const verified: ArrowFileOptions = { checksum: true }; // writes / checks `<path>.sha256`
 * ```
 */
export interface ArrowFileOptions {
  /**
   * Write, or require and verify, the checksum file `<path>.sha256` (one line in `sha256sum`
   * format, so `sha256sum -c` checks it too). Default false.
   */
  checksum?: boolean;
}

/**
 * Writes a table as an Arrow IPC file, atomically: to a temporary file next to `path`, renamed
 * into place (so a reader never sees half a file). Creates the parent folder. With `checksum`,
 * also writes `<path>.sha256` (after the data: a crash in between leaves a file whose checksum
 * is missing or wrong, which `readArrowFile` then reports).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readArrowFile, seriesToTable, writeArrowFile } from "./arrow.ts";
 * const dir = await Deno.makeTempDir();
 * await writeArrowFile(`${dir}/runs/results.arrow`, seriesToTable({ loss: [2.3, 1.1] }));
 * const t = await readArrowFile(`${dir}/runs/results.arrow`);
 * assert.deepEqual([...t.getChild("loss")!.toArray()], [2.3, 1.1]);
 * await writeArrowFile(`${dir}/c.arrow`, t, { checksum: true });
 * assert.match(await Deno.readTextFile(`${dir}/c.arrow.sha256`), /^[0-9a-f]{64} {2}c\.arrow\n$/);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeArrowFile(
  path: string,
  table: Table,
  { checksum = false }: ArrowFileOptions = {},
): Promise<void> {
  const dir = dirname(path);
  await Deno.mkdir(dir, { recursive: true });
  const bytes = tableToIPC(table, "file");
  const temps: string[] = [];
  const temp = async (suffix: string) => {
    temps.push(await Deno.makeTempFile({ dir, prefix: `.${basename(path)}.`, suffix }));
    return temps.at(-1)!;
  };
  try {
    const tmp = await temp(".tmp");
    await Deno.writeFile(tmp, bytes);
    if (!checksum) return await Deno.rename(tmp, path);
    const sumTmp = await temp(".sha256.tmp");
    await Deno.writeTextFile(sumTmp, `${sha256(bytes)}  ${basename(path)}\n`);
    await Deno.rename(tmp, path);
    await Deno.rename(sumTmp, `${path}.sha256`);
  } finally {
    for (const t of temps) await Deno.remove(t).catch(() => {}); // gone after the renames
  }
}

/**
 * Reads an Arrow IPC file (or stream). Throws `Deno.errors.NotFound` for a missing file, and an
 * Error naming the file when it is empty, cut short (an IPC file ends with `ARROW1`), not Arrow,
 * or, with `checksum`, when `<path>.sha256` is missing or does not match its SHA-256 (flipped
 * or missing bytes).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readArrowFile } from "./arrow.ts";
 * await assert.rejects(readArrowFile("/no/such/file.arrow"), /readArrowFile: \/no\/such\/file\.arrow is missing/);
 * const empty = await Deno.makeTempFile({ suffix: ".arrow" });
 * await assert.rejects(readArrowFile(empty), /\.arrow is empty \(0 bytes\)/);
 * await Deno.remove(empty);
 * ```
 */
export async function readArrowFile(
  path: string,
  { checksum = false }: ArrowFileOptions = {},
): Promise<Table> {
  const bytes = await readFile(path);
  const op = "readArrowFile";
  if (bytes.length === 0) throw new Error(`${op}: ${path} is empty (0 bytes), not an Arrow file`);
  const text = (at: number) => new TextDecoder().decode(bytes.subarray(at, at + MAGIC.length));
  if (
    text(0) === MAGIC &&
    (bytes.length < 2 * MAGIC.length || text(bytes.length - MAGIC.length) !== MAGIC)
  ) {
    throw new Error(
      `${op}: ${path} is truncated (${bytes.length} bytes; an Arrow IPC file ends with "${MAGIC}")`,
    );
  }
  if (checksum) await verifySha256(path, bytes);
  try {
    return tableFromIPC(bytes);
  } catch (e) {
    throw new TypeError(`${op}: ${path} is not an Arrow IPC file (${(e as Error).message})`, {
      cause: e,
    });
  }
}

/**
 * A dataset cached as an Arrow file: read from `path` when it holds a valid cache, otherwise
 * built by `loader`, written atomically to `path` with its checksum `<path>.sha256` (see
 * `writeArrowFile`) and returned. A cache that is empty, truncated, corrupt (its SHA-256 does not
 * match), has no checksum (written by an older version) or is not a dataset table is rebuilt,
 * after `onRebuild` (default `console.warn`) is told why, naming the file; errors of the file
 * system itself (permissions, …) are thrown. Delete the file to rebuild. With a lossy `dtype`
 * ("float32") the first call returns the stored (rounded) values too, so every call gives the
 * same numbers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cachedDataset } from "./arrow.ts";
 * import { makeSpiral } from "./synthetic.ts";
 * const dir = await Deno.makeTempDir();
 * let builds = 0;
 * const load = () => (builds++, makeSpiral({ seed: 0 }));
 * const a = await cachedDataset(`${dir}/spiral.arrow`, load);
 * const b = await cachedDataset(`${dir}/spiral.arrow`, load); // from the file
 * assert.equal(builds, 1);
 * assert.deepEqual(b, a);
 * await Deno.writeFile(`${dir}/spiral.arrow`, new Uint8Array(0)); // a cache emptied by accident
 * const why: string[] = [];
 * assert.deepEqual(await cachedDataset(`${dir}/spiral.arrow`, load, { onRebuild: (m) => why.push(m) }), a);
 * assert.equal(builds, 2);
 * assert.match(why[0], /spiral\.arrow is empty \(0 bytes\)/);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function cachedDataset(
  path: string,
  loader: () => Dataset | Promise<Dataset>,
  { dtype = "float64", onRebuild = (message: string) => console.warn(message) }: {
    dtype?: PixelType;
    onRebuild?: (message: string) => void;
  } = {},
): Promise<Dataset> {
  try {
    return tableToDataset(await readArrowFile(path, { checksum: true }));
  } catch (e) {
    const fsError = Object.values(Deno.errors).some((type) => e instanceof type);
    if (fsError && !(e instanceof Deno.errors.NotFound)) throw e;
    if (!fsError) {
      onRebuild(`cachedDataset: rebuilding the cache ${path}: ${(e as Error).message}`);
    }
  }
  const dataset = await loader();
  const table = datasetToTable(dataset, { dtype });
  await writeArrowFile(path, table, { checksum: true });
  return dtype === "float32" ? tableToDataset(table) : dataset;
}

// ---- helpers ----------------------------------------------------------------------------------

/** The first (and last) bytes of an Arrow IPC file. */
const MAGIC = "ARROW1";

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Checks `bytes` (read from `path`) against the checksum file `<path>.sha256`. */
async function verifySha256(path: string, bytes: Uint8Array): Promise<void> {
  const line = await Deno.readTextFile(`${path}.sha256`).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    throw new Error(`readArrowFile: ${path} has no checksum file ${path}.sha256`, { cause: e });
  });
  const expected = /^([0-9a-f]{64})\s/.exec(line)?.[1];
  if (expected === undefined) {
    throw new Error(`readArrowFile: ${path}.sha256 does not start with a SHA-256 (64 hex digits)`);
  }
  const actual = sha256(bytes);
  if (actual !== expected) {
    throw new Error(
      `readArrowFile: ${path} is corrupt: its SHA-256 is ${actual} (${bytes.length} bytes), ` +
        `${path}.sha256 says ${expected}`,
    );
  }
}

async function readFile(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    throw new Deno.errors.NotFound(`readArrowFile: ${path} is missing`, { cause: e });
  }
}

function column(op: string, table: Table, name: string): Vector {
  const v = table.getChild(name);
  if (v === null) {
    const names = table.schema.fields.map((f) => f.name).join(", ");
    throw new TypeError(`${op}: the table has no "${name}" column (it has: ${names})`);
  }
  if (v.nullCount > 0) {
    throw new TypeError(`${op}: column "${name}" has ${v.nullCount} nulls`);
  }
  return v;
}
