/**
 * Builds the WebAssembly kernel: `lib/kernels/gemm.wat` → `lib/kernels/gemm_wasm.ts` (both
 * binaries, base64-encoded, so the library loads them without file-system permissions).
 *
 * Two variants come out of the one source: `relaxed` as written (f64x2.relaxed_madd, a fused
 * multiply-add where the CPU has one) and `simd`, where every `(f64x2.relaxed_madd x y acc)` is
 * rewritten to `(f64x2.add (f64x2.mul x y) acc)` for engines without relaxed SIMD.
 *
 * The build is reproducible: the assembler is wabt, pinned in deno.json, and the output depends
 * only on the source. `deno task build:wasm` writes the module; `deno task build:wasm --check`
 * exits 1 when the committed module differs from a fresh build (tests/kernels.test.ts checks it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toPlainSimd } from "./build_wasm.ts";
 * const wat = "(f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c00))";
 * assert.equal(toPlainSimd(wat), "(f64x2.add (f64x2.mul (local.get $a) (local.get $b0)) (local.get $c00))");
 * ```
 * @module
 */
import wabtInit from "wabt";

/**
 * Where the kernel source lives.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WAT_PATH } from "./build_wasm.ts";
 * assert(WAT_PATH.pathname.endsWith("/lib/kernels/gemm.wat"));
 * ```
 */
export const WAT_PATH: URL = new URL("../lib/kernels/gemm.wat", import.meta.url);
/**
 * Where the generated module goes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { OUT_PATH } from "./build_wasm.ts";
 * assert(OUT_PATH.pathname.endsWith("/lib/kernels/gemm_wasm.ts"));
 * ```
 */
export const OUT_PATH: URL = new URL("../lib/kernels/gemm_wasm.ts", import.meta.url);
/**
 * The pinned assembler, as written in deno.json (recorded in the generated file).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ASSEMBLER } from "./build_wasm.ts";
 * assert.match(ASSEMBLER, /^wabt \d+\.\d+\.\d+$/);
 * ```
 */
export const ASSEMBLER = "wabt 1.0.39";

const MADD =
  /\(f64x2\.relaxed_madd (\(local\.get \$\w+\)) (\(local\.get \$\w+\)) (\(local\.get \$\w+\))\)/g;

/**
 * Rewrites every `(f64x2.relaxed_madd x y acc)` (x, y, acc are `local.get`s) into the plain-SIMD
 * `(f64x2.add (f64x2.mul x y) acc)`. Throws a RangeError if any relaxed instruction is left over.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toPlainSimd } from "./build_wasm.ts";
 * assert.throws(() => toPlainSimd("(f64x2.relaxed_madd (f64.const 1))"), /relaxed instruction/);
 * ```
 */
export function toPlainSimd(wat: string): string {
  const out = wat.replace(MADD, "(f64x2.add (f64x2.mul $1 $2) $3)");
  const left = out.split("\n").findIndex((line) => /relaxed_\w+/.test(line.replace(/;;.*$/, "")));
  if (left >= 0) {
    throw new RangeError(
      `toPlainSimd: line ${left + 1} still has a relaxed instruction the rewrite does not know: ` +
        `write it as (f64x2.relaxed_madd (local.get $x) (local.get $y) (local.get $acc))`,
    );
  }
  return out;
}

/**
 * The two binaries built from one WAT source.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildWasm, type WasmBuild } from "./build_wasm.ts";
 * const build: WasmBuild = await buildWasm("(module)");
 * assert.equal(build.simd.length, 8); // magic number and version only
 * ```
 */
export interface WasmBuild {
  /** With relaxed-SIMD fused multiply-adds. */
  relaxed: Uint8Array<ArrayBuffer>;
  /** Plain SIMD only (multiply, then add). */
  simd: Uint8Array<ArrayBuffer>;
}

