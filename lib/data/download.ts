/**
 * Downloads that never leave a partial or unverified file behind: the bytes stream to a temporary
 * file while their MD5 is computed, and only a file whose checksum matches is renamed into place.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { downloadVerified } from "./download.ts";
 * const dir = await Deno.makeTempDir();
 * const md5 = "5d41402abc4b2a76b9719d911017c592"; // md5("hello")
 * await downloadVerified("data:text/plain,hello", `${dir}/hello.txt`, { md5 });
 * assert.equal(await Deno.readTextFile(`${dir}/hello.txt`), "hello");
 * await Deno.remove(dir, { recursive: true });
 * ```
 * @module
 */
import { createHash } from "node:crypto";
import { basename, dirname } from "node:path";

/** How far a download has got. */
export interface DownloadProgress {
  /** Bytes received so far. */
  bytes: number;
  /** Total bytes from the Content-Length header, or undefined when the server did not say. */
  total: number | undefined;
}

/** Options of `downloadFile`. */
export interface DownloadOptions {
  /** Called after every received chunk (throttle it for display: see `throttledProgress`). */
  onProgress?: (progress: DownloadProgress) => void;
  /** Aborts the request. */
  signal?: AbortSignal;
}

/** What `downloadFile` received. */
export interface DownloadResult {
  /** Bytes written. */
  bytes: number;
  /** MD5 of those bytes, 32 lowercase hex digits. */
  md5: string;
}

/**
 * Streams `url` into the file `dest` (created or truncated) and returns its size and MD5. Throws
 * an Error naming the URL on an HTTP error status, or when fewer bytes arrive than the
 * Content-Length announced; a partly written `dest` is removed on every failure.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { downloadFile } from "./download.ts";
 * const path = await Deno.makeTempFile();
 * const { bytes, md5 } = await downloadFile("data:text/plain,abc", path);
 * assert.equal(bytes, 3);
 * assert.equal(md5, "900150983cd24fb0d6963f7d28e17f72");
 * await Deno.remove(path);
 * ```
 */
export async function downloadFile(
  url: string | URL,
  dest: string,
  { onProgress, signal }: DownloadOptions = {},
): Promise<DownloadResult> {
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (e) {
    const why = e instanceof Error ? `${e.message}${e.cause ? ` (${e.cause})` : ""}` : String(e);
    throw new Error(`downloadFile: cannot fetch ${url}: ${why}`, { cause: e });
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw new Error(
      `downloadFile: ${url} answered HTTP ${response.status} ${response.statusText}`.trimEnd(),
    );
  }
  const length = response.headers.get("content-length");
  // With a Content-Encoding the header counts compressed bytes, not the ones we receive.
  const total = length !== null && !response.headers.has("content-encoding")
    ? Number(length)
    : undefined;
  const hash = createHash("md5");
  let bytes = 0;
  const meter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      hash.update(chunk);
      bytes += chunk.length;
      onProgress?.({ bytes, total });
      controller.enqueue(chunk);
    },
  });
  try {
    const file = await Deno.open(dest, { write: true, create: true, truncate: true });
    try {
      await response.body.pipeThrough(meter).pipeTo(file.writable); // closes the file either way
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new Error(`downloadFile: ${url} failed after ${bytes} bytes: ${why}`, { cause: e });
    }
    if (total !== undefined && bytes < total) {
      throw new Error(`downloadFile: ${url} was cut off after ${bytes} of ${total} bytes`);
    }
  } catch (e) {
    if (!response.body.locked) await response.body.cancel().catch(() => {});
    await removeIfExists(dest);
    throw e;
  }
  return { bytes, md5: hash.digest("hex") };
}

