/**
 * This repository cannot be published: lib/ holds the graded solutions and assignments/ the hidden
 * tests, so deno.json has no name, version or exports — on purpose, with the reason in its "//"
 * field and in README (Publishing). `deno publish --dry-run` must refuse.
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
