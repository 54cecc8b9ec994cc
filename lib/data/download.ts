/**
 * Downloads that never hang and never leave a partial or unverified file behind: the bytes stream
 * to a temporary file while their MD5 is computed, and only a file whose checksum matches is
 * renamed into place. A download fails with a `DownloadTimeoutError` when the server does not
 * answer, stalls, or trickles; its temporary files are removed on every failure and on Ctrl-C or
 * SIGTERM (`removeOnSignal`), and leftovers of a killed run are removed by the next one
 * (`removeStaleTemps`).
 *
 * (Over 400 lines: besides the downloads it holds the guards of their temporary files,
 * `removeOnSignal` and `removeStaleTemps`, which could move to a module of their own.)
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
import { basename, dirname, join, sep as SEP } from "node:path";

/**
 * How far a download has got.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type DownloadProgress, formatProgress } from "./download.ts";
 * const halfway: DownloadProgress = { bytes: 81_000_000, total: 162_000_000 };
 * assert.equal(formatProgress(halfway), "81.0 MB / 162.0 MB (50.0%)");
 * ```
 */
export interface DownloadProgress {
  /** Bytes received so far. */
  bytes: number;
  /** Total bytes from the Content-Length header, or undefined when the server did not say. */
  total: number | undefined;
}

/**
 * Options of `downloadFile`. The defaults leave a slow but working link alone: a download fails
 * only when the server sends no response headers for 30 s, nothing for 60 s, or under 1 kB/s
 * (60 kB in 60 s). A server that sends a byte a second forever is stopped by the
 * last rule, not by the idle timeout; with `minBytesPerSecond: 0` such a download ends only when
 * the Content-Length bytes have arrived (or, without a Content-Length, never): pass
 * `signal: AbortSignal.timeout(ms)` for a deadline on the whole download.
 *
 * @example
 * ```ts
 * import type { DownloadOptions } from "./download.ts";
 * // For a link that pauses for minutes at a time: wait 5 minutes, accept any trickle.
 * const patient: DownloadOptions = { idleTimeoutMs: 300_000, minBytesPerSecond: 0 };
 * ```
 */
export interface DownloadOptions {
  /** Called after every received chunk (throttle it for display: see `throttledProgress`). */
  onProgress?: (progress: DownloadProgress) => void;
  /** Aborts the request. */
  signal?: AbortSignal;
  /** Milliseconds to connect and get the response headers (default 30 000; Infinity: no limit). */
  connectTimeoutMs?: number;
  /** Milliseconds the body may send nothing (default 60 000; Infinity: no limit). */
  idleTimeoutMs?: number;
  /**
   * Minimum average speed, checked per `idleTimeoutMs` window: each window must bring
   * `minBytesPerSecond × idleTimeoutMs / 1000` bytes (default 1000, i.e. 60 kB a minute; 0: only
   * the idle timeout).
   */
  minBytesPerSecond?: number;
}

/**
 * What `downloadFile` received.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { downloadFile, type DownloadResult } from "./download.ts";
 * const path = await Deno.makeTempFile();
 * const result: DownloadResult = await downloadFile("data:text/plain,abc", path);
 * assert.deepEqual(result, { bytes: 3, md5: "900150983cd24fb0d6963f7d28e17f72" }); // md5("abc")
 * await Deno.remove(path);
 * ```
 */
export interface DownloadResult {
  /** Bytes written. */
  bytes: number;
  /** MD5 of those bytes, 32 lowercase hex digits. */
  md5: string;
}

/**
 * The error of a download that timed out: `timeout` says which limit fired ("connect": no
 * response headers in time, "idle": no bytes in time, "slow": too few bytes per window), `url`
 * is the download and `bytes` how many bytes had arrived.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DownloadTimeoutError } from "./download.ts";
 * const e = new DownloadTimeoutError("http://x/a", "idle", 5, "downloadFile: idle timeout …");
 * assert.ok(e instanceof Error);
 * assert.deepEqual([e.name, e.timeout, e.bytes], ["DownloadTimeoutError", "idle", 5]);
 * ```
 */