/**
 * Assembles `wat` (the kernel source) into both variants with wabt.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildWasm } from "./build_wasm.ts";
 * const wat = `(module (func (export "f") (result f64) (f64.const 2)))`;
 * const { relaxed, simd } = await buildWasm(wat);
 * assert.deepEqual(relaxed, simd);
 * const f = new WebAssembly.Instance(new WebAssembly.Module(relaxed)).exports.f as () => number;
 * assert.equal(f(), 2);
 * ```
 */
export async function buildWasm(wat: string): Promise<WasmBuild> {
  const wabt = await wabtInit();
  const features = { simd: true, threads: true, relaxed_simd: true, bulk_memory: true };
  const assemble = (name: string, text: string): Uint8Array<ArrayBuffer> => {
    const mod = wabt.parseWat(name, text, features);
    try {
      mod.resolveNames();
      // wabt.js's validate takes the feature set too (its .d.ts omits the parameter)
      (mod.validate as (features: object) => void)(features);
      return Uint8Array.from(mod.toBinary({ log: false, write_debug_names: false }).buffer);
    } finally {
      mod.destroy();
    }
  };
  return { relaxed: assemble("gemm.wat", wat), simd: assemble("gemm.simd.wat", toPlainSimd(wat)) };
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The text of `lib/kernels/gemm_wasm.ts` for a given WAT source (deterministic).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderModule } from "./build_wasm.ts";
 * const text = await renderModule(`(module)`);
 * assert.match(text, /export const GEMM_WASM_RELAXED: string = "AGFzbQEAAAA=";/);
 * ```
 */
export async function renderModule(wat: string): Promise<string> {
  const { relaxed, simd } = await buildWasm(wat);
  return `// Generated by tools/build_wasm.ts from lib/kernels/gemm.wat with ${ASSEMBLER}: do not edit.
// Rebuild with \`deno task build:wasm\`. Source SHA-256: ${await sha256(wat)}
// deno-fmt-ignore-file
/**
 * The compiled kernel (lib/kernels/gemm.wat), base64-encoded so it loads without permissions.
 *
 * @example
 * \`\`\`ts
 * import assert from "node:assert/strict";
 * import { GEMM_WASM_SIMD } from "./gemm_wasm.ts";
 * const bytes = Uint8Array.from(atob(GEMM_WASM_SIMD), (c) => c.charCodeAt(0));
 * assert(WebAssembly.validate(bytes));
 * \`\`\`
 * @module
 */

/**
 * The relaxed-SIMD build (f64x2.relaxed_madd), ${relaxed.length} bytes.
 *
 * @example
 * \`\`\`ts
 * import assert from "node:assert/strict";
 * import { GEMM_WASM_RELAXED } from "./gemm_wasm.ts";
 * assert.equal(atob(GEMM_WASM_RELAXED).length, ${relaxed.length});
 * \`\`\`
 */
export const GEMM_WASM_RELAXED: string = "${toBase64(relaxed)}";

/**
 * The plain-SIMD build (f64x2.mul then f64x2.add), ${simd.length} bytes.
 *
 * @example
 * \`\`\`ts
 * import assert from "node:assert/strict";
 * import { GEMM_WASM_SIMD } from "./gemm_wasm.ts";
 * assert.equal(atob(GEMM_WASM_SIMD).length, ${simd.length});
 * \`\`\`
 */
export const GEMM_WASM_SIMD: string = "${toBase64(simd)}";
`;
}

if (import.meta.main) {
  const wat = await Deno.readTextFile(WAT_PATH);
  const text = await renderModule(wat);
  if (Deno.args.includes("--check")) {
    let current = "";
    try {
      current = await Deno.readTextFile(OUT_PATH);
    } catch { /* missing counts as different */ }
    if (current !== text) {
      console.error("lib/kernels/gemm_wasm.ts is stale: run `deno task build:wasm`");
      Deno.exit(1);
    }
    console.log("lib/kernels/gemm_wasm.ts matches a fresh build of gemm.wat");
  } else {
    await Deno.writeTextFile(OUT_PATH, text);
    console.log(`wrote ${OUT_PATH.pathname}`);
  }
}
