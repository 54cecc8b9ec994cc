/**
 * Progress lines for long cells: `await progress(label, { total })` shows a line (label, bar,
 * i/total, time elapsed, time left, the latest loss) that updates in place while a loop runs, at
 * most every 250 ms, and `await bar.done(chart)` replaces it with the cell's chart (or, without
 * one, with a last line saying how long it took). The library's loops report to it directly:
 *
 * ```ts ignore
 * import { progress, show } from "lib/plot/mod.ts";
 * const bar = await progress("Training softmax", { total: 1000 });
 * const history = softmax.train(XTrain, yTrain, { numIters: 1000, onProgress: bar.onProgress });
 * await bar.done(lossChart(history));
 * ```
 *
 * In the kernel the line is one output with a display id: the first state and the final one go
 * through `show` (which waits until each is published); the updates in between are queued straight
 * to the kernel with `Deno.jupyter.broadcast`, because a synchronous loop holds the thread and
 * nothing that awaits can run before it ends, while the kernel publishes from its own thread.
 * Outside the kernel (`deno run`, `deno test`) the line is silent; `done(final)` shows `final` as
 * `show` does there (its text form, one line). Progress only reads what it is told: a run with it
 * gives the same numbers as one without.
 *
 * @module
 */
import { type Displayable, escapeHtml, type MimeBundle } from "./display.ts";
import { show as showOutput, type ShowOptions } from "./show.ts";

/** How a line puts an output into the cell: `show`'s signature. */
type ShowFunction = (x: Displayable | MimeBundle, options?: ShowOptions) => Promise<void>;
/** The part of `Deno.jupyter` a line uses to send an update without waiting. */
type Kernel = { broadcast(type: string, content: unknown): unknown };

/**
 * What a loop's `onProgress` reports and a progress line understands: the step just done (from 0),
 * the number of steps when the loop knows it, and metrics shown beside the bar. Every loop of the
 * library reports this shape (`TrainProgress`, `SearchProgress`, `DescentProgress`,
 * `CrossValidationProgress`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { StepReport } from "./progress.ts";
 * const report: StepReport = { iteration: 9, numIters: 10, loss: 0.5 };
 * assert.equal(report.iteration + 1, report.numIters);
 * ```
 */
export interface StepReport {
  /** The step just done, from 0. */
  iteration: number;
  /** The number of steps, when known (it becomes the line's total if it has none). */
  numIters?: number;
  /** Shown as "loss". */
  loss?: number;
  /** Shown as "best loss" (searches). */
  bestLoss?: number;
  /** Shown as "accuracy" (cross-validation). */
  accuracy?: number;
  /** Shown as "val acc" (kept until the next one: `TwoLayerNet` reports it once per epoch). */
  valAcc?: number;
}

/**
 * Options of `progress`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ProgressOptions } from "./progress.ts";
 * const options: ProgressOptions = { total: 1500, interval: 500 };
 * assert.equal(options.now, undefined); // performance.now
 * ```
 */
export interface ProgressOptions {
  /** The number of steps; without it, the first report's `numIters`, else unknown ("?"). */
  total?: number;
  /** Milliseconds between two displayed states, at least (default 250); the final one always. */
  interval?: number;
  /** The clock, in milliseconds (default `performance.now`); tests pass a fake one. */
  now?: () => number;
  /** The display id of the line (default: a fresh random one). */
  displayId?: string;
  /** Shows every state, the final one included (default: see the module; tests pass a fake). */
  show?: (x: Displayable | MimeBundle, options?: ShowOptions) => Promise<void>;
}

/**
 * One state of a progress line, as `renderProgress` draws it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ProgressState } from "./progress.ts";
 * const state: ProgressState = { label: "x", current: 1, total: 4, elapsed: 9, metrics: {}, finished: false };
 * assert.equal(state.current / state.total!, 0.25);
 * ```
 */
export interface ProgressState {
  /** What is running. */
  label: string;
  /** Steps done. */
  current: number;
  /** Steps in all, or null when unknown. */
  total: number | null;
  /** Milliseconds since the line was created. */
  elapsed: number;
  /** Latest metrics, by the name shown. */
  metrics: Record<string, number | string>;
  /** True for the last state, when `done` found no final output to show instead. */
  finished: boolean;
}