export class DownloadTimeoutError extends Error {
  /** "DownloadTimeoutError". */
  override name = "DownloadTimeoutError";
  /** The download's URL, which limit fired, the bytes received by then, and the message. */
  constructor(
    /** The URL being downloaded. */
    readonly url: string,
    /** Which limit fired. */
    readonly timeout: "connect" | "idle" | "slow",
    /** Bytes received before it fired. */
    readonly bytes: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Streams `url` into the file `dest` (created or truncated) and returns its size and MD5. Throws
 * an Error naming the URL on an HTTP error status, or when fewer bytes arrive than the
 * Content-Length announced, and a `DownloadTimeoutError` naming the URL and the limit when a
 * timeout of `DownloadOptions` fires. A partly written `dest` is removed on every failure, and on
 * SIGINT / SIGTERM during the download (see `removeOnSignal`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { downloadFile } from "./download.ts";
 * const path = await Deno.makeTempFile();
 * const { bytes, md5 } = await downloadFile("data:text/plain,abc", path, { idleTimeoutMs: 5000 });
 * assert.equal(bytes, 3);
 * assert.equal(md5, "900150983cd24fb0d6963f7d28e17f72");
 * await Deno.remove(path);
 * ```
 */
export async function downloadFile(
  url: string | URL,
  dest: string,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  const { onProgress, signal } = options;
  const connectMs = checkOption("connectTimeoutMs", options.connectTimeoutMs, 30_000, 1);
  const idleMs = checkOption("idleTimeoutMs", options.idleTimeoutMs, 60_000, 1);
  const minRate = checkOption("minBytesPerSecond", options.minBytesPerSecond, 1000, 0);
  const timeouts = new AbortController();
  let fired: DownloadTimeoutError | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let bytes = 0, windowBytes = 0;
  /** After `ms`, aborts the download with a DownloadTimeoutError of the kind `kind()` says. */
  const arm = (ms: number, kind: () => DownloadTimeoutError["timeout"]) => {
    clearTimeout(timer);
    if (!(ms < 2 ** 31)) return; // longer than setTimeout can wait: no limit
    timer = setTimeout(() => {
      const k = kind(), message = timeoutMessage(k, url, ms, bytes, windowBytes, minRate);
      timeouts.abort(fired = new DownloadTimeoutError(String(url), k, bytes, message));
    }, ms);
  };
  arm(connectMs, () => "connect");
  const abort = signal ? AbortSignal.any([signal, timeouts.signal]) : timeouts.signal;
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: abort });
    } catch (e) {
      if (fired) throw fired;
      const why = e instanceof Error ? `${e.message}${e.cause ? ` (${e.cause})` : ""}` : String(e);
      throw new Error(`downloadFile: cannot fetch ${url}: ${why}`, { cause: e });
    } finally {
      clearTimeout(timer);
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
    const perWindow = Math.max(1, (minRate * idleMs) / 1000);
    const startWindow = () => {
      windowBytes = 0;
      arm(idleMs, () => windowBytes === 0 ? "idle" : "slow");
    };
    const meter = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        hash.update(chunk);
        bytes += chunk.length;
        windowBytes += chunk.length;
        if (windowBytes >= perWindow) startWindow();
        onProgress?.({ bytes, total });
        controller.enqueue(chunk);
      },
    });
    using _guard = removeOnSignal(dest);
    try {
      const file = await Deno.open(dest, { write: true, create: true, truncate: true });
      startWindow();
      try {
        await response.body.pipeThrough(meter).pipeTo(file.writable); // closes the file either way
      } catch (e) {
        if (fired) throw fired;
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
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Downloads `url` to `dest` only if its MD5 is `md5`: the bytes go to a temporary file next to
 * `dest` (`.<name>.<pid>-<random>.part`), which is renamed into place after the checksum matches
 * and removed otherwise, on every error and on SIGINT / SIGTERM. Stale `.part` files of earlier
 * runs are removed first (see `removeStaleTemps`). A mismatch throws an Error "MD5 checksum
 * mismatch … expected … got …". Takes the options of `downloadFile`.
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
  const prefix = `.${basename(dest)}.`;
  await removeStaleTemps(dir, prefix, { suffix: ".part" });
  const tmp = await Deno.makeTempFile({ dir, prefix: `${prefix}${Deno.pid}-`, suffix: ".part" });
  using _guard = removeOnSignal(tmp);
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
 * Removes `path` (file or folder) if the process receives SIGINT (Ctrl-C) or SIGTERM before the
 * returned handle is disposed, and then exits with 130 or 143 (128 + the signal number, what a
 * shell reports for a process the signal killed), printing what it removed. Use it with `using`
 * around the life of a temporary file; nested and concurrent guards are fine. Where a signal
 * cannot be listened to (SIGTERM on Windows) it is left alone.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { removeOnSignal } from "./download.ts";
 * const dir = await Deno.makeTempDir();
 * {
 *   using _guard = removeOnSignal(dir); // Ctrl-C in this block removes dir, then exits with 130
 *   await Deno.writeTextFile(`${dir}/x.part`, "partial");
 * }
 * assert.ok((await Deno.stat(dir)).isDirectory); // left alone: the guard only acts on a signal
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function removeOnSignal(path: string): Disposable {
  const id = Symbol(path);
  guarded.set(id, path);
  if (guarded.size === 1) {
    for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
      const listener = () => interrupted(signal, code);
      try {
        Deno.addSignalListener(signal, listener);
        listeners.push([signal, listener]);
      } catch {
        // This platform cannot listen to it.
      }
    }
  }
  return {
    [Symbol.dispose]() {
      if (!guarded.delete(id) || guarded.size > 0) return;
      for (const [signal, listener] of listeners.splice(0)) {
        Deno.removeSignalListener(signal, listener);
      }
    },
  };
}

/**
 * Removes leftovers of interrupted downloads in `dir` and returns their paths: the entries named
 * `<prefix><pid>-<random><suffix>` whose process `pid` is no longer running (checked through
 * `/proc`, so on Linux only, and only for processes of this machine), and the entries
 * `<prefix>[<pid>-]<random><suffix>` in which nothing changed for `maxAgeMs` (default 1 hour; a
 * live download writes at least every `idleTimeoutMs`). A missing `dir` is fine.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { removeStaleTemps } from "./download.ts";
 * const dir = await Deno.makeTempDir();
 * const old = `${dir}/.data.bin.4194305-1f2e.part`; // above Linux's largest pid: not running
 * await Deno.writeTextFile(old, "partial");
 * await Deno.writeTextFile(`${dir}/.data.bin.${Deno.pid}-3c4d.part`, "ours, live");
 * const removed = await removeStaleTemps(dir, ".data.bin.", { suffix: ".part", maxAgeMs: 3.6e6 });
 * assert.deepEqual(removed, Deno.build.os === "linux" ? [old] : []);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function removeStaleTemps(
  dir: string,
  prefix: string,
  { suffix = "", maxAgeMs = 3_600_000 }: { suffix?: string; maxAgeMs?: number } = {},
): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await Array.fromAsync(Deno.readDir(dir), (e) => e.name);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return removed;
    throw e;
  }
  const now = Date.now();
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(suffix)) continue;
    const m = /^(?:(\d+)-)?[0-9a-z]+$/i.exec(
      name.slice(prefix.length, name.length - suffix.length),
    );
    if (m === null) continue;
    const path = join(dir, name);
    const dead = m[1] !== undefined && !(await isRunning(Number(m[1])));
    if (dead || now - (await lastChange(path, now)) > maxAgeMs) {
      await removeIfExists(path);
      removed.push(path);
    }
  }
  return removed;
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

// ---- helpers ----------------------------------------------------------------------------------

/** Paths `removeOnSignal` guards, and the signal listeners installed while there are any. */
const guarded = new Map<symbol, string>();
const listeners: [Deno.Signal, () => void][] = [];

function interrupted(signal: Deno.Signal, code: number): never {
  const all = [...new Set(guarded.values())];
  const paths = all.filter((p) => !all.some((outer) => p.startsWith(outer + SEP))); // outermost
  for (const path of paths) {
    try {
      Deno.removeSync(path, { recursive: true });
    } catch {
      // Already gone, or not ours to remove any more: exit all the same.
    }
  }
  console.error(`\n${signal}: stopped; removed the partial download ${paths.join(", ")}`);
  Deno.exit(code);
}

function timeoutMessage(
  kind: DownloadTimeoutError["timeout"],
  url: string | URL,
  ms: number,
  bytes: number,
  windowBytes: number,
  minRate: number,
): string {
  const secs = `${ms / 1000} s`;
  if (kind === "connect") {
    return `downloadFile: connect timeout: ${url} sent no response headers within ${secs} ` +
      `(option connectTimeoutMs)`;
  }
  if (kind === "idle") {
    return `downloadFile: idle timeout: ${url} sent nothing for ${secs} after ${bytes} bytes ` +
      `(option idleTimeoutMs)`;
  }
  return `downloadFile: too slow: ${url} sent ${windowBytes} bytes in ${secs} (${bytes} in all), ` +
    `under the minimum of ${minRate} bytes/s (option minBytesPerSecond)`;
}

/** A timeout or rate option: a number ≥ `min` (Infinity allowed for timeouts), or the default. */
function checkOption(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || Number.isNaN(value)) {
    const got = typeof value === "string" ? JSON.stringify(value) : String(value);
    throw new TypeError(`downloadFile: ${name} must be a number, got ${got}`);
  }
  if (value < min || (min === 0 && !Number.isFinite(value))) {
    throw new RangeError(
      `downloadFile: ${name} must be ${min === 0 ? "finite and ≥ 0" : `≥ ${min}`}, got ${value}`,
    );
  }
  return value;
}

/** Whether process `pid` runs on this machine; true when it cannot be told (no `/proc`). */
async function isRunning(pid: number): Promise<boolean> {
  if (pid === Deno.pid) return true;
  try {
    await Deno.stat("/proc/self");
  } catch {
    return true;
  }
  try {
    await Deno.stat(`/proc/${pid}`);
    return true;
  } catch (e) {
    return !(e instanceof Deno.errors.NotFound);
  }
}

/** The latest modification time (ms) of `path` or anything inside it; `now` when unknown. */
async function lastChange(path: string, now: number): Promise<number> {
  try {
    const info = await Deno.lstat(path);
    let latest = info.mtime?.getTime() ?? now;
    if (info.isDirectory) {
      for await (const entry of Deno.readDir(path)) {
        latest = Math.max(latest, await lastChange(join(path, entry.name), now));
      }
    }
    return latest;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return now; // removed meanwhile: not stale
    throw e;
  }
}
