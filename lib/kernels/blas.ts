/**
 * The system BLAS through Deno's FFI: finding a CBLAS library (`BLAS_LIB`, then OpenBLAS, MKL,
 * BLIS, FlexiBLAS or the `libblas.so.3` alternative on Linux, Accelerate or Homebrew's OpenBLAS on
 * macOS, an OpenBLAS or MKL DLL on Windows), opening it with `Deno.dlopen`, and calling its
 * `cblas_dgemm` on the caller's `Float64Array`s in place (no copies: FFI passes their addresses).
 *
 * Nothing here ever asks for a permission: without `--allow-ffi` (or `--allow-env` to read
 * `BLAS_LIB`) the search finds nothing and the dispatcher (`gemm.ts`) stays on WebAssembly. A
 * library found only by its generic name (`libblas.so.3`, `libcblas.so.3`) that does not say
 * which BLAS it is (no OpenBLAS/MKL/BLIS/FlexiBLAS version symbol) may be the slow reference BLAS:
 * the search skips it unless `BLAS_LIB` names it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findBlas } from "./blas.ts";
 * const found = findBlas(); // null without --allow-ffi or without a CBLAS library
 * if (found.blas) {
 *   const out = new Float64Array(1);
 *   found.blas.product(Float64Array.of(1, 2), Float64Array.of(3, 4), out, 1, 2, 1);
 *   assert.equal(out[0], 11);
 * } else assert.ok(found.tried.length > 0 || found.reason !== "");
 * ```
 * @module
 */

/** The FFI signatures; optional symbols identify the library and set its thread count. */
const SYMBOLS = {
  cblas_dgemm: {
    // order, transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc
    parameters: [
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "f64",
      "buffer",
      "i32",
      "buffer",
      "i32",
      "f64",
      "buffer",
      "i32",
    ],
    result: "void",
  },
  openblas_get_config: { parameters: [], result: "pointer", optional: true },
  openblas_set_num_threads: { parameters: ["i32"], result: "void", optional: true },
  MKL_Get_Version_String: { parameters: ["buffer", "i32"], result: "void", optional: true },
  MKL_Set_Num_Threads: { parameters: ["i32"], result: "void", optional: true },
  bli_info_get_version_str: { parameters: [], result: "pointer", optional: true },
  bli_thread_set_num_threads: { parameters: ["i64"], result: "void", optional: true },
  flexiblas_avail: { parameters: [], result: "i32", optional: true },
} as const;

type BlasLib = Deno.DynamicLibrary<typeof SYMBOLS>;

/**
 * OpenBLAS built with 64-bit integers names its symbols differently: `cblas_dgemm64_` (e.g.
 * Debian's libopenblas64) or `scipy_cblas_dgemm64_` (scipy-openblas, the OpenBLAS inside numpy's
 * wheels). Sizes are then 64-bit. Same keys as SYMBOLS, so a Blas calls either the same way.
 */
const ILP64_NAMINGS = [{ prefix: "", suffix: "64_" }, { prefix: "scipy_", suffix: "64_" }];

function ilp64Symbols(prefix: string, suffix: string): typeof SYMBOLS {
  // order and the two transposes stay C enums (32-bit); m, n, k and the leading dimensions widen
  const int = (t: string, i: number) => (t === "i32" && i >= 3 ? "i64" : t);
  return {
    cblas_dgemm: {
      name: `${prefix}cblas_dgemm${suffix}`,
      parameters: SYMBOLS.cblas_dgemm.parameters.map(int),
      result: "void",
    },
    openblas_get_config: {
      name: `${prefix}openblas_get_config${suffix}`,
      parameters: [],
      result: "pointer",
      optional: true,
    },
    openblas_set_num_threads: {
      name: `${prefix}openblas_set_num_threads${suffix}`,
      parameters: ["i32"],
      result: "void",
      optional: true,
    },
  } as unknown as typeof SYMBOLS;
}

const ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;
const INT32_MAX = 2 ** 31 - 1;

/**
 * Where to look for a CBLAS library on `os` (Deno.build.os), most specific first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { blasCandidates } from "./blas.ts";
 * assert.equal(blasCandidates("linux")[0], "libopenblas.so.0");
 * assert.match(blasCandidates("darwin")[0], /Accelerate/);
 * assert.ok(blasCandidates("windows").includes("libopenblas.dll"));
 * ```
 */
export function blasCandidates(os: string): string[] {
  if (os === "darwin") {
    return [
      "/System/Library/Frameworks/Accelerate.framework/Accelerate",
      "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
      "/usr/local/opt/openblas/lib/libopenblas.dylib",
    ];
  }
  if (os === "windows") {
    return ["libopenblas.dll", "openblas.dll", "mkl_rt.2.dll", "mkl_rt.dll"];
  }
  return [
    "libopenblas.so.0",
    "libopenblas.so",
    "libmkl_rt.so.2",
    "libmkl_rt.so",
    "libblis.so.4",
    "libflexiblas.so.3",
    "libblas.so.3",
    "libcblas.so.3",
  ];
}

/**
 * An opened CBLAS library: its name, what it says it is, and C = op(A)·op(B) through its
 * `cblas_dgemm` on row-major `Float64Array`s (`out` is overwritten).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findBlas } from "./blas.ts";
 * const blas = findBlas().blas;
 * if (blas) {
 *   const out = new Float64Array(4);
 *   // Aᵀ·B with A = [[1, 2]] (stored 1×2, so Aᵀ is 2×1) and B = [[3, 4]]
 *   blas.product(Float64Array.of(1, 2), Float64Array.of(3, 4), out, 2, 1, 2, true, false);
 *   assert.deepEqual(Array.from(out), [3, 4, 6, 8]);
 *   assert.ok(blas.library.length > 0 && blas.vendor.length > 0);
 * }
 * ```
 */
export class Blas {
  /** The file opened: the name or path given to `dlopen`. */
  readonly library: string;
  /** What the library says it is, e.g. "OpenBLAS 0.3.21 … Zen", or "unknown CBLAS". */
  readonly vendor: string;
  /** Whether the library has a thread-count setter (OpenBLAS, MKL, BLIS). */
  readonly canSetThreads: boolean;
  #lib: BlasLib;
  #ilp64: boolean;

  /**
   * Wraps an opened library (see `openBlas`); `vendor` when the library cannot say; `ilp64` when
   * its sizes are 64-bit integers.
   */
  constructor(library: string, lib: BlasLib, vendor?: string, ilp64 = false) {
    this.library = library;
    this.#lib = lib;
    this.#ilp64 = ilp64;
    this.vendor = identify(lib) ?? vendor ?? "unknown CBLAS";
    const s = lib.symbols;
    this.canSetThreads = !!(s.openblas_set_num_threads || s.MKL_Set_Num_Threads ||
      s.bli_thread_set_num_threads);
  }

  /**
   * Whether the library names itself (OpenBLAS, MKL, BLIS, FlexiBLAS) or is Accelerate.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { findBlas } from "./blas.ts";
   * const blas = findBlas().blas; // null without --allow-ffi or without a CBLAS library
   * if (blas) assert.equal(blas.known, blas.vendor !== "unknown CBLAS");
   * ```
   */
  get known(): boolean {
    return this.vendor !== "unknown CBLAS";
  }

  /**
   * Asks the library to use `threads` threads per product (ignored where it has no setter).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { findBlas } from "./blas.ts";
   * const blas = findBlas().blas;
   * if (blas) {
   *   blas.setThreads(1); // one thread per product from now on (where the library can be told)
   *   const out = new Float64Array(1);
   *   blas.product(Float64Array.of(2), Float64Array.of(3), out, 1, 1, 1);
   *   assert.equal(out[0], 6);
   * }
   * ```
   */
  setThreads(threads: number): void {
    const s = this.#lib.symbols;
    if (s.openblas_set_num_threads) s.openblas_set_num_threads(threads);
    else if (s.MKL_Set_Num_Threads) s.MKL_Set_Num_Threads(threads);
    else if (s.bli_thread_set_num_threads) s.bli_thread_set_num_threads(BigInt(threads));
  }