/**
 * A duration for people: "0.4 s", "12.3 s", "2 min 05 s", "1 h 02 min".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatDuration } from "./progress.ts";
 * const times = [420, 125_000, 3_720_000].map(formatDuration);
 * assert.deepEqual(times, ["0.4 s", "2 min 05 s", "1 h 02 min"]);
 * ```
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  const min = Math.round(s / 60);
  return `${Math.floor(min / 60)} h ${String(min % 60).padStart(2, "0")} min`;
}

/**
 * The MIME bundle of one state: `text/html` (label, a bar drawn with two divs, the counts, times
 * and metrics, all text escaped) and `text/plain` (the same on one line, with a `#`/`.` bar).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderProgress } from "./progress.ts";
 * const state = { label: "SVM <1>", current: 250, total: 1000, elapsed: 1000, metrics: { loss: 2.302585 } };
 * const bundle = renderProgress({ ...state, finished: false });
 * assert.equal(bundle["text/plain"], "SVM <1> [#####...............] 250/1000 · 1.0 s · 3.0 s left · loss 2.303");
 * assert.match(bundle["text/html"], /^<div class="lib-progress"[^>]*><span>SVM &lt;1&gt;<\/span>/);
 * assert.match(bundle["text/html"], /aria-valuenow="250"[\s\S]*width:25\.0%/);
 * const last = renderProgress({ ...state, current: 1000, elapsed: 4000, finished: true });
 * assert.equal(last["text/plain"], "✓ SVM <1> · 1000/1000 in 4.0 s · loss 2.303");
 * ```
 */
export function renderProgress(state: ProgressState): MimeBundle {
  const { label, current, total, elapsed, metrics, finished } = state;
  const fraction = total ? Math.min(1, Math.max(0, current / total)) : 0;
  const count = `${current}/${total ?? "?"}`;
  const metricText = Object.entries(metrics).map(([name, v]) => `${name} ${formatMetric(v)}`);
  let parts: string[];
  if (finished) {
    parts = [`${count} in ${formatDuration(elapsed)}`, ...metricText];
  } else {
    // The time left from the mean time per step, once 1% is done (the first steps are slower).
    const left = total && current >= total / 100 && current > 0 && current < total
      ? [`${formatDuration((elapsed / current) * (total - current))} left`]
      : [];
    parts = [count, formatDuration(elapsed), ...left, ...metricText];
  }
  const details = parts.join(" · ");
  const filled = Math.round(20 * fraction);
  const text = finished
    ? `✓ ${label} · ${details}`
    : `${label} [${"#".repeat(filled)}${".".repeat(20 - filled)}] ${details}`;
  const color = finished ? "#59a14f" : "#4e79a7";
  const html = `<div class="lib-progress" style="display:flex;align-items:center;gap:0.75em;` +
    `font:13px/1.6 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace">` +
    `<span>${finished ? "✓ " : ""}${escapeHtml(label)}</span>` +
    `<div role="progressbar" aria-valuemin="0" aria-valuemax="${total ?? ""}" ` +
    `aria-valuenow="${current}" style="flex:none;width:16em;height:0.8em;border:1px solid #999;` +
    `border-radius:3px;background:#eee;overflow:hidden">` +
    `<div style="width:${(100 * (finished ? 1 : fraction)).toFixed(1)}%;height:100%;` +
    `background:${color}"></div></div><span>${escapeHtml(details)}</span></div>`;
  return { "text/html": html, "text/plain": text };
}

/** Integers as they are, other numbers with 4 significant digits, strings as they are. */
function formatMetric(v: number | string): string {
  if (typeof v === "string" || Number.isInteger(v) || !Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e5) ? v.toExponential(3) : String(+v.toPrecision(4));
}

/** The names `onProgress` shows the metrics of a `StepReport` under. */
const REPORTED: [keyof StepReport, string][] = [
  ["loss", "loss"],
  ["bestLoss", "best loss"],
  ["accuracy", "accuracy"],
  ["valAcc", "val acc"],
];

/**
 * A progress line (made by `progress`): `update`/`tick` it from a loop, or hand its `onProgress`
 * to one of the library's loops, then `await done(...)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { progress } from "./progress.ts";
 * let t = 0;
 * const texts: string[] = [];
 * const bar = await progress("search", {
 *   now: () => t,
 *   show: async (x) => void texts.push((x as Record<string, string>)["text/plain"]),
 * });
 * t = 300;
 * bar.onProgress({ iteration: 0, numIters: 4, loss: 8, bestLoss: 8 }); // total from numIters
 * t = 400;
 * bar.onProgress({ iteration: 1, numIters: 4, loss: 9, bestLoss: 8 }); // 100 ms later: skipped
 * await bar.done();
 * assert.deepEqual(texts, [
 *   "search [....................] 0/? · 0.0 s",
 *   "search [#####...............] 1/4 · 0.3 s · 0.9 s left · loss 8 · best loss 8",
 *   "✓ search · 2/4 in 0.4 s · loss 9 · best loss 8",
 * ]);
 * ```
 */
