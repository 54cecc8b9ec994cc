/**
 * `deno run -A tools/doc_examples.ts [--help]`: lists every public symbol of lib/ that has no
 * runnable `@example`, and exits 1 if there is one outside `ALLOWED`. The rule it enforces
 * (issue 11, part 5): every exported function, class, constant and type, and every public method,
 * getter and static of an exported class, carries an `@example` that `deno test --doc` runs.
 *
 * "Public" is what `deno doc --json` reports for the entry points: `lib/mod.ts` and every
 * `lib/<dir>/mod.ts` (the subpath modules). A symbol declared outside lib/ (an npm re-export such
 * as `Plot`) is checked on its re-export only. An example counts when its code fence is TypeScript
 * or JavaScript and not marked `ignore`. Overloads share one example (any signature may hold it).
 * tests/doc_examples.test.ts runs the same check.
 *
 * Exit code: 0 when nothing outside `ALLOWED` is missing, 1 otherwise, 2 on a usage error.
 *
 * @module
 */

/** The repository root (this file is tools/doc_examples.ts). */
const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/**
 * Files whose public symbols may still lack an example, for now only: while issue 11 is worked
 * on, other branches edit them (losses, nn, classifiers, optim, preprocess, arrow) and add their
 * own examples. The merge empties this list; the test fails on an entry that no longer has
 * anything missing, so it cannot outlive its reason.
 */
export const ALLOWED: readonly string[] = [];

/** One public symbol (or class member) without a runnable example. */
export interface MissingExample {
  /** Path relative to the root, e.g. `lib/matrix.ts`. */
  file: string;
  /** Line of its (first) declaration. */
  line: number;
  /** `name` for a symbol, `Class.member` for a method or getter. */
  name: string;
  /** `deno doc`'s kind: function, class, variable, interface, typeAlias, method, getter, … */
  kind: string;
}

// The parts of `deno doc --json` (format version 1) read here.
interface JsDoc {
  tags?: { kind: string; doc?: string }[];
}
interface Location {
  filename: string;
  line: number;
}
interface Member {
  name: string;
  kind: string;
  accessibility?: string;
  jsDoc?: JsDoc;
  location: Location;
}
interface Declaration {
  kind: string;
  declarationKind?: string;
  jsDoc?: JsDoc;
  location: Location;
  def?: { methods?: Member[]; target?: Location };
}
interface DocJson {
  nodes: Record<string, { symbols?: { name: string; declarations: Declaration[] }[] }>;
}

/** `lib/mod.ts` and every `lib/<dir>/mod.ts` under `root`, sorted. */
export function entryPoints(root: string = ROOT): string[] {
  const out = ["lib/mod.ts"];
  for (const e of Deno.readDirSync(`${root}/lib`)) {
    if (!e.isDirectory) continue;
    try {
      if (Deno.statSync(`${root}/lib/${e.name}/mod.ts`).isFile) out.push(`lib/${e.name}/mod.ts`);
    } catch { /* no mod.ts: not an entry point */ }
  }
  return out.sort();
}

