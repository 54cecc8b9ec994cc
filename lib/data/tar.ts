/**
 * Archives: gzip through the web-standard `CompressionStream` and gunzip through `node:zlib` (which,
 * unlike `DecompressionStream`, reads multi-member files like `gunzip`), and a small streaming
 * reader (plus writer) for ustar tar archives, enough to unpack `cifar-10-binary.tar.gz`.
 *
 * A tar archive is a sequence of 512-byte blocks: a header block per entry (name, octal size,
 * type flag, checksum), then the entry's bytes padded to a whole block, and two zero blocks at the
 * end. Extraction refuses absolute paths and `..` so an archive cannot write outside its target.
 *
 * (Over 400 lines: gunzip and the tar reader work as one pipeline to unpack a .tar.gz stream, and
 * the reader's helpers are private to it.)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gunzip, gzip, readTar, writeTar } from "./tar.ts";
 * const tar = writeTar([{ name: "a/b.txt", data: new TextEncoder().encode("hi") }]);
 * const [entry] = await readTar(await gunzip(await gzip(tar)));
 * assert.equal(entry.name, "a/b.txt");
 * assert.equal(new TextDecoder().decode(entry.data), "hi");
 * ```
 * @module
 */
import { dirname, join } from "node:path";
import { Duplex } from "node:stream";
import { createGunzip } from "node:zlib";

const BLOCK = 512;

/**
 * One entry of a tar archive.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readTar, type TarEntry, writeTar } from "./tar.ts";
 * const hi = new TextEncoder().encode("hi");
 * const tar = writeTar([{ name: "d/", type: "directory" }, { name: "d/a.txt", data: hi }]);
 * const entries: TarEntry[] = await readTar(tar);
 * assert.deepEqual(entries.map((e) => [e.name, e.type, e.typeflag, e.data.length]), [
 *   ["d/", "directory", "5", 0],
 *   ["d/a.txt", "file", "0", 2],
 * ]);
 * ```
 */
export interface TarEntry {
  /** Path inside the archive, as stored (`prefix/name` for long ustar names). */
  name: string;
  /** "file", "directory", or "other" (links, devices, …: see `typeflag`). */
  type: "file" | "directory" | "other";
  /** The raw one-character type flag ("0" file, "5" directory, "2" symlink, …). */
  typeflag: string;
  /** The entry's contents (empty for directories). */
  data: Uint8Array;
}

/**
 * True when `bytes` start with the gzip magic number 1f 8b.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isGzip } from "./tar.ts";
 * assert(isGzip(new Uint8Array([0x1f, 0x8b, 8])) && !isGzip(new Uint8Array([0, 0, 8, 3])));
 * ```
 */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Compresses bytes with gzip.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gzip, isGzip } from "./tar.ts";
 * assert(isGzip(await gzip(new Uint8Array(100))));
 * ```
 */
export async function gzip(bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream();
  return await collect(stream.pipeThrough(new CompressionStream("gzip")));
}

/**
 * Decompresses gzip bytes like `gunzip` does: concatenated members give their outputs one after
 * the other, and zero padding after the last member is ignored (see `gunzipStream`). Truncated or
 * corrupt input throws an Error naming `name`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gunzip, gzip } from "./tar.ts";
 * const packed = await gzip(new Uint8Array([1, 2, 3]));
 * assert.deepEqual(await gunzip(packed), new Uint8Array([1, 2, 3]));
 * const twice = new Uint8Array([...packed, ...packed, 0, 0, 0]); // two members, zero padding
 * assert.deepEqual(await gunzip(twice), new Uint8Array([1, 2, 3, 1, 2, 3]));
 * await assert.rejects(gunzip(packed.subarray(0, 10), "x.gz"), /x\.gz: truncated or corrupt gzip/);
 * ```
 */
export async function gunzip(
  bytes: Uint8Array,
  name = "gzip data",
): Promise<Uint8Array<ArrayBuffer>> {
  return await collect(gunzipStream(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream(), name));
}

