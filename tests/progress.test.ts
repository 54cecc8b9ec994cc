/**
 * lib/plot/progress.ts: throttling on a fake clock, the MIME bundles, the display id and update
 * flags given to `show`, the final output always last, the reports of the library's loops, and
 * silence outside the kernel.
 */
import assert from "node:assert/strict";
import {
  type Displayable,
  formatDuration,
  JUPYTER_DISPLAY,
  type MimeBundle,
  Plot,
  plot,
  Progress,
  progress,
  type ProgressOptions,
  renderProgress,
  type ShowOptions,
} from "../lib/plot/mod.ts";

/** One call of the fake `show`: the bundle it was given and its options. */
interface Call {
  bundle: MimeBundle;
  displayId?: string;
  update?: boolean;
}

/** A fake clock and a fake `show` that records its calls (and resolves after `delay` ms). */
function fakes(delay = 0) {
  const clock = { t: 0 };
  const calls: Call[] = [];
  const resolved: string[] = [];
  const show = (x: Displayable | MimeBundle, options: ShowOptions = {}) => {
    const bundle = typeof (x as Displayable)[JUPYTER_DISPLAY] === "function"
      ? (x as Displayable)[JUPYTER_DISPLAY]()
      : x as MimeBundle;
    calls.push({ bundle, ...options });
    const text = bundle["text/plain"];
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        resolved.push(text);
        resolve();
      }, delay)
    );
  };
  const options: ProgressOptions = { now: () => clock.t, show, displayId: "bar" };
  return { clock, calls, resolved, options };
}

const texts = (calls: Call[]) => calls.map((c) => c.bundle["text/plain"]);

Deno.test("progress: the first state is displayed under the display id, later ones update it", async () => {
  const { calls, options } = fakes();
  const bar = await progress("Training", { ...options, total: 10 });
  assert.equal(bar.displayId, "bar");
  assert.deepEqual(calls.map((c) => [c.displayId, c.update]), [["bar", undefined]]);
  assert.equal(calls[0].bundle["text/plain"], "Training [....................] 0/10 · 0.0 s");
  await bar.done();
  assert.deepEqual(calls.map((c) => [c.displayId, c.update]), [["bar", undefined], ["bar", true]]);
});

Deno.test("progress: updates are shown at most every interval ms; done always sends the last state", async () => {
  const { clock, calls, options } = fakes();
  const bar = await progress("Loop", { ...options, total: 1000, interval: 250 });
  for (let i = 1; i <= 1000; i++) {
    clock.t = i; // 1 ms per step
    bar.update(i, { loss: 1000 / i });
  }
  // shown at t = 250, 500, 750, 1000 (each exactly 250 ms after the one before)
  assert.deepEqual(calls.slice(1).map((c) => c.bundle["text/plain"].match(/\] (\d+)\//)?.[1]), [
    "250",
    "500",
    "750",
    "1000",
  ]);
  clock.t = 1100;
  bar.update(1000, { loss: 0.5 }); // 100 ms after the last one: not shown
  assert.equal(calls.length, 5);
  await bar.done();
  assert.equal(calls.length, 6);
  assert.deepEqual(calls.slice(1).map((c) => c.update), [true, true, true, true, true]);
  assert.equal(texts(calls).at(-1), "✓ Loop · 1000/1000 in 1.1 s · loss 0.5");
});

Deno.test("progress: interval 0 shows every update; a long first step hides the time left", async () => {
  const { clock, calls, options } = fakes();
  const bar = await progress("Steps", { ...options, total: 200, interval: 0 });
  clock.t = 300;
  bar.update(1); // 0.5% done: no estimate yet
  clock.t = 400;
  bar.update(2); // 1% done: 200 ms per step, 198 left
  assert.deepEqual(texts(calls).slice(1), [
    "Steps [....................] 1/200 · 0.3 s",
    "Steps [....................] 2/200 · 0.4 s · 39.6 s left",
  ]);
});

