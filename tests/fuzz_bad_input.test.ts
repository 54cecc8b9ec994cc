/**
 * Fuzzing with bad input (issue 14): seeded random shapes (0 and mismatched included), labels
 * (negative, huge, non-integer, NaN) and NaN/±∞ positions fed to the public functions of
 * lib/matrix.ts, lib/losses, lib/gradients.ts and lib/nn/layers.ts (the cases and their oracle are
 * in fixtures/fuzz_cases.ts). Every call must either throw a RangeError/TypeError whose message
 * starts with the operation's name (exactly when the input breaks a rule) or return the result a
 * direct reference computation gives, finite for losses, gradients and layers: never another
 * error, a wrong or silently NaN result, or a hang. The cases run in a worker and each call is
 * bounded: one that runs longer than CALL_LIMIT_MS is stopped and reported by its description.
 */
import assert from "node:assert/strict";
import { makeCases } from "./fixtures/fuzz_cases.ts";
import type { FuzzJob, FuzzReport } from "./fixtures/fuzz_worker.ts";

const SEEDS = [14, 231];
const CASES_PER_SEED = 12_000;
/** The longest one call may take (the cases are small: the slowest takes a few milliseconds). */
const CALL_LIMIT_MS = 5_000;
/** Loading the library in a fresh worker. */
const START_LIMIT_MS = 60_000;

/** Runs one seed's cases in a worker; rejects, naming the case, if a call exceeds `limit`. */
async function runInWorker(
  seed: number,
  count: number,
  { limit = CALL_LIMIT_MS, hang = false } = {},
): Promise<FuzzReport> {
  const progress = new SharedArrayBuffer(4);
  const at = new Int32Array(progress);
  at[0] = -1;
  const worker = new Worker(new URL("./fixtures/fuzz_worker.ts", import.meta.url), {
    type: "module",
  });
  let timer: ReturnType<typeof setInterval> | undefined;
  try {
    return await new Promise<FuzzReport>((resolve, reject) => {
      let last = -1, since = performance.now();
      timer = setInterval(() => {
        const i = Atomics.load(at, 0);
        if (i !== last) {
          last = i;
          since = performance.now();
        } else if (performance.now() - since > (i < 0 ? START_LIMIT_MS : limit)) {
          const what = i < 0 ? "loading the worker" : `case ${i}: ${describeCase(seed, i, hang)}`;
          reject(new Error(`seed ${seed}: ${what} ran for more than ${limit} ms`));
        }
      }, 50);
      worker.onmessage = (e: MessageEvent<FuzzReport>) => resolve(e.data);
      worker.onerror = (e) => {
        e.preventDefault();
        reject(new Error(`seed ${seed}: the worker crashed: ${e.message}`));
      };
      const job: FuzzJob = { seed, count, progress, hang };
      worker.postMessage(job);
    });
  } finally {
    clearInterval(timer);
    worker.terminate();
  }
}

function describeCase(seed: number, i: number, hang: boolean): string {
  return hang ? "the never-returning case" : makeCases(seed, i + 1)[i].label;
}

Deno.test("fuzz: the same seed gives the same cases, another seed others", () => {
  const labels = (seed: number) => makeCases(seed, 600).map((c) => `${c.label} ${c.bad}`);
  assert.deepEqual(labels(14), labels(14));
  assert.notDeepEqual(labels(14), labels(15));
});

for (const seed of SEEDS) {
  Deno.test(`fuzz: ${CASES_PER_SEED} calls with bad shapes, labels and NaN/∞ (seed ${seed})`, async () => {
    const report = await runInWorker(seed, CASES_PER_SEED);
    assert.deepEqual(
      report.failures.slice(0, 20),
      [],
      `${report.failures.length} of ${CASES_PER_SEED} cases misbehaved (the first 20 shown)`,
    );
    // Both outcomes are exercised: about half the inputs break a rule.
    assert.ok(
      report.bad > CASES_PER_SEED * 0.2 && report.bad < CASES_PER_SEED * 0.8,
      `${report.bad} bad inputs`,
    );
    assert.ok(
      report.slowest.ms < CALL_LIMIT_MS,
      `slowest ${report.slowest.ms} ms: ${report.slowest.label}`,
    );
  });
}

Deno.test("fuzz: a call that never returns is stopped and reported", async () => {
  const started = performance.now();
  await assert.rejects(
    () => runInWorker(0, 1, { limit: 300, hang: true }),
    /seed 0: case 0: the never-returning case ran for more than 300 ms/,
  );
  assert.ok(performance.now() - started < START_LIMIT_MS);
});