export class Progress {
  /** What is running. */
  readonly label: string;
  /** The display id of the line's output. */
  readonly displayId: string;
  #total: number | null;
  #current = 0;
  #metrics: Record<string, number | string> = {};
  #interval: number;
  #now: () => number;
  #start: number;
  #end: number | null = null;
  #lastShown: number;
  #show: ShowFunction;
  #send: (bundle: MimeBundle, options: ShowOptions) => unknown;
  #final: ShowFunction;
  #first: Promise<void>;
  #sent: Promise<unknown>;
  #done: Promise<void> | null = null;

  /** Starts the clock and shows the first state; `await progress(label, options)` does both. */
  constructor(label: string, options: ProgressOptions = {}) {
    const { total, interval = 250, now = () => performance.now(), displayId, show } = options;
    if (typeof label !== "string") throw new TypeError(`progress: label must be a string`);
    if (total !== undefined && !(Number.isInteger(total) && total >= 0)) {
      throw new RangeError(`progress: total must be an integer ≥ 0, got ${total}`);
    }
    if (!(Number.isFinite(interval) && interval >= 0)) {
      throw new RangeError(
        `progress: interval must be a number of milliseconds ≥ 0, got ${interval}`,
      );
    }
    this.label = label;
    this.displayId = displayId ?? `lib-progress-${crypto.randomUUID()}`;
    this.#total = total ?? null;
    this.#interval = interval;
    this.#now = now;
    this.#start = this.#lastShown = now();
    const kernel = show ? null : jupyterKernel();
    this.#show = show ?? (kernel ? showOutput : async () => {});
    this.#final = show ?? showOutput;
    this.#send = show ?? (kernel ? (data, o) => sendNow(kernel, data, o.displayId!) : () => {});
    this.#first = this.#show(renderProgress(this.state), { displayId: this.displayId });
    this.#sent = this.#first.catch(() => {}); // its error, if any, goes to `shown`
  }

  /**
   * Resolves once the first state is shown (`progress` waits for it).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Progress } from "./progress.ts";
   * const texts: string[] = [];
   * const bar = new Progress("load", { show: async (x) => void texts.push(String(x)) });
   * await bar.shown; // the first state is on screen
   * assert.equal(texts.length, 1);
   * ```
   */
  get shown(): Promise<void> {
    return this.#first;
  }

  /**
   * Steps done so far.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Progress } from "./progress.ts";
   * const bar = new Progress("epochs", { total: 10, show: async () => {} });
   * bar.tick();
   * bar.tick();
   * assert.equal(bar.current, 2);
   * ```
   */
  get current(): number {
    return this.#current;
  }

  /**
   * Steps in all, or null while unknown.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Progress } from "./progress.ts";
   * assert.equal(new Progress("epochs", { total: 10, show: async () => {} }).total, 10);
   * assert.equal(new Progress("search", { show: async () => {} }).total, null); // not known yet
   * ```
   */
  get total(): number | null {
    return this.#total;
  }