/** True when `doc` holds an `@example` whose code fence `deno test --doc` runs. */
export function hasRunnableExample(doc: JsDoc | undefined): boolean {
  return (doc?.tags ?? []).some((t) =>
    t.kind === "example" &&
    /^```(ts|typescript|js|javascript|tsx|jsx)\b(?![^\n]*\bignore\b)/m.test(t.doc ?? "")
  );
}

/**
 * Every public symbol and public class member reachable from `entries` (paths relative to `root`)
 * that has no runnable example, sorted by file and line.
 */
export async function missingExamples(
  root: string = ROOT,
  entries: readonly string[] = entryPoints(root),
): Promise<MissingExample[]> {
  const prefix = new URL(`file://${root}/`).href;
  const rel = (loc: Location) =>
    loc.filename.startsWith(prefix) ? loc.filename.slice(prefix.length) : loc.filename;
  // One entry per (file, name): overloads and re-exports through several entry points collapse.
  const seen = new Map<string, { miss: MissingExample; ok: boolean }>();
  const note = (file: string, line: number, name: string, kind: string, ok: boolean) => {
    const key = `${file}\0${name}`;
    const prev = seen.get(key);
    if (prev) prev.ok ||= ok;
    else seen.set(key, { miss: { file, line, name, kind }, ok });
  };
  const visit = (name: string, d: Declaration) => {
    // "private": not exported, listed only because an exported signature mentions it.
    if (d.declarationKind === "private") return;
    const file = rel(d.location);
    note(file, d.location.line, name, d.kind, hasRunnableExample(d.jsDoc));
    if (d.kind !== "class" || !file.startsWith("lib/")) return;
    for (const m of d.def?.methods ?? []) {
      if (m.accessibility === "private" || m.accessibility === "protected") continue;
      note(
        rel(m.location),
        m.location.line,
        `${name}.${m.name}`,
        m.kind,
        hasRunnableExample(m.jsDoc),
      );
    }
  };
  // `export { a } from "./x.ts"` is a "reference" to a declaration in x.ts, which `deno doc`
  // documents only when x.ts is an entry point itself: those files get a second pass.
  const references: Location[] = [];
  for (const node of Object.values((await denoDoc(root, entries)).nodes)) {
    for (const symbol of node.symbols ?? []) {
      for (const d of symbol.declarations) {
        if (d.kind === "reference" && d.def?.target) references.push(d.def.target);
        else visit(symbol.name, d);
      }
    }
  }
  if (references.length > 0) {
    const files = [...new Set(references.map((t) => rel(t)))];
    const byPlace = new Map<string, [string, Declaration]>();
    for (const node of Object.values((await denoDoc(root, files)).nodes)) {
      for (const symbol of node.symbols ?? []) {
        for (const d of symbol.declarations) {
          byPlace.set(`${d.location.filename}:${d.location.line}`, [symbol.name, d]);
        }
      }
    }
    for (const t of references) {
      const found = byPlace.get(`${t.filename}:${t.line}`);
      if (!found) throw new Error(`doc_examples: no declaration at ${rel(t)}:${t.line}`);
      visit(...found);
    }
  }
  return [...seen.values()].filter((v) => !v.ok).map((v) => v.miss)
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/** `deno doc --json` of `files` (relative to `root`), parsed. */
async function denoDoc(root: string, files: readonly string[]): Promise<DocJson> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", ...files],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`deno doc --json failed:\n${new TextDecoder().decode(out.stderr)}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout)) as DocJson;
}

/** `file:line name (kind)`, one per line. */
export function formatMissing(list: readonly MissingExample[]): string {
  return list.map((m) => `${m.file}:${m.line} ${m.name} (${m.kind})`).join("\n");
}

const USAGE = `usage: deno run -A tools/doc_examples.ts [--help]
Lists the public symbols and class methods of lib/ without a runnable @example;
exit 1 if one is outside the allow-list (ALLOWED in this file).`;

if (import.meta.main) {
  if (Deno.args.includes("--help") || Deno.args.includes("-h")) {
    console.log(USAGE);
    Deno.exit(0);
  }
  if (Deno.args.length > 0) {
    console.error(`unknown argument ${Deno.args[0]}\n${USAGE}`);
    Deno.exit(2);
  }
  const missing = await missingExamples();
  const allowed = missing.filter((m) => ALLOWED.includes(m.file));
  const bad = missing.filter((m) => !ALLOWED.includes(m.file));
  if (allowed.length > 0) {
    console.log(`allowed for now (${allowed.length}):\n${formatMissing(allowed)}\n`);
  }
  console.log(
    bad.length === 0
      ? "every other public symbol has an @example"
      : `no @example (${bad.length}):\n${formatMissing(bad)}`,
  );
  Deno.exit(bad.length === 0 ? 0 : 1);
}