/**
 * Downloads `url` to `dest` only if its MD5 is `md5`: the bytes go to a temporary file next to
 * `dest`, which is renamed into place after the checksum matches and removed otherwise. A mismatch
 * throws an Error "MD5 checksum mismatch … expected … got …".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { downloadVerified } from "./download.ts";
 * const dir = await Deno.makeTempDir();
 * const md5 = "00000000000000000000000000000000";
 * await assert.rejects(
 *   downloadVerified("data:text/plain,abc", `${dir}/abc.txt`, { md5 }),
 *   /expected 00000000000000000000000000000000, got 900150983cd24fb0d6963f7d28e17f72/,
 * );
 * assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), []); // nothing left behind
 * await Deno.remove(dir);
 * ```
 */
export async function downloadVerified(
  url: string | URL,
  dest: string,
  { md5, ...options }: DownloadOptions & { md5: string },
): Promise<DownloadResult> {
  if (!/^[0-9a-f]{32}$/i.test(md5)) {
    throw new TypeError(`downloadVerified: md5 must be 32 hex digits, got "${md5}"`);
  }
  const dir = dirname(dest);
  await Deno.mkdir(dir, { recursive: true });
  const tmp = await Deno.makeTempFile({ dir, prefix: `.${basename(dest)}.`, suffix: ".part" });
  try {
    const result = await downloadFile(url, tmp, options);
    if (result.md5 !== md5.toLowerCase()) {
      throw new Error(
        `downloadVerified: MD5 checksum mismatch for ${url}: expected ${md5.toLowerCase()}, ` +
          `got ${result.md5} (${result.bytes} bytes)`,
      );
    }
    await Deno.rename(tmp, dest);
    return result;
  } finally {
    await removeIfExists(tmp); // a no-op after the rename
  }
}

/**
 * The MD5 of a file, streamed (32 lowercase hex digits).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { md5File } from "./download.ts";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "abc");
 * assert.equal(await md5File(path), "900150983cd24fb0d6963f7d28e17f72");
 * await Deno.remove(path);
 * ```
 */
export async function md5File(path: string): Promise<string> {
  const hash = createHash("md5");
  using file = await Deno.open(path);
  for await (const chunk of file.readable) hash.update(chunk);
  return hash.digest("hex");
}

/**
 * Removes a file or directory tree; a path that does not exist is fine.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { removeIfExists } from "./download.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/f.txt`, "x");
 * await removeIfExists(dir);
 * await removeIfExists(dir); // already gone: no error
 * await assert.rejects(Deno.stat(dir), Deno.errors.NotFound);
 * ```
 */
export async function removeIfExists(path: string): Promise<void> {
  try {
    await Deno.remove(path, { recursive: true });
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

/**
 * Formats progress as "12.3 MB / 170.5 MB (7.2%)", or "12.3 MB" when the total is unknown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatProgress } from "./download.ts";
 * assert.equal(formatProgress({ bytes: 1_500_000, total: 6_000_000 }), "1.5 MB / 6.0 MB (25.0%)");
 * assert.equal(formatProgress({ bytes: 2048, total: undefined }), "0.0 MB");
 * ```
 */
export function formatProgress({ bytes, total }: DownloadProgress): string {
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  if (total === undefined || !(total > 0)) return mb(bytes);
  return `${mb(bytes)} / ${mb(total)} (${((100 * bytes) / total).toFixed(1)}%)`;
}

/**
 * Wraps a progress printer so it runs at most once per `intervalMs` (plus always on the last
 * chunk, when bytes reach the total), for `onProgress`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { throttledProgress } from "./download.ts";
 * const seen: number[] = [];
 * const onProgress = throttledProgress((p) => seen.push(p.bytes), 60_000);
 * for (let b = 1; b <= 5; b++) onProgress({ bytes: b, total: 5 });
 * assert.deepEqual(seen, [1, 5]); // the first call, then the final one
 * ```
 */
export function throttledProgress(
  print: (progress: DownloadProgress) => void,
  intervalMs = 250,
): (progress: DownloadProgress) => void {
  let last = -Infinity;
  return (progress) => {
    const now = performance.now();
    if (now - last >= intervalMs || progress.bytes === progress.total) {
      last = now;
      print(progress);
    }
  };
}
