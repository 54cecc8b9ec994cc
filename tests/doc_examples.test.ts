/**
 * Every public symbol of lib/ and every public method of its classes has an `@example` that
 * `deno test --doc` runs (issue 11, part 5), checked with tools/doc_examples.ts; and that checker
 * finds what it should on a small fixture.
 */
import assert from "node:assert/strict";
import {
  ALLOWED,
  entryPoints,
  formatMissing,
  hasRunnableExample,
  missingExamples,
} from "../tools/doc_examples.ts";

Deno.test("doc examples: every public symbol and class method of lib/ has a runnable @example", async () => {
  const missing = await missingExamples();
  const bad = missing.filter((m) => !ALLOWED.includes(m.file));
  assert.equal(bad.length, 0, `no @example:\n${formatMissing(bad)}`);
  // An allow-list entry with nothing left to excuse must go, so the list only ever shrinks.
  const stale = ALLOWED.filter((f) => !missing.some((m) => m.file === f));
  assert.deepEqual(stale, [], "remove these from ALLOWED in tools/doc_examples.ts");
});

Deno.test("doc examples: the entry points are lib/mod.ts and the subpath modules", () => {
  const entries = entryPoints();
  assert.deepEqual(entries, [...entries].sort());
  for (const e of ["lib/mod.ts", "lib/plot/mod.ts", "lib/kernels/mod.ts", "lib/data/mod.ts"]) {
    assert(entries.includes(e), `${e} is not checked`);
  }
});

Deno.test("doc examples: a fence marked ignore, or none, does not count", () => {
  const tag = (doc: string) => ({ tags: [{ kind: "example", doc }] });
  assert(hasRunnableExample(tag("```ts\nconst x = 1;\n```")));
  assert(hasRunnableExample(tag("Text first.\n```js\nconst x = 1;\n```")));
  assert(!hasRunnableExample(tag("```ts ignore\nconst x = 1;\n```")));
  assert(!hasRunnableExample(tag("no code at all")));
  assert(!hasRunnableExample({ tags: [{ kind: "param", doc: "```ts\n1\n```" }] }));
  assert(!hasRunnableExample(undefined));
});

Deno.test("doc examples: the checker lists exactly the undocumented symbols of a fixture", async () => {
  const root = await Deno.makeTempDir({ prefix: "doc_examples_" });
  try {
    const ex = (code: string) =>
      `/**\n * Doc.\n *\n * @example\n * \`\`\`ts\n * ${code}\n * \`\`\`\n */`;
    await Deno.mkdir(`${root}/lib/sub`, { recursive: true });
    await Deno.writeTextFile(
      `${root}/lib/mod.ts`,
      [
        ex("1;"),
        "export function good(): number { return 1; }",
        "/** Not exported: `deno doc` lists it (bare's signature names it), the checker skips it. */",
        "type Hidden = number;",
        "/** No example. */",
        "export function bare(): Hidden { return 2; }",
        "/**\n * Ignored.\n *\n * @example\n * ```ts ignore\n * 1;\n * ```\n */",
        "export const ignored = 3;",
        ex("new Box();"),
        "export class Box {",
        "  /** No example. */",
        "  get size(): number { return 0; }",
        `  ${ex("1;")}`,
        "  sum(): number;",
        "  /** The second overload: the first one's example covers it. */",
        "  sum(axis: number): number[];",
        "  sum(axis?: number): number | number[] { return axis === undefined ? 0 : []; }",
        "  /** No example. */",
        "  static make(): Box { return new Box(); }",
        "  private hidden(): void {}",
        "  #secret(): void {}",
        "}",
        'export * from "./sub/mod.ts";',
      ].join("\n"),
    );
    await Deno.writeTextFile(`${root}/lib/sub/mod.ts`, 'export { far } from "./far.ts";\n');
    await Deno.writeTextFile(
      `${root}/lib/sub/far.ts`,
      "/** No example. */\nexport type Far = number;\n/** No example. */\nexport function far(): void {}\n",
    );
    assert.deepEqual(entryPoints(root), ["lib/mod.ts", "lib/sub/mod.ts"]);
    const missing = await missingExamples(root);
    assert.deepEqual(
      missing.map((m) => `${m.file} ${m.name} ${m.kind}`),
      [
        "lib/mod.ts bare function",
        "lib/mod.ts ignored variable",
        "lib/mod.ts Box.size getter",
        "lib/mod.ts Box.make method",
        "lib/sub/far.ts far function", // through the named re-export; Far is not exported
      ],
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
