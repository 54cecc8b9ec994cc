/**
 * Checks a homework manifest (see manifest.ts for the format) and explains every problem.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateManifest } from "./validate_manifest.ts";
 * assert.match(validateManifest({})[0], /no assignments array/);
 * ```
 * @module
 */
import { functionOf, VISIBILITIES, type Visibility } from "./manifest.ts";

/**
 * Every problem with a manifest, as readable sentences (empty when it is valid).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateManifest } from "./manifest.ts";
 * assert.match(validateManifest({ assignments: [] })[0], /no assignments/);
 * ```
 */
export function validateManifest(m: unknown): string[] {
  const errors: string[] = [];
  const err = (s: string) => errors.push(s);
  if (!isObject(m) || !Array.isArray(m.assignments)) return ["manifest: no assignments array"];
  if (m.assignments.length === 0) err("manifest: no assignments");
  const ids = new Set<string>();
  const earlier = new Set<string>(); // the functions of the assignments before this one
  for (const [i, a] of (m.assignments as unknown[]).entries()) {
    if (!isObject(a) || typeof a.id !== "string" || !/^[A-Za-z0-9_-]+$/.test(a.id)) {
      err(`assignments[${i}]: id must be letters, digits, _ or -`);
      continue;
    }
    const at = `assignment ${a.id}`;
    if (ids.has(a.id)) err(`${at}: duplicate id`);
    ids.add(a.id);
    if (typeof a.title !== "string" || !a.title) err(`${at}: title missing`);
    if (a.points !== undefined && !isNonNegative(a.points)) err(`${at}: points must be ≥ 0`);
    const functions = isObject(a.functions) ? a.functions : {};
    if (Object.keys(functions).length === 0) err(`${at}: no functions`);
    for (const [name, f] of Object.entries(functions)) {
      if (!isObject(f) || typeof f.file !== "string" || !/^lib\/.+\.ts$/.test(f.file)) {
        err(`${at}: function ${name}: file must be a lib/….ts path`);
      } else if (f.uses !== undefined) {
        const bad = Array.isArray(f.uses)
          ? f.uses.filter((u) => !(u in functions) && !earlier.has(u))
          : ["?"];
        if (bad.length) err(`${at}: function ${name}: uses unknown ${bad.join(", ")}`);
      }
    }
    for (const name of Object.keys(functions)) earlier.add(name);
    if (
      a.gradedWith !== undefined &&
      (!Array.isArray(a.gradedWith) ||
        !a.gradedWith.every((f) => typeof f === "string" && /^lib\/.+\.ts$/.test(f)))
    ) {
      err(`${at}: gradedWith must list lib/….ts paths`);
    }
    if (!Array.isArray(a.testFiles) || a.testFiles.length === 0) {
      err(`${at}: no testFiles`);
      continue;
    }
    const names = new Set<string>();
    const tested = new Set<string>();
    let explicit = 0, implicit = 0;
    for (const file of a.testFiles as unknown[]) {
      if (!isObject(file) || typeof file.path !== "string") {
        err(`${at}: a test file has no path`);
        continue;
      }
      const fat = `${at}: ${file.path}`;
      const vis = file.visibility as Visibility;
      if (!VISIBILITIES.includes(vis)) err(`${fat}: visibility must be one of ${VISIBILITIES}`);
      const folder = vis === "visible" ? "public" : "hidden";
      if (!file.path.startsWith(`assignments/tests/${a.id}/${folder}/`)) {
        err(`${fat}: ${vis} tests belong in assignments/tests/${a.id}/${folder}/`);
      }
      if (!file.path.endsWith(".test.ts")) err(`${fat}: must end with .test.ts`);
      if (file.timeoutSeconds !== undefined && !isPositive(file.timeoutSeconds)) {
        err(`${fat}: timeoutSeconds must be > 0`);
      }
      if (!Array.isArray(file.tests) || file.tests.length === 0) err(`${fat}: no tests`);
      for (const t of (Array.isArray(file.tests) ? file.tests : []) as unknown[]) {
        if (!isObject(t) || typeof t.name !== "string") {
          err(`${fat}: a test has no name`);
          continue;
        }
        const tat = `${fat}: test "${t.name}"`;
        if (names.has(t.name)) err(`${tat}: duplicate name`);
        names.add(t.name);
        if (/[#\n\r]/.test(t.name) || t.name !== t.name.trim()) {
          err(`${tat}: no #, line breaks or outer spaces in names`);
        }
        const fn = functionOf(t.name);
        if (fn === null || !(fn in functions)) {
          err(`${tat}: must start with "<function>: " naming one of ${Object.keys(functions)}`);
        } else tested.add(fn);
        if (t.points === undefined) implicit++;
        else if (!isNonNegative(t.points)) err(`${tat}: points must be ≥ 0`);
        else explicit += t.points as number;
        if (t.timeoutSeconds !== undefined && !isPositive(t.timeoutSeconds)) {
          err(`${tat}: timeoutSeconds must be > 0`);
        }
        if (t.visibility !== undefined) {
          const tv = t.visibility as Visibility;
          if (!VISIBILITIES.includes(tv)) err(`${tat}: unknown visibility ${tv}`);
          else if ((tv === "visible") !== (vis === "visible")) {
            err(`${tat}: visibility ${tv} does not fit a ${folder}/ file`);
          }
        }
      }
    }
    // A student manifest lists only the public tests; hiddenPoints stands for the rest.
    const hidden = typeof a.hiddenPoints === "number" ? a.hiddenPoints : 0;
    if (a.hiddenPoints === undefined) {
      for (const fn of Object.keys(functions)) {
        if (!tested.has(fn)) err(`${at}: function ${fn} has no test`);
      }
    }
    explicit += hidden;
    if (typeof a.points === "number") {
      if (explicit > a.points + 1e-9) {
        err(`${at}: tests have ${explicit} points, more than ${a.points}`);
      } else if (implicit === 0 && Math.abs(explicit - a.points) > 1e-9) {
        err(`${at}: tests have ${explicit} points but the assignment has ${a.points}`);
      }
    }
  }
  return errors;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isNonNegative(v: unknown): boolean {
  return typeof v === "number" && Number.isFinite(v) && v >= 0;
}

function isPositive(v: unknown): boolean {
  return typeof v === "number" && Number.isFinite(v) && v > 0;
}