/**
 * Decompresses a gzip byte stream the way `gunzip` reads a file: a stream of several gzip members
 * (e.g. `cat a.gz b.gz`) gives the members' outputs concatenated; zero bytes after a member end the
 * stream (tape padding: they, and anything after them, are ignored); any other data after a member
 * must be another member. A stream that does not start with the gzip magic number, or is
 * truncated or corrupt (bad CRC or length), errors with a message naming `name`. Cancelling the
 * result cancels `source`. (The web `DecompressionStream` stops at the first member.)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gunzipStream, gzip } from "./tar.ts";
 * const packed = await gzip(new Uint8Array([7, 8]));
 * const out = await new Response(gunzipStream(new Blob([packed]).stream())).arrayBuffer();
 * assert.deepEqual(new Uint8Array(out), new Uint8Array([7, 8]));
 * ```
 */
export function gunzipStream(
  source: ReadableStream<Uint8Array>,
  name = "gzip data",
): ReadableStream<Uint8Array> {
  const inflate = Duplex.toWeb(createGunzip()) as ReadableWritablePair<Uint8Array, Uint8Array>;
  const input = source.getReader(), output = inflate.readable.getReader();
  const writer = inflate.writable.getWriter();
  let failure: unknown; // the first error of the input side
  (async () => {
    try {
      let head: number[] = []; // the first two bytes, until checked
      for (let r = await input.read(); !r.done; r = await input.read()) {
        if (head.length < 2) {
          head = [...head, ...r.value.subarray(0, 2 - head.length)];
          if (head.length === 2 && (head[0] !== 0x1f || head[1] !== 0x8b)) {
            const hex = head.map((b) => b.toString(16).padStart(2, "0")).join(" ");
            throw new Error(`invalid gzip header: starts with ${hex}, not 1f 8b`);
          }
        }
        await writer.write(r.value);
      }
      await writer.close();
    } catch (e) {
      failure ??= e;
      await input.cancel(e).catch(() => {});
      await writer.abort(e).catch(() => {});
    }
  })();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await output.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (e) {
        await input.cancel(e).catch(() => {});
        const error = (failure ?? e) as Error;
        // zlib's words for bytes after a member that are not a gzip header.
        const why = error.message === "incorrect header check"
          ? "data after a gzip member is neither another member nor zero padding"
          : error.message;
        controller.error(
          new Error(`${name}: truncated or corrupt gzip data (${why})`, { cause: e }),
        );
      }
    },
    async cancel(reason) {
      await Promise.all(
        [input.cancel(reason), output.cancel(reason)].map((p) => p.catch(() => {})),
      );
    },
  });
}

/**
 * Reads the entries of an uncompressed tar archive held in memory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readTar, writeTar } from "./tar.ts";
 * const entries = await readTar(writeTar([{ name: "d/", type: "directory" }]));
 * assert.equal(entries[0].type, "directory");
 * ```
 */
export async function readTar(bytes: Uint8Array, name = "tar archive"): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream();
  for await (const entry of readTarStream(stream, name)) entries.push(entry);
  return entries;
}

/**
 * Streams the entries of a tar archive, one at a time (each entry's bytes are held in memory, the
 * archive is not). Checks every header's checksum and reports a truncated archive. After the end
 * blocks it drains the stream, so a gzip trailer error still surfaces. Supports ustar prefixes,
 * GNU long names (`L`) and pax `path` records (`x`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readTarStream, writeTar } from "./tar.ts";
 * const tar = writeTar([{ name: "x.bin", data: new Uint8Array(600) }]);
 * for await (const e of readTarStream(new Blob([tar]).stream())) assert.equal(e.data.length, 600);
 * ```
 */
