/**
 * `deno task test`: the one test command (README and CI run exactly this).
 *
 * 1. `deno test --parallel` (one worker per CPU, `DENO_JOBS` to change it) over the
 *    unit/integration tests in tests/ and the `@example` blocks of lib/, grader/ and tools/
 *    (`--doc`), with coverage and a JUnit report (build/junit.xml). Each test file and each
 *    example runs in its own isolate, so the ~560 examples cost minutes of start-up alone; two
 *    workers halve that and let the long browser and notebook tests overlap. The Deno kernelspec is
 *    installed first, once, so no test re-installs it while another test's kernel starts;
 * 2. line coverage of lib/ from that run (build/coverage.lcov), which must be ≥ 90%;
 * 3. `deno fmt --check` and `deno lint` over the repository, one test each (the offending files
 *    are listed when they fail);
 * 4. a last line `N passed, N failed` computed from the JUnit report (+ the coverage gate, fmt and
 *    lint).
 *
 * Extra arguments go to `deno test`, e.g. `deno task test --filter matmul`; such a filtered run
 * reports coverage, fmt and lint without counting them.
 * @module
 */
const COVERAGE_FLOOR = 90;
const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const deno = Deno.execPath();
const build = `${root}/build`;
const covDir = `${build}/coverage-raw`;
const junit = `${build}/junit.xml`;