Deno.test("progress: done waits for the updates already sent, then sends the final output last", async () => {
  const { clock, calls, resolved, options } = fakes(20);
  const bar = await progress("Slow kernel", { ...options, total: 3, interval: 0 });
  for (let i = 1; i <= 3; i++) {
    clock.t = 100 * i;
    bar.update(i);
  }
  const chart = plot({ width: 100, height: 50, marks: [Plot.lineY([3, 1, 2])] });
  await bar.done(chart);
  assert.equal(calls.length, 5);
  assert.deepEqual(calls[4], { bundle: chart[JUPYTER_DISPLAY](), displayId: "bar", update: true });
  assert.match(calls[4].bundle["text/html"], /^<img src="data:image\/svg\+xml;base64,/);
  assert.equal(resolved.at(-1), "Plot chart 100×50"); // resolved last: after every update
  assert.equal(resolved.length, 5); // and done() resolved only once all had
});

Deno.test("progress: done is sent once; updates after it are ignored; a string is shown as text", async () => {
  const { clock, calls, options } = fakes();
  const bar = await progress("Search", { ...options, interval: 0 });
  const first = bar.done("best loss 8.21");
  const second = bar.done("ignored");
  assert.equal(first, second);
  await first;
  clock.t = 5000;
  bar.update(10);
  bar.tick();
  assert.deepEqual(calls.at(-1), {
    bundle: { "text/plain": "best loss 8.21" },
    displayId: "bar",
    update: true,
  });
  assert.equal(calls.length, 2);
  assert.equal(bar.current, 0);
});

Deno.test("progress: the HTML escapes the label and metrics, draws the bar and its aria values", () => {
  const bundle = renderProgress({
    label: `<script>alert("x")</script> & co`,
    current: 3,
    total: 4,
    elapsed: 1500,
    metrics: { "<b>": "a'b", loss: 0.000012345 },
    finished: false,
  });
  const html = bundle["text/html"];
  assert.doesNotMatch(html, /<script>|<b>/);
  assert.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; co/);
  assert.match(html, /&lt;b&gt; a&#39;b · loss 1\.234e-5/);
  assert.match(html, /role="progressbar" aria-valuemin="0" aria-valuemax="4" aria-valuenow="3"/);
  assert.match(html, /<div style="width:75\.0%;height:100%;background:#4e79a7"><\/div>/);
  assert.equal(
    bundle["text/plain"],
    `<script>alert("x")</script> & co [###############.....] 3/4 · 1.5 s · 0.5 s left · <b> a'b · loss 1.234e-5`,
  );
  const unknown = renderProgress({
    ...{ label: "x", current: 7, elapsed: 0, metrics: {} },
    total: null,
    finished: false,
  });
  assert.equal(unknown["text/plain"], "x [....................] 7/? · 0.0 s");
  assert.match(unknown["text/html"], /aria-valuemax=""[\s\S]*width:0\.0%/);
  const last = renderProgress({
    label: "x",
    current: 7,
    total: 9,
    elapsed: 61_000,
    metrics: {},
    finished: true,
  });
  assert.equal(last["text/plain"], "✓ x · 7/9 in 1 min 01 s");
  assert.match(last["text/html"], /width:100\.0%;height:100%;background:#59a14f/);
});

Deno.test("progress: formatDuration", () => {
  assert.deepEqual(
    [0, 49, 59_940, 59_960, 600_000, 3_599_400, 3_600_000, 7_530_000, -1, NaN].map(formatDuration),
    [
      "0.0 s",
      "0.0 s",
      "59.9 s",
      "1 min 00 s",
      "10 min 00 s",
      "59 min 59 s",
      "1 h 00 min",
      "2 h 06 min",
      "?",
      "?",
    ],
  );
});

Deno.test("progress: onProgress takes every loop's report; total from numIters; metrics kept", async () => {
  const { clock, calls, options } = fakes();
  const bar = await progress("Net", { ...options, interval: 0 });
  assert.equal(bar.total, null);
  clock.t = 10;
  bar.onProgress({ iteration: 0, numIters: 4, loss: 2.3 }); // TrainProgress
  clock.t = 20;
  bar.onProgress({ iteration: 1, numIters: 4, loss: 2.1, valAcc: 0.5 }); // an epoch's end
  clock.t = 30;
  bar.onProgress(2, 1.9); // LinearClassifier's (it, loss)
  clock.t = 40;
  bar.onProgress(3, 1.7, { iteration: 3, numIters: 99, loss: 1.7 }); // and its third argument
  assert.equal(bar.total, 4); // the first report's numIters; later ones do not change it
  assert.deepEqual(texts(calls).slice(1), [
    "Net [#####...............] 1/4 · 0.0 s · 0.0 s left · loss 2.3",
    "Net [##########..........] 2/4 · 0.0 s · 0.0 s left · loss 2.1 · val acc 0.5",
    "Net [###############.....] 3/4 · 0.0 s · 0.0 s left · loss 1.9 · val acc 0.5",
    "Net [####################] 4/4 · 0.0 s · loss 1.7 · val acc 0.5",
  ]);
  const search = await progress("Search", { ...options, interval: 0, total: 10 });
  search.onProgress({ iteration: 4, numIters: 1000, loss: 9, bestLoss: 8, accuracy: 0.25 });
  assert.equal(search.total, 10); // given totals win
  assert.match(texts(calls).at(-1)!, /5\/10 .* · loss 9 · best loss 8 · accuracy 0\.25$/);
  const onProgress: (p: { iteration: number }) => void = bar.onProgress; // unbound: still works
  onProgress({ iteration: 0 });
  assert.equal(bar.current, 1);
});

Deno.test("progress: tick counts steps and shows string metrics", async () => {
  const { clock, calls, options } = fakes();
  const bar = await progress("Rates", { ...options, total: 3, interval: 0 });
  for (const lr of ["1e-3", "1e-2", "1e-1"]) {
    clock.t += 1000;
    bar.tick({ "η": lr });
  }
  await bar.done();
  assert.equal(texts(calls)[3], "Rates [####################] 3/3 · 3.0 s · η 1e-1");
  assert.equal(texts(calls)[4], "✓ Rates · 3/3 in 3.0 s · η 1e-1");
});

Deno.test("progress: bad arguments are refused with their value", () => {
  const { options } = fakes();
  assert.throws(
    () => new Progress("x", { ...options, total: 1.5 }),
    /total must be an integer ≥ 0, got 1.5/,
  );
  assert.throws(() => new Progress("x", { ...options, interval: -1 }), /interval .* got -1/);
  assert.throws(() => new Progress(3 as unknown as string, options), /label must be a string/);
  const bar = new Progress("x", options);
  assert.throws(() => bar.update(NaN), /update needs a number of steps ≥ 0, got NaN/);
  assert.throws(() => bar.update(-2), /got -2/);
});

Deno.test("progress: a failing update is ignored; a failing final output is an error", async () => {
  let n = 0;
  const show = (_x: Displayable | MimeBundle) => {
    n++;
    if (n === 2) throw new Error("kernel gone");
    if (n === 3) return Promise.reject(new Error("kernel gone"));
    return n === 4 ? Promise.reject(new Error("final lost")) : Promise.resolve();
  };
  const bar = await progress("x", { show, interval: 0, total: 3 });
  bar.update(1); // throws inside: ignored
  bar.update(2); // rejects: ignored
  await assert.rejects(bar.done(), /final lost/);
});

Deno.test("progress: outside the kernel the line is silent; done(final) prints its text once", async () => {
  const log = console.log;
  const lines: unknown[] = [];
  console.log = (...args: unknown[]) => lines.push(args.join(" "));
  try {
    const bar = await progress("quiet", { total: 5, interval: 0 });
    for (let i = 1; i <= 5; i++) bar.update(i, { loss: i });
    await bar.done();
    assert.deepEqual(lines, []);
    const withChart = await progress("chart", { total: 2, interval: 0 });
    withChart.tick();
    withChart.tick();
    await withChart.done({ "text/html": "<b>done</b>", "text/plain": "done" });
  } finally {
    console.log = log;
  }
  assert.deepEqual(lines, ["done"]);
});