export async function* readTarStream(
  stream: ReadableStream<Uint8Array>,
  name = "tar archive",
): AsyncGenerator<TarEntry> {
  const input = new ByteReader(stream);
  try {
    let longName: string | undefined;
    for (;;) {
      const at = input.offset;
      const header = await input.read(BLOCK);
      if (header.length === 0) return; // no end blocks: accept a clean end of stream
      if (header.length < BLOCK) throw truncated(name, `a header at byte ${at}`, BLOCK, header);
      if (header.every((b) => b === 0)) {
        while ((await input.read(64 * 1024)).length > 0); // drain, e.g. to check a gzip trailer
        return;
      }
      checkHeaderSum(header, name, at);
      const posix = text(header, 257, 6) === "ustar"; // GNU tar writes "ustar  " and no prefix
      const prefix = posix ? text(header, 345, 155) : "";
      const stored = prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100);
      const size = parseInt(text(header, 124, 12).trim() || "0", 8);
      const typeflag = header[156] === 0 ? "0" : String.fromCharCode(header[156]);
      const entryName = longName ?? stored;
      const data = await input.read(size);
      if (data.length < size) throw truncated(name, `entry "${entryName}"`, size, data);
      const pad = (BLOCK - (size % BLOCK)) % BLOCK;
      const padding = await input.read(pad);
      if (padding.length < pad) {
        throw truncated(name, `the padding of "${entryName}"`, pad, padding);
      }
      if (typeflag === "L") longName = text(data, 0, data.length);
      else if (typeflag === "x") longName = paxPath(data) ?? longName;
      else if (typeflag === "g") continue;
      else {
        longName = undefined;
        const type = "07".includes(typeflag) ? "file" : typeflag === "5" ? "directory" : "other";
        yield { name: entryName, type, typeflag, data };
      }
    }
  } finally {
    await input.cancel();
  }
}

/**
 * Checks a tar entry name and returns it as a safe relative path ("" for the archive root).
 * Throws a RangeError for absolute paths, drive letters, backslashes and `..` segments.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { safeTarPath } from "./tar.ts";
 * assert.equal(safeTarPath("./a//b.bin"), "a/b.bin");
 * assert.throws(() => safeTarPath("../etc/passwd"), /refusing entry "..\/etc\/passwd": it contains ".."/);
 * ```
 */
export function safeTarPath(name: string): string {
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) {
    throw new RangeError(`tar: refusing entry "${name}": absolute path`);
  }
  if (name.includes("\\")) throw new RangeError(`tar: refusing entry "${name}": backslash`);
  const parts = name.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) throw new RangeError(`tar: refusing entry "${name}": it contains ".."`);
  return parts.join("/");
}

/**
 * Extracts a tar stream (pass `gzip: true` for .tar.gz) into `destDir`, creating it. Each name is
 * checked with `safeTarPath` before its entry is written; links and devices are refused. Entries
 * stream, so an error can come after earlier files were written: extract into a temporary folder
 * and rename it when done. Returns the relative paths of the files written.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { extractTar, gzip, writeTar } from "./tar.ts";
 * const dir = await Deno.makeTempDir();
 * const archive = await gzip(writeTar([{ name: "d/f.txt", data: new Uint8Array([65]) }]));
 * const files = await extractTar(new Blob([archive]).stream(), dir, { gzip: true });
 * assert.deepEqual(files, ["d/f.txt"]);
 * assert.equal(await Deno.readTextFile(`${dir}/d/f.txt`), "A");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function extractTar(
  stream: ReadableStream<Uint8Array>,
  destDir: string,
  { gzip = false, name = "tar archive" }: { gzip?: boolean; name?: string } = {},
): Promise<string[]> {
  const source = gzip ? gunzipStream(stream, name) : stream;
  const written: string[] = [];
  await Deno.mkdir(destDir, { recursive: true });
  for await (const entry of readTarStream(source, name)) {
    const rel = safeTarPath(entry.name);
    if (entry.type === "other") {
      throw new RangeError(
        `${name}: refusing entry "${entry.name}" of type "${entry.typeflag}" (not a file or directory)`,
      );
    }
    if (rel === "") continue;
    const path = join(destDir, rel);
    if (entry.type === "directory") await Deno.mkdir(path, { recursive: true });
    else {
      await Deno.mkdir(dirname(path), { recursive: true });
      await Deno.writeFile(path, entry.data);
      written.push(rel);
    }
  }
  return written;
}

/**
 * Builds an uncompressed ustar archive (names up to 100 bytes), e.g. for test fixtures.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeTar } from "./tar.ts";
 * const tar = writeTar([{ name: "a.txt", data: new Uint8Array(3) }]);
 * assert.equal(tar.length, 512 + 512 + 1024); // header, padded data, two end blocks
 * ```
 */
