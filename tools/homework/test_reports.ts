/**
 * Reading what `deno test` reports: its JUnit XML (the authoritative results; the tests cannot
 * write files), its TAP stream (progress, and the fallback when a process had to be killed), and
 * cleaning messages for students.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseTap } from "./test_reports.ts";
 * const tap = 'TAP version 14\nok 1 - a: x\nnot ok 2 - b: y\n  ---\n  {"message":"boom"}\n  ...\n';
 * assert.deepEqual(parseTap(tap).map((r) => [r.name, r.passed, r.message]), [
 *   ["a: x", true, ""],
 *   ["b: y", false, "boom"],
 * ]);
 * ```
 * @module
 */

/**
 * What happened to one test.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { TestOutcome } from "./test_reports.ts";
 * const o: TestOutcome = { name: "a: b", passed: false, message: "timed out", seconds: 3 };
 * assert.equal(o.passed, false);
 * ```
 */
export interface TestOutcome {
  /** The test's name. */
  name: string;
  /** True when it passed. */
  passed: boolean;
  /** Why it failed (cleaned of colours and temp paths), or "" when it passed. */
  message: string;
  /** Seconds it ran (as reported by Deno, or until it was killed). */
  seconds: number;
}

/**
 * Test results from Deno's JUnit XML: name, pass/fail, the failure text and the time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseJunit } from "./test_reports.ts";
 * const xml = '<testcase name="a &amp; b" time="0.5"></testcase>' +
 *   '<testcase name="c" time="0"><failure message="x">Error: x &lt;1&gt;</failure></testcase>';
 * assert.deepEqual(parseJunit(xml), [
 *   { name: "a & b", passed: true, message: "", seconds: 0.5 },
 *   { name: "c", passed: false, message: "Error: x <1>", seconds: 0 },
 * ]);
 * ```
 */
export function parseJunit(xml: string): TestOutcome[] {
  const out: TestOutcome[] = [];
  const cases = xml.matchAll(/<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g);
  for (const [, attrs, , body = ""] of cases) {
    const name = decodeXml(/\bname="([^"]*)"/.exec(attrs)?.[1] ?? "");
    const seconds = Number(/\btime="([^"]*)"/.exec(attrs)?.[1] ?? 0);
    const fail = /<(failure|error)\b([^>]*?)(?:\/>|>([\s\S]*?)<\/\1>)/.exec(body);
    if (!fail) {
      if (/<skipped\b/.test(body)) continue;
      out.push({ name, passed: true, message: "", seconds });
      continue;
    }
    const attr = decodeXml(/\bmessage="([^"]*)"/.exec(fail[2])?.[1] ?? "");
    const text = decodeXml(fail[3] ?? "").trim();
    out.push({ name, passed: false, message: text || attr, seconds });
  }
  return out;
}

/**
 * Test results from Deno's TAP output (`--reporter=tap`), failure messages included.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseTap } from "./test_reports.ts";
 * assert.equal(parseTap("ok 1 - x\n1..1\n")[0].passed, true);
 * ```
 */
export function parseTap(tap: string): TestOutcome[] {
  const out: TestOutcome[] = [];
  const lines = tap.split("\n");
  lines.forEach((line, i) => {
    const m = /^(not )?ok \d+ - (.*)$/.exec(line);
    if (!m) return;
    let message = "";
    if (m[1] && lines[i + 1]?.trim() === "---") {
      try {
        message = String(JSON.parse(lines[i + 2] ?? "").message ?? "");
      } catch {
        message = lines[i + 2]?.trim() ?? "";
      }
    }
    out.push({ name: m[2], passed: !m[1], message, seconds: 0 });
  });
  return out;
}

/**
 * Text for a student: no ANSI colours, no temp-dir paths, at most `max` characters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clean } from "./test_reports.ts";
 * assert.equal(clean("\x1b[31mat file:///tmp/ws/lib/a.ts:3:1\x1b[0m", "/tmp/ws"), "at lib/a.ts:3:1");
 * ```
 */
export function clean(text: string, root: string, max = 3000): string {
  // deno-lint-ignore no-control-regex
  let s = text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, "");
  for (const prefix of [`file://${root}/`, `${root}/`]) s = s.split(prefix).join("");
  s = s.trim();
  return s.length > max ? `${s.slice(0, max)}\n… (${s.length - max} more characters)` : s;
}

function decodeXml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|quot|apos|lt|gt|amp);/gi, (_, e: string) => {
    if (e[0] === "#") {
      return String.fromCodePoint(e[1] === "x" ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    }
    return { quot: '"', apos: "'", lt: "<", gt: ">", amp: "&" }[e.toLowerCase()] ?? "";
  });
}
