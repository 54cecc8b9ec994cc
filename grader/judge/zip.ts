/**
 * Zip archives with `fflate` (pinned in deno.json): the Gradescope autograder zip, student
 * submission zips, and reading a submitted zip safely (no paths outside the target, bounded size).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unzipEntries, zipEntries } from "./zip.ts";
 * const zip = zipEntries([{ path: "run_autograder", data: "#!/bin/sh\n", mode: 0o755 }]);
 * assert.equal(new TextDecoder().decode(unzipEntries(zip).get("run_autograder")), "#!/bin/sh\n");
 * ```
 * @module
 */
import { unzipSync, type Zippable, zipSync } from "fflate";
import { dirname, join, normalize, relative } from "node:path";

/**
 * One file to put in a zip: its path inside the archive, its bytes or text, its Unix mode.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ZipEntry } from "./zip.ts";
 * const e: ZipEntry = { path: "setup.sh", data: "echo hi\n", mode: 0o755 };
 * assert.equal(e.mode, 0o755);
 * ```
 */
export interface ZipEntry {
  /** Path inside the archive, with `/` separators. */
  path: string;
  /** Contents. */
  data: Uint8Array | string;
  /** Unix permissions (default 0o644). */
  mode?: number;
}

/**
 * Most bytes a submitted zip may unpack to.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MAX_UNZIPPED_BYTES } from "./zip.ts";
 * assert.equal(MAX_UNZIPPED_BYTES, 200 * 2 ** 20);
 * ```
 */
export const MAX_UNZIPPED_BYTES = 200 * 1024 * 1024;
/**
 * Most files a submitted zip may hold.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MAX_ZIP_FILES } from "./zip.ts";
 * assert.equal(MAX_ZIP_FILES, 5000);
 * ```
 */
export const MAX_ZIP_FILES = 5000;

/**
 * A zip archive of `entries` (deflated, Unix permissions kept).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { zipEntries } from "./zip.ts";
 * const zip = zipEntries([{ path: "a/b.txt", data: "x" }]);
 * assert.deepEqual(Array.from(zip.subarray(0, 2)), [0x50, 0x4b]); // "PK"
 * ```
 */
export function zipEntries(entries: readonly ZipEntry[]): Uint8Array {
  const files: Zippable = {};
  const enc = new TextEncoder();
  for (const e of entries) {
    const data = typeof e.data === "string" ? enc.encode(e.data) : e.data;
    files[e.path] = [data, { os: 3, attrs: (e.mode ?? 0o644) << 16, mtime: new Date(2020, 0, 1) }];
  }
  return zipSync(files, { level: 6 });
}

/**
 * Every file under `dir` as zip entries (paths relative to `dir`, modes kept), sorted.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dirEntries } from "./zip.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/x.txt`, "x");
 * assert.deepEqual((await dirEntries(dir)).map((e) => e.path), ["x.txt"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function dirEntries(dir: string): Promise<ZipEntry[]> {
  const out: ZipEntry[] = [];
  for (const path of await listFiles(dir)) {
    const full = join(dir, path);
    const mode = (await Deno.stat(full)).mode ?? 0o644;
    out.push({ path, data: await Deno.readFile(full), mode: mode & 0o777 });
  }
  return out;
}

/**
 * The files of a zip archive by path, refusing archives that would unpack outside their folder
 * (`..`, absolute paths) or unpack to more than `MAX_UNZIPPED_BYTES` / `MAX_ZIP_FILES`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unzipEntries, zipEntries } from "./zip.ts";
 * assert.throws(() => unzipEntries(zipEntries([{ path: "../evil", data: "x" }])), /outside/);
 * ```
 */
export function unzipEntries(zip: Uint8Array): Map<string, Uint8Array> {
  let total = 0, count = 0;
  const files = unzipSync(zip, {
    filter: (f) => {
      total += f.originalSize;
      count++;
      if (total > MAX_UNZIPPED_BYTES || count > MAX_ZIP_FILES) {
        throw new RangeError(
          `zip: more than ${MAX_ZIP_FILES} files or ${MAX_UNZIPPED_BYTES >> 20} MiB unpacked`,
        );
      }
      return true;
    },
  });
  const out = new Map<string, Uint8Array>();
  for (const [name, data] of Object.entries(files)) {
    if (name.endsWith("/")) continue; // a directory entry
    const path = normalize(name.replace(/\\/g, "/"));
    if (
      path.startsWith("/") || path === ".." || path.startsWith("../") || /^[A-Za-z]:/.test(path)
    ) {
      throw new RangeError(`zip: entry ${JSON.stringify(name)} points outside the archive`);
    }
    out.set(path, data);
  }
  return out;
}

/**
 * Unpacks a zip file into `dir` (created if needed), with the checks of `unzipEntries`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unzipTo, zipEntries } from "./zip.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeFile(`${dir}/s.zip`, zipEntries([{ path: "lib/a.ts", data: "1" }]));
 * await unzipTo(`${dir}/s.zip`, `${dir}/out`);
 * assert.equal(await Deno.readTextFile(`${dir}/out/lib/a.ts`), "1");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function unzipTo(zipPath: string, dir: string): Promise<void> {
  const files = unzipEntries(await Deno.readFile(zipPath));
  for (const [path, data] of files) {
    const target = join(dir, path);
    await Deno.mkdir(dirname(target), { recursive: true });
    await Deno.writeFile(target, data);
  }
  await Deno.mkdir(dir, { recursive: true });
}

/**
 * Paths of all files under `dir`, relative to it, sorted (symbolic links are not followed).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { listFiles } from "./zip.ts";
 * assert.deepEqual(await listFiles("/no/such/dir"), []);
 * ```
 */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string): Promise<void> {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(d));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return;
      throw e;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory) await walk(p);
      else if (e.isFile) out.push(relative(dir, p));
    }
  }
  await walk(dir);
  return out.sort();
}