  /**
   * Whether every size (and so every leading dimension) fits cblas_dgemm's integers (32-bit, except
   * in a 64-bit-integer OpenBLAS).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { findBlas } from "./blas.ts";
   * const blas = findBlas().blas;
   * if (blas) {
   *   assert(blas.fits(50000, 3073, 10)); // CIFAR-10 scores
   *   assert(!blas.fits(2 ** 31, 1, 1)); // past cblas_dgemm's 32-bit sizes
   * }
   * ```
   */
  fits(m: number, k: number, n: number): boolean {
    return this.#ilp64 || Math.max(m, k, n) <= INT32_MAX;
  }

  /**
   * C (m×n) = op(A)·op(B), with A stored k×m when `transA`, B stored n×k when `transB`. The
   * arrays are read and written where they are (no copy).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { findBlas } from "./blas.ts";
   * const blas = findBlas().blas;
   * if (blas) {
   *   const out = new Float64Array(4); // C is m×n = 2×2
   *   blas.product(Float64Array.of(1, 2, 3, 4), Float64Array.of(1, 0, 0, 1), out, 2, 2, 2); // A·I
   *   assert.deepEqual(Array.from(out), [1, 2, 3, 4]);
   * }
   * ```
   */
  product(
    a: Float64Array,
    b: Float64Array,
    out: Float64Array,
    m: number,
    k: number,
    n: number,
    transA = false,
    transB = false,
  ): void {
    this.#lib.symbols.cblas_dgemm(
      ROW_MAJOR,
      transA ? TRANS : NO_TRANS,
      transB ? TRANS : NO_TRANS,
      m,
      n,
      k,
      1,
      a,
      transA ? m : k,
      b,
      transB ? k : n,
      0,
      out,
      n,
    );
  }

  /**
   * Closes the library (products through this object fail afterwards).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { findBlas, openBlas } from "./blas.ts";
   * const library = findBlas().blas?.library;
   * if (library) {
   *   const own = openBlas(library); // its own handle: closing it leaves the shared one open
   *   const out = new Float64Array(1);
   *   own.product(Float64Array.of(2), Float64Array.of(5), out, 1, 1, 1);
   *   own.close(); // products through `own` would fail from here on
   *   assert.equal(out[0], 10);
   * }
   * ```
   */
  close(): void {
    this.#lib.close();
  }
}

function identify(lib: BlasLib): string | null {
  const s = lib.symbols;
  const cString = (p: Deno.PointerValue) => p ? Deno.UnsafePointerView.getCString(p) : null;
  if (s.openblas_get_config) return cString(s.openblas_get_config()) ?? "OpenBLAS";
  if (s.MKL_Get_Version_String) {
    const buf = new Uint8Array(256);
    s.MKL_Get_Version_String(buf, buf.length);
    const text = new TextDecoder().decode(buf.subarray(0, buf.indexOf(0))).trim();
    return text || "Intel MKL";
  }
  if (s.bli_info_get_version_str) return `BLIS ${cString(s.bli_info_get_version_str())}`;
  if (s.flexiblas_avail) return "FlexiBLAS";
  return null;
}

/**
 * Opens `library` (a file name the system loader searches for, or a path) and binds its
 * `cblas_dgemm`; throws the loader's error when it cannot.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openBlas } from "./blas.ts";
 * if (Deno.permissions.querySync({ name: "ffi" }).state === "granted") {
 *   assert.throws(() => openBlas("/no/such/libblas.so"), /no\/such/);
 * }
 * ```
 */