  /**
   * The state the line shows now (elapsed time stops at `done`).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Progress } from "./progress.ts";
   * let t = 0;
   * const bar = new Progress("fit", { total: 4, now: () => t, show: async () => {} });
   * t = 1500;
   * bar.update(2, { loss: 0.5 });
   * const { current, total, elapsed, metrics, finished } = bar.state;
   * assert.deepEqual([current, total, elapsed, metrics, finished], [2, 4, 1500, { loss: 0.5 }, false]);
   * ```
   */
  get state(): ProgressState {
    return {
      label: this.label,
      current: this.#current,
      total: this.#total,
      elapsed: (this.#end ?? this.#now()) - this.#start,
      metrics: { ...this.#metrics },
      finished: this.#end !== null,
    };
  }

  /**
   * Records that `current` steps are done, with the latest `metrics` (merged into the earlier
   * ones), and shows it when `interval` ms have passed since the last state shown. Ignored after
   * `done`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Progress } from "./progress.ts";
   * let t = 0, shown = 0;
   * const bar = new Progress("fit", { total: 4, now: () => t, show: async () => void shown++ });
   * t = 300;
   * bar.update(2, { loss: 0.5 }); // 300 ms after the last state shown ≥ interval 250: shown
   * bar.update(3); // at once: recorded, not shown
   * assert.deepEqual([bar.current, shown], [3, 2]);
   * ```
   */
  update(current: number, metrics: Record<string, number | string> = {}): void {
    if (this.#end !== null) return;
    if (!(Number.isFinite(current) && current >= 0)) {
      throw new RangeError(`progress: update needs a number of steps ≥ 0, got ${current}`);
    }
    this.#current = current;
    Object.assign(this.#metrics, metrics);
    const t = this.#now();
    if (t - this.#lastShown < this.#interval) return;
    this.#lastShown = t;
    const options = { displayId: this.displayId, update: true };
    try {
      const sent = this.#send(renderProgress(this.state), options);
      this.#sent = Promise.allSettled([this.#sent, sent]); // awaited by done(), errors ignored
    } catch {
      // a progress state that cannot be sent is not worth stopping the loop for
    }
  }

  /**
   * One more step done: `update(current + 1, metrics)`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Progress } from "./progress.ts";
   * const bar = new Progress("epochs", { total: 3, show: async () => {} });
   * for (let epoch = 0; epoch < 3; epoch++) bar.tick({ epoch });
   * assert.equal(bar.current, 3);
   * assert.deepEqual(bar.state.metrics, { epoch: 2 });
   * ```
   */
  tick(metrics: Record<string, number | string> = {}): void {
    this.update(this.#current + 1, metrics);
  }

  /**
   * Takes what the library's loops report, so that `onProgress: bar.onProgress` needs no glue: a
   * `StepReport` (`{ iteration, numIters, loss, … }`), or `(it, loss, report)` as
   * `LinearClassifier.train` passes it. Step `iteration` done means `iteration + 1` steps done.
   */
  readonly onProgress = (report: number | StepReport, loss?: number, full?: StepReport): void => {
    if (typeof report === "number") report = full ?? { iteration: report, loss };
    if (this.#total === null && Number.isInteger(report.numIters) && report.numIters! >= 0) {
      this.#total = report.numIters!;
    }
    const metrics: Record<string, number> = {};
    for (const [key, name] of REPORTED) {
      if (typeof report[key] === "number") metrics[name] = report[key] as number;
    }
    this.update(report.iteration + 1, metrics);
  };

  /**
   * Replaces the line, in place, with `final` (a chart, table, image or MIME bundle; a string is
   * shown as text), or without one with a last state ("✓ label · 1000/1000 in 4.2 s · loss …").
   * It first waits for the updates already sent, so the final output is the last; it is always
   * sent, and the promise resolves once it is shown. Calling it again returns the same promise.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Progress } from "./progress.ts";
   * let t = 0;
   * const texts: string[] = [];
   * const show = async (x: unknown) => void texts.push((x as Record<string, string>)["text/plain"]);
   * const bar = new Progress("train", { total: 2, now: () => t, show });
   * t = 4200;
   * bar.update(2, { loss: 0.25 });
   * await bar.done();
   * assert.equal(texts.at(-1), "✓ train · 2/2 in 4.2 s · loss 0.25");
   * ```
   */
  done(final?: Displayable | MimeBundle | string): Promise<void> {
    this.#done ??= this.#finish(final);
    return this.#done;
  }

  async #finish(final?: Displayable | MimeBundle | string): Promise<void> {
    this.#end = this.#now();
    await this.#sent;
    const options = { displayId: this.displayId, update: true };
    if (final === undefined) {
      await this.#show(renderProgress(this.state), options);
    } else {
      const output = typeof final === "string" ? { "text/plain": final } : final;
      await this.#final(output, options);
    }
  }
}

/**
 * Shows a progress line for `label` (its first state, 0 steps done) and returns it; see the module
 * and `Progress`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { progress } from "./progress.ts";
 * let t = 0;
 * const calls: [string, string | undefined, boolean | undefined][] = [];
 * const bar = await progress("train", {
 *   total: 100,
 *   now: () => t,
 *   displayId: "p1",
 *   show: async (x, o) => void calls.push([Object.keys(x).join(","), o?.displayId, o?.update]),
 * });
 * for (let i = 1; i <= 100; i++) (t = 10 * i), bar.update(i); // every 10 ms for 1 s
 * await bar.done({ "image/svg+xml": "<svg></svg>", "text/plain": "chart" });
 * assert.equal(calls.length, 1 + 4 + 1); // first state, one every 250 ms, the final chart
 * assert.deepEqual(calls[0], ["text/html,text/plain", "p1", undefined]);
 * assert.deepEqual(calls[1], ["text/html,text/plain", "p1", true]);
 * assert.deepEqual(calls[5], ["image/svg+xml,text/plain", "p1", true]);
 * ```
 */
export async function progress(label: string, options: ProgressOptions = {}): Promise<Progress> {
  const bar = new Progress(label, options);
  await bar.shown;
  return bar;
}

/** `Deno.jupyter` when running in the Jupyter kernel, else null (the getter throws elsewhere). */
function jupyterKernel(): Kernel | null {
  try {
    const jupyter = (globalThis as { Deno?: { jupyter?: Partial<Kernel> } }).Deno?.jupyter;
    return typeof jupyter?.broadcast === "function" ? jupyter as Kernel : null;
  } catch {
    return null;
  }
}

/** Queues an update of output `displayId` at once (the kernel thread publishes it). */
function sendNow(kernel: Kernel, data: MimeBundle, displayId: string): unknown {
  const content = { data, metadata: {}, transient: { display_id: displayId } };
  return kernel.broadcast("update_display_data", content);
}