export function writeTar(
  entries: readonly { name: string; data?: Uint8Array; type?: "file" | "directory" }[],
): Uint8Array<ArrayBuffer> {
  const enc = new TextEncoder();
  const blocks: Uint8Array[] = [];
  for (const { name, data = new Uint8Array(0), type = "file" } of entries) {
    const nameBytes = enc.encode(name);
    if (nameBytes.length > 100) {
      throw new RangeError(
        `writeTar: name "${name}" is ${nameBytes.length} bytes, the limit is 100`,
      );
    }
    const h = new Uint8Array(BLOCK);
    const put = (s: string, at: number) => h.set(enc.encode(s), at);
    h.set(nameBytes, 0);
    put(type === "directory" ? "0000755\0" : "0000644\0", 100);
    put("0000000\0", 108);
    put("0000000\0", 116);
    put(data.length.toString(8).padStart(11, "0") + "\0", 124);
    put("00000000000\0", 136);
    put(type === "directory" ? "5" : "0", 156);
    put("ustar\u000000", 257);
    put("        ", 148); // checksum field counts as spaces while summing
    put(h.reduce((s, b) => s + b, 0).toString(8).padStart(6, "0") + "\0 ", 148);
    blocks.push(h, data, new Uint8Array((BLOCK - (data.length % BLOCK)) % BLOCK));
  }
  blocks.push(new Uint8Array(2 * BLOCK));
  return concat(blocks);
}

// ---- helpers ----------------------------------------------------------------------------------

/** Reads exact byte counts from a stream (fewer only at its end). */
class ByteReader {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #chunk: Uint8Array = new Uint8Array(0);
  #done = false;
  offset = 0;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }

  async read(n: number): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (this.#chunk.length === 0) {
        if (this.#done) break;
        const { done, value } = await this.#reader.read();
        if (done) this.#done = true;
        else this.#chunk = value;
        continue;
      }
      const take = Math.min(n - filled, this.#chunk.length);
      out.set(this.#chunk.subarray(0, take), filled);
      this.#chunk = this.#chunk.subarray(take);
      filled += take;
    }
    this.offset += filled;
    return filled === n ? out : out.subarray(0, filled);
  }

  async cancel(): Promise<void> {
    if (!this.#done) await this.#reader.cancel().catch(() => {});
    this.#reader.releaseLock();
  }
}

function truncated(name: string, what: string, need: number, got: Uint8Array): Error {
  return new Error(
    `${name}: truncated archive at ${what}: needs ${need} bytes, only ${got.length} left`,
  );
}

function checkHeaderSum(h: Uint8Array, name: string, at: number): void {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
  const stored = parseInt(text(h, 148, 8).trim(), 8);
  if (stored !== sum) {
    throw new Error(
      `${name}: bad tar header at byte ${at} (checksum ${stored} stored, ${sum} computed): ` +
        `not a tar archive, or corrupt`,
    );
  }
}

/** A NUL-terminated string field. */
function text(bytes: Uint8Array, start: number, length: number): string {
  const field = bytes.subarray(start, start + length);
  const end = field.indexOf(0);
  return new TextDecoder().decode(end < 0 ? field : field.subarray(0, end));
}

/** The `path` record of a pax extended header ("<len> path=<value>\n" lines). */
function paxPath(data: Uint8Array): string | undefined {
  for (const line of new TextDecoder().decode(data).split("\n")) {
    const m = /^\d+ path=(.*)$/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return concat(chunks);
}

function concat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