/** The steps above; resolves to the exit code. */
async function main(): Promise<number> {
  await Deno.remove(covDir, { recursive: true }).catch(() => {});
  await Deno.remove(junit).catch(() => {});
  await Deno.mkdir(build, { recursive: true });

  await prepareKernelspec();
  const started = performance.now();
  const test = await new Deno.Command(deno, {
    args: [
      "test",
      "-A",
      "--parallel",
      "--doc",
      `--coverage=${covDir}`,
      `--junit-path=${junit}`,
      ...Deno.args,
      "lib/",
      "grader/",
      "tests/",
      "tools/",
    ],
    cwd: root,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  const seconds = (performance.now() - started) / 1000;

  const counts = await readJunit(junit);
  let failed = counts.failed;
  let passed = counts.passed;

  // Coverage of lib/ (doc-test snippets like lib/x.ts#12-20.ts are not source files).
  const lcov = await new Deno.Command(deno, {
    args: [
      "coverage",
      covDir,
      "--lcov",
      `--include=^file://${escape(root)}/lib/`,
      "--exclude=\\.ts#",
    ],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const coverage = parseLcov(new TextDecoder().decode(lcov.stdout));
  if (coverage.files.length > 0) {
    await Deno.writeFile(`${build}/coverage.lcov`, lcov.stdout);
    console.log("\nLine coverage of lib/:");
    for (const f of coverage.files) {
      console.log(`  ${pct(f.hit, f.found).padStart(6)}  ${f.file.replace(`${root}/`, "")}`);
    }
    const total = (100 * coverage.hit) / Math.max(1, coverage.found);
    const ok = total >= COVERAGE_FLOOR;
    console.log(
      `  ${
        pct(coverage.hit, coverage.found).padStart(6)
      }  all of lib/ (${coverage.hit}/${coverage.found} lines; floor ${COVERAGE_FLOOR}%) ${
        ok ? "ok" : "BELOW FLOOR"
      }`,
    );
    // The floor is a gate only for the full run; a filtered run just reports.
    if (Deno.args.length === 0) ok ? passed++ : failed++;
  } else if (Deno.args.length === 0) {
    console.log("\nNo coverage data for lib/ was produced.");
    failed++;
  }

  // Formatting and lint: one test each in the summary (of a full run).
  for (const check of [await fmtCheck(), await lintCheck()]) {
    console.log(`\n${check.name}: ${check.ok ? "ok" : "FAILED"}`);
    for (const line of check.problems) console.log(`  ${line}`);
    if (Deno.args.length === 0) check.ok ? passed++ : failed++;
  }

  console.log(
    `\ndeno test exit code ${test.code}; ${counts.total} tests in ${seconds.toFixed(1)} s` +
      (counts.ignored ? `, ${counts.ignored} ignored` : ""),
  );
  if (test.code !== 0 && counts.failed === 0) {
    // deno test failed before or outside any test case (type error, crash): count it.
    console.log("deno test failed outside the test cases (type check or load error)");
    failed++;
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && test.code === 0 ? 0 : 1;
}

/** Installs (or refreshes) the Deno kernelspec when Jupyter is there; the tests report otherwise. */
async function prepareKernelspec(): Promise<void> {
  const { findJupyter, installKernelspec } = await import("./kernelspec.ts");
  const jupyter = await findJupyter();
  if (!jupyter) return;
  try {
    const { dir } = await installKernelspec({ jupyter });
    console.log(`Deno kernelspec: ${dir}`);
  } catch (e) {
    console.log(`Deno kernelspec not installed (the notebook tests will say why): ${e}`);
  }
}

// Guarded: `deno test --doc tools/` loads this module and must not start a second test run.
if (import.meta.main) Deno.exit(await main());

/**
 * `deno fmt --check`: the files it would change (or its own error). Notebooks are checked apart
 * (deno.json excludes `**\/*.ipynb` from `fmt`): Deno 2.9.6's `fmt --check` reports every
 * notebook as unformatted even when `deno fmt` leaves it byte for byte the same, so a notebook
 * counts as formatted when `deno fmt` (same config) does not change a copy of it.
 */
async function fmtCheck() {
  const res = await quiet(["fmt", "--check"]);
  const files = [...res.output.matchAll(/^from (.+):$/gm)].map((m) => relativePath(m[1]));
  files.push(...await unformattedNotebooks());
  const problems = files.length > 0
    ? [...files.map((f) => `not formatted: ${f}`), "(fix: deno fmt <file>)"]
    : res.code !== 0
    ? tail(res.output)
    : [];
  return { name: "deno fmt --check", ok: res.code === 0 && files.length === 0, problems };
}

/** The notebooks (lessons and test fixtures) that `deno fmt` would change. */
async function unformattedNotebooks(): Promise<string[]> {
  const notebooks: string[] = [];
  for (const dir of ["notebooks", "tests/fixtures"]) {
    for await (const e of Deno.readDir(`${root}/${dir}`)) {
      if (e.isFile && e.name.endsWith(".ipynb")) notebooks.push(`${dir}/${e.name}`);
    }
  }
  const tmp = await Deno.makeTempDir({ prefix: "fmt-notebooks-" });
  try {
    const copies = notebooks.map((_, i) => `${tmp}/${i}.ipynb`);
    await Promise.all(notebooks.map((nb, i) => Deno.copyFile(`${root}/${nb}`, copies[i])));
    const res = await quiet(["fmt", `--config=${root}/deno.json`, ...copies]);
    if (res.code !== 0) {
      return [`(deno fmt of the notebooks failed: ${tail(res.output).join(" ")})`];
    }
    const changed: string[] = [];
    for (const [i, nb] of notebooks.entries()) {
      const [a, b] = await Promise.all([Deno.readFile(`${root}/${nb}`), Deno.readFile(copies[i])]);
      if (a.length !== b.length || a.some((v, k) => v !== b[k])) changed.push(nb);
    }
    return changed.sort();
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

/** `deno lint`: one line per diagnostic, `file:line  rule  message` (or its own error). */
async function lintCheck() {
  const res = await quiet(["lint", "--json"]);
  let problems: string[];
  try {
    const report = JSON.parse(res.stdout) as {
      diagnostics: {
        filename: string;
        range?: { start: { line: number } };
        code: string;
        message: string;
      }[];
      errors: { file_path: string; message: string }[];
    };
    problems = [
      ...report.diagnostics.map((d) =>
        `${relativePath(d.filename)}:${d.range?.start.line ?? 0}  ${d.code}  ${d.message}`
      ),
      ...report.errors.map((e) => `${relativePath(e.file_path)}  ${e.message}`),
    ];
  } catch {
    problems = res.code !== 0 ? tail(res.output) : [];
  }
  return { name: "deno lint", ok: res.code === 0, problems };
}

async function quiet(args: string[]) {
  const out = await new Deno.Command(deno, {
    args,
    cwd: root,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  const stdout = dec.decode(out.stdout);
  return { code: out.code, stdout, output: stdout + dec.decode(out.stderr) };
}

function relativePath(file: string): string {
  return file.replace(/^file:\/\//, "").replace(`${root}/`, "");
}

function tail(text: string): string[] {
  return text.trim().split("\n").slice(-10);
}

async function readJunit(path: string) {
  let xml = "";
  try {
    xml = await Deno.readTextFile(path);
  } catch {
    return { total: 0, passed: 0, failed: 0, ignored: 0 };
  }
  // Count the test cases themselves rather than trusting summary attributes.
  const cases = xml.match(/<testcase\b[^>]*?(\/>|>[\s\S]*?<\/testcase>)/g) ?? [];
  let failed = 0, ignored = 0;
  for (const c of cases) {
    if (/<(failure|error)\b/.test(c)) failed++;
    else if (/<skipped\b/.test(c)) ignored++;
  }
  return { total: cases.length, passed: cases.length - failed - ignored, failed, ignored };
}

function parseLcov(text: string) {
  const files: { file: string; found: number; hit: number }[] = [];
  let cur: { file: string; found: number; hit: number } | null = null;
  for (const line of text.split("\n")) {
    if (line.startsWith("SF:")) cur = { file: line.slice(3), found: 0, hit: 0 };
    else if (line.startsWith("LF:") && cur) cur.found = Number(line.slice(3));
    else if (line.startsWith("LH:") && cur) cur.hit = Number(line.slice(3));
    else if (line === "end_of_record" && cur) {
      files.push(cur);
      cur = null;
    }
  }
  return {
    files,
    found: files.reduce((s, f) => s + f.found, 0),
    hit: files.reduce((s, f) => s + f.hit, 0),
  };
}

function pct(hit: number, found: number): string {
  return `${(found === 0 ? 100 : (100 * hit) / found).toFixed(1)}%`;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