export function openBlas(library: string): Blas {
  const accelerate = library.includes("Accelerate.framework") ? "Apple Accelerate" : undefined;
  let lp64Error: unknown;
  try {
    return new Blas(library, Deno.dlopen(library, SYMBOLS), accelerate);
  } catch (e) {
    lp64Error = e; // not there, or no cblas_dgemm: maybe a 64-bit-integer OpenBLAS
  }
  for (const { prefix, suffix } of ILP64_NAMINGS) {
    try {
      return new Blas(library, Deno.dlopen(library, ilp64Symbols(prefix, suffix)), undefined, true);
    } catch { /* next naming */ }
  }
  throw lp64Error;
}

/**
 * The outcome of a search: the library opened (or null), the names tried, and why nothing was
 * used (empty when a library was found).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type BlasSearch, findBlas } from "./blas.ts";
 * const search: BlasSearch = findBlas();
 * assert.equal(search.blas === null, search.reason !== "");
 * ```
 */
export interface BlasSearch {
  /** The opened library, or null. */
  blas: Blas | null;
  /** Names and paths tried, in order. */
  tried: string[];
  /** Why no library is used ("" when one is). */
  reason: string;
}

/** Whether `descriptor` is granted, without ever prompting (false where Deno has no permissions). */
function granted(descriptor: Deno.PermissionDescriptor): boolean {
  try {
    return globalThis.Deno?.permissions?.querySync?.(descriptor).state === "granted";
  } catch {
    return false;
  }
}

/**
 * Reads an environment variable only when `--allow-env` grants it (never prompts); undefined
 * otherwise or when unset.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readEnv } from "./blas.ts";
 * const home = readEnv("HOME");
 * assert.ok(home === undefined || typeof home === "string");
 * ```
 */
export function readEnv(name: string): string | undefined {
  if (!granted({ name: "env", variable: name })) return undefined;
  return Deno.env.get(name);
}

/**
 * Finds a CBLAS library: `BLAS_LIB` when set (an error naming it if it cannot be opened), else
 * the first of `blasCandidates(Deno.build.os)` that opens and says which BLAS it is. Never
 * prompts: without the FFI permission it finds nothing, with the reason.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findBlas } from "./blas.ts";
 * const { blas, reason } = findBlas();
 * assert.ok(blas !== null || /FFI|no CBLAS|unknown/.test(reason));
 * ```
 */
export function findBlas(envPath: string | undefined = readEnv("BLAS_LIB")): BlasSearch {
  if (envPath !== undefined && envPath !== "") {
    if (!granted({ name: "ffi" }) && !granted({ name: "ffi", path: envPath })) {
      return { blas: null, tried: [envPath], reason: "no FFI permission (run with --allow-ffi)" };
    }
    try {
      return { blas: openBlas(envPath), tried: [envPath], reason: "" };
    } catch (e) {
      throw new Error(
        `BLAS_LIB=${envPath}: cannot load it as a CBLAS library (${
          e instanceof Error ? e.message : e
        }); unset BLAS_LIB to search the usual places`,
      );
    }
  }
  if (!granted({ name: "ffi" })) {
    return { blas: null, tried: [], reason: "no FFI permission (run with --allow-ffi)" };
  }
  const tried: string[] = [];
  const os = globalThis.Deno?.build?.os ?? "";
  const unknown: string[] = [];
  for (const library of blasCandidates(os)) {
    tried.push(library);
    let blas: Blas;
    try {
      blas = openBlas(library);
    } catch {
      continue; // not installed, or no cblas_dgemm in it
    }
    if (blas.known) return { blas, tried, reason: "" };
    unknown.push(library); // maybe the reference BLAS: slower than WebAssembly
    blas.close();
  }
  const reason = unknown.length
    ? `only unknown CBLAS libraries (${unknown.join(", ")}; set BLAS_LIB to use one)`
    : `no CBLAS library found (tried ${tried.join(", ")})`;
  return { blas: null, tried, reason };
}
