/**
 * This repository cannot be published: lib/ holds the graded solutions and assignments/ the hidden
 * tests, so deno.json has no name or version — on purpose, with the reason in its "//" field and in
 * README (Publishing). Its "exports" only name the entry points (lib/mod.ts and the subpaths); they
 * make nothing publishable. `deno publish --dry-run` must refuse.
 */
import assert from "node:assert/strict";
import { REPO_ROOT } from "../tools/kernelspec.ts";

Deno.test("publish: deno publish --dry-run refuses this repository (solutions and hidden tests)", async () => {
  const config = JSON.parse(await Deno.readTextFile(`${REPO_ROOT}/deno.json`));
  assert.equal(config.license, "MIT");
  assert.match(config["//"], /Not publishable on purpose/);
  assert.match(await Deno.readTextFile(`${REPO_ROOT}/LICENSE`), /^MIT License/);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["publish", "--dry-run", "--allow-dirty"],
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
  assert.notEqual(out.code, 0, `deno publish --dry-run succeeded:\n${text}`);
  assert.match(text, /Missing 'name' field/);
});

Deno.test("exports: every entry point is a lib/ module, with an import-map name to match", async () => {
  const config = JSON.parse(await Deno.readTextFile(`${REPO_ROOT}/deno.json`));
  const exports = config.exports as Record<string, string>;
  assert.equal(exports["."], "./lib/mod.ts");
  assert.equal(config.imports.lib, "./lib/mod.ts");
  for (const [subpath, target] of Object.entries(exports)) {
    assert.match(target, /^\.\/lib\/[a-z_/]+\.ts$/, `${subpath} → ${target}`);
    await Deno.stat(`${REPO_ROOT}/${target}`); // throws NotFound for a stale entry
    if (subpath !== ".") {
      const name = `lib/${subpath.slice(2)}`;
      assert.equal(config.imports[name], target, `import map "${name}" vs exports "${subpath}"`);
    }
  }
  // Each door opens: lib/kernels gives the backend controls, which the front door does not.
  const front = await import("lib");
  const kernels = await import("lib/kernels");
  assert.equal(typeof kernels.configureKernels, "function");
  assert.equal("configureKernels" in front, false);
});
