/// <reference lib="dom" />
/**
 * The browser side of the interactive demo (bundled by `tools/demo.ts` into the page of
 * `page.ts`): state, events, tables and redraws. Every loss, gradient, update and prediction is a
 * call into `model.ts`, i.e. into the library; this file only moves numbers between the page and
 * those calls. Products run on the library's TypeScript kernels (`configureKernels`): the matrices
 * are tiny, and a page has no shared-memory workers.
 *
 * Every displayed number also sits, unrounded, in the element's `data-value` attribute (what the
 * browser test compares with the library to 1e-9).
 *
 * (About 480 lines, over the usual 400: the page's state and every handler that changes it stay
 * in one file, so that what a click does can be read in one place; drawing, tables and math live
 * elsewhere.)
 *
 * @module
 */
import { Matrix } from "../../lib/matrix.ts";
import { configureKernels } from "../../lib/kernels/gemm.ts";
import { TwoLayerNet } from "../../lib/nn/two_layer_net.ts";
import {
  evaluateLinear,
  evaluateNet,
  type Evaluation,
  LINEAR_LOSSES,
  linearLossFn,
  type LinearLossName,
  linearRegions,
  lossSurface,
  Optimizer,
  PARAMS,
  type Point,
  PRESETS,
  randomParams,
  type RuleName,
  toDataset,
} from "./model.ts";
import { canvasWidth, drawHistory, drawScene, drawSurface, fitCanvas, View } from "./draw.ts";
import { examplesTableHtml, fmt, paramsTableHtml } from "./tables.ts";

configureKernels({ backend: "ts" });

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const GRID = { linear: 100, net: 64 },
  SURFACE_N = 25,
  NUDGE = 0.1,
  VIEW: [number, number] = [-1.5, 1.5];

const state = {
  mode: "linear" as "linear" | "net",
  points: [] as Point[],
  P: Matrix.zeros(3, 3),
  net: null as TwoLayerNet | null,
  optimizer: new Optimizer("sgd"),
  iteration: 0,
  history: [] as number[],
  path: [] as [number, number][],
  center: [0, 0] as [number, number],
  selected: -1,
  dragging: -1,
  running: false,
  seed: 1,
  evaluation: null as Evaluation<unknown> | null,
};

const reg = () => {
  const v = Number($<HTMLInputElement>("reg").value);
  return v <= -5 ? 0 : 10 ** v;
};
const lr = () => 10 ** Number($<HTMLInputElement>("lr").value);
const lossName = () => $<HTMLSelectElement>("loss").value as LinearLossName;
const surfaceParams = () => [
  Number($<HTMLSelectElement>("surface-a").value),
  Number($<HTMLSelectElement>("surface-b").value),
];

function setOutput(id: string, value: number, digits = 6): void {
  const el = $(id);
  el.textContent = fmt(value, digits);
  el.dataset.value = String(value);
}

/** A fresh optimizer and path: after anything but a step changes the parameters. */
function resetOptimizer(): void {
  state.optimizer = new Optimizer($<HTMLSelectElement>("rule").value as RuleName);
  state.iteration = 0;
  state.history = [];
  const [a, b] = surfaceParams();
  state.center = [a, b].map((k) => state.P.get(PARAMS[k].row, PARAMS[k].col)) as [number, number];
  state.path = [state.center];
}

function loadPreset(): void {
  const preset = PRESETS[$<HTMLSelectElement>("preset").value as keyof typeof PRESETS];
  const { points, params } = preset.make(state.seed);
  state.points = points;
  state.P = params;
  state.selected = -1;
  newNet();
  resetOptimizer();
}

function newNet(): void {
  const hidden = Number($<HTMLSelectElement>("hidden-size").value);
  state.net = new TwoLayerNet(2, hidden, 3, { std: 0.5, seed: state.seed });
}

function evaluate(): Evaluation<unknown> {
  const data = toDataset(state.points);
  return state.mode === "net"
    ? evaluateNet(state.net!, data, reg())
    : evaluateLinear(data, state.P, lossName(), reg());
}

/** One optimizer step on the current loss (the library's gradient, the library's update rule). */
function step(): void {
  const e = evaluate();
  if (state.mode === "net") {
    const net = state.net!;
    Object.assign(
      net.params,
      state.optimizer.step({ ...net.params }, e.grad as typeof net.params, lr()),
    );
  } else {
    state.P = state.optimizer.step({ P: state.P }, { P: e.grad as Matrix }, lr()).P;
    const [a, b] = surfaceParams();
    state.path.push([
      state.P.get(PARAMS[a].row, PARAMS[a].col),
      state.P.get(PARAMS[b].row, PARAMS[b].col),
    ]);
  }
  state.iteration++;
  state.history.push(e.loss);
}

/** Recomputes everything from the state and redraws; shows a library error instead of throwing. */
function update(): void {
  if (pending) cancelAnimationFrame(pending);
  pending = 0;
  const error = $("error");
  try {
    state.evaluation = evaluate();
    error.hidden = true;
  } catch (e) {
    state.evaluation = null;
    error.hidden = false;
    error.textContent = `The library refused: ${e instanceof Error ? e.message : e}`;
    console.warn(e);
    return;
  }
  const e = state.evaluation;
  setOutput("data-loss", e.dataLoss);
  setOutput("reg-loss", e.regLoss);
  setOutput("total-loss", e.loss);
  $("iteration").textContent = String(state.iteration);
  const predicted = e.scores.rows ? e.scores.argmax(1) : new Int32Array(0);
  const correct = state.points.filter((p, i) => predicted[i] === p.label).length;
  $("accuracy").textContent = state.points.length
    ? `${correct}/${state.points.length} (${((100 * correct) / state.points.length).toFixed(0)}%)`
    : "no points";
  $("loss-formula").textContent = state.mode === "net"
    ? "Lᵢ = −ln(e^{s_{yᵢ}} / Σ_j e^{s_j}) with s = ReLU(x W1 + b1) W2 + b2"
    : LINEAR_LOSSES[lossName()].formula;
  $("reg-value").textContent = reg() === 0 ? "0" : reg().toExponential(1);
  $("lr-value").textContent = lr().toExponential(1);
  draw(); // before the tables change the DOM: canvas text would wait for their style and layout
  renderParams(e);
  renderExamples(e);
}

function renderParams(e: Evaluation<unknown>): void {
  const linear = state.mode === "linear";
  $("params").hidden = $("params-help").hidden = !linear;
  $("net-summary").hidden = linear;
  $<HTMLSelectElement>("loss").disabled = !linear;
  $("surface-panel").hidden = !linear;
  if (!linear) {
    const { W1, W2 } = state.net!.params;
    $("net-summary").textContent = `${W1.cols} hidden ReLU units, ${
      W1.rows * W1.cols + W1.cols + W2.rows * W2.cols + W2.cols
    } parameters, softmax loss (the net's own; the loss menu applies to the linear classifier).`;
    return;
  }
  const focused = document.activeElement as HTMLElement | null;
  const refocus = focused?.dataset.param
    ? `[data-param="${focused.dataset.param}"][data-dir="${focused.dataset.dir}"]`
    : null;
  $("params").innerHTML = paramsTableHtml(state.P, e.grad as Matrix);
  if (refocus) $("params").querySelector<HTMLElement>(refocus)?.focus();
}

function renderExamples(e: Evaluation<unknown>): void {
  $("examples").innerHTML = examplesTableHtml(state.points, e, state.selected);
}

/** A canvas's CSS width (cached; a resize redraws). */
const width = (id: string) => canvasWidth($<HTMLCanvasElement>(id), scheduleUpdate);

function view(): View {
  return new View(VIEW[0], VIEW[1], width("plot"));
}

function draw(): void {
  const v = view(), ctx = fitCanvas($<HTMLCanvasElement>("plot"), v.size);
  const grid = Matrix.fromArray(v.grid(GRID[state.mode]));
  const regions = state.mode === "net" ? state.net!.predict(grid) : linearRegions(grid, state.P);
  drawScene(ctx, v, {
    regions,
    points: state.points,
    params: state.mode === "linear" ? state.P : null,
    selected: state.selected,
  });
  const hw = width("history");
  drawHistory(fitCanvas($<HTMLCanvasElement>("history"), hw, 4), hw, hw / 4, state.history);
  if (state.mode === "linear") drawSurfacePanel();
}

let surfaceCache = { key: "", at: 0, values: new Float64Array(0) as Float64Array<ArrayBufferLike> };

function drawSurfacePanel(): void {
  const [a, b] = surfaceParams();
  const canvas = $<HTMLCanvasElement>("surface");
  if (a === b) {
    const ctx = fitCanvas(canvas, width("surface"));
    ctx.clearRect(0, 0, width("surface"), width("surface"));
    ctx.fillStyle = "#222";
    ctx.font = "14px system-ui, sans-serif";
    ctx.fillText("Choose two different parameters.", 10, 24);
    return;
  }
  const now = state.path[state.path.length - 1];
  let half = 2;
  for (const p of state.path) {
    half = Math.max(
      half,
      1.15 * Math.abs(p[0] - state.center[0]),
      1.15 * Math.abs(p[1] - state.center[1]),
    );
  }
  const axis = (c: number) =>
    Array.from({ length: SURFACE_N }, (_, i) => c - half + (2 * half * i) / (SURFACE_N - 1));
  const as = axis(state.center[0]), bs = axis(state.center[1]);
  // While running or dragging, the surface (hundreds of loss evaluations) is recomputed at most
  // four times a second; the path on it is redrawn every frame.
  const key = [a, b, half, ...state.center].join();
  const busy = state.running || state.dragging >= 0;
  if (!busy || key !== surfaceCache.key || performance.now() - surfaceCache.at > 250) {
    const f = linearLossFn(toDataset(state.points), lossName(), reg());
    surfaceCache = {
      key,
      at: performance.now(),
      values: lossSurface(f, state.P, a, b, as, bs).values,
    };
  }
  const values = surfaceCache.values;
  canvas.dataset.pathLength = String(state.path.length);
  drawSurface(fitCanvas(canvas, width("surface")), width("surface"), {
    values,
    as,
    bs,
    labels: [PARAMS[a].name, PARAMS[b].name],
    path: now ? state.path : [state.center],
  });
}

let pending = 0;

/** `update` at the next frame, once however often it is asked for before then. */
function scheduleUpdate(): void {
  pending ||= requestAnimationFrame(() => {
    pending = 0;
    update();
  });
}

// ---- events -------------------------------------------------------------------------------

function announce(text: string): void {
  $("status").textContent = text;
}

function describePoint(i: number): string {
  const p = state.points[i];
  return p
    ? `point ${i}: class ${p.label} at (${fmt(p.x, 2)}, ${fmt(p.y, 2)})`
    : "no point selected";
}

/** Data changed (a point moved, added or removed): new path, same parameters. */
function dataChanged(): void {
  resetOptimizer();
  update();
}

function nearest(px: number, py: number): number {
  const v = view();
  let best = -1, bestD = 12 * 12;
  state.points.forEach((p, i) => {
    const [x, y] = v.toPixel(p.x, p.y), d = (x - px) ** 2 + (y - py) ** 2;
    if (d <= bestD) [best, bestD] = [i, d];
  });
  return best;
}

function wire(): void {
  const plot = $<HTMLCanvasElement>("plot");
  const local = (ev: PointerEvent) => {
    const r = plot.getBoundingClientRect();
    return [ev.clientX - r.left, ev.clientY - r.top] as const;
  };
  plot.addEventListener("pointerdown", (ev) => {
    const [px, py] = local(ev), hit = nearest(px, py);
    if (hit >= 0 && ev.shiftKey) {
      state.points.splice(hit, 1);
      state.selected = -1;
      announce(`removed point ${hit}`);
    } else if (hit >= 0) {
      state.dragging = state.selected = hit;
      plot.setPointerCapture(ev.pointerId);
      update(); // selected only: the data, the steps and the path stay until it moves
      return;
    } else {
      const [x, y] = view().toData(px, py);
      state.points.push({ x, y, label: Number($<HTMLSelectElement>("add-class").value) });
      state.selected = state.points.length - 1;
      announce(`added ${describePoint(state.selected)}`);
    }
    dataChanged();
  });
  plot.addEventListener("pointermove", (ev) => {
    if (state.dragging < 0) return;
    const [x, y] = view().toData(...local(ev));
    Object.assign(state.points[state.dragging], { x, y });
    resetOptimizer();
    scheduleUpdate(); // at most one recomputation per frame while dragging
  });
  const endDrag = () => {
    if (state.dragging < 0) return;
    announce(`moved ${describePoint(state.dragging)}`);
    state.dragging = -1;
    update(); // the final position, now
  };
  plot.addEventListener("pointerup", endDrag);
  plot.addEventListener("pointercancel", endDrag);
  plot.addEventListener("keydown", onPlotKey);

  $("params").addEventListener("click", (ev) => {
    const button = (ev.target as HTMLElement).closest<HTMLElement>("button[data-param]");
    if (!button) return;
    const { row, col, name } = PARAMS[Number(button.dataset.param)];
    state.P = state.P.clone().set(
      row,
      col,
      state.P.get(row, col) + NUDGE * Number(button.dataset.dir),
    );
    resetOptimizer();
    update();
    announce(`${name} = ${fmt(state.P.get(row, col), 3)}`);
  });
  $("step").addEventListener("click", () => {
    step();
    update();
  });
  $("run").addEventListener("click", () => setRunning(true));
  $("stop").addEventListener("click", () => setRunning(false));
  $("randomize").addEventListener("click", () => {
    state.seed++;
    state.P = randomParams(state.seed);
    newNet();
    resetOptimizer();
    update();
    announce("parameters randomized");
  });
  $("reset").addEventListener("click", () => {
    loadPreset();
    update();
    announce("preset reloaded");
  });
  $("preset").addEventListener("change", () => {
    loadPreset();
    update();
  });
  $("mode").addEventListener("change", () => {
    state.mode = $<HTMLSelectElement>("mode").value as "linear" | "net";
    if (state.mode === "net" && $<HTMLSelectElement>("preset").value === "cs231n") {
      $<HTMLSelectElement>("preset").value = "spiral"; // what a net is for: regions no line can draw
      loadPreset();
    }
    resetOptimizer();
    update();
  });
  $("hidden-size").addEventListener("change", () => {
    newNet();
    resetOptimizer();
    update();
  });
  for (const id of ["loss", "rule", "surface-a", "surface-b"]) {
    $(id).addEventListener("change", () => {
      resetOptimizer();
      update();
    });
  }
  for (const id of ["reg", "lr"]) $(id).addEventListener("input", scheduleUpdate);
}

function onPlotKey(ev: KeyboardEvent): void {
  const n = state.points.length, i = state.selected, big = ev.shiftKey ? 0.25 : 0.05;
  const moves: Record<string, [number, number]> = {
    ArrowLeft: [-big, 0],
    ArrowRight: [big, 0],
    ArrowUp: [0, big],
    ArrowDown: [0, -big],
  };
  if (ev.key === "n" || ev.key === "p") {
    if (n === 0) return;
    state.selected = ev.key === "n" ? (i + 1) % n : (i - 1 + n) % n;
    announce(`selected ${describePoint(state.selected)}`);
    update();
  } else if (moves[ev.key] && i >= 0) {
    state.points[i].x += moves[ev.key][0];
    state.points[i].y += moves[ev.key][1];
    dataChanged();
    announce(describePoint(i));
  } else if (["1", "2", "3"].includes(ev.key) && i >= 0) {
    state.points[i].label = Number(ev.key) - 1;
    dataChanged();
    announce(describePoint(i));
  } else if (ev.key === "a") {
    state.points.push({ x: 0, y: 0, label: Number($<HTMLSelectElement>("add-class").value) });
    state.selected = state.points.length - 1;
    dataChanged();
    announce(`added ${describePoint(state.selected)}`);
  } else if ((ev.key === "Delete" || ev.key === "Backspace") && i >= 0) {
    state.points.splice(i, 1);
    state.selected = Math.min(i, state.points.length - 1);
    dataChanged();
    announce(`removed point ${i}`);
  } else return;
  ev.preventDefault();
}

function setRunning(on: boolean): void {
  state.running = on;
  $<HTMLButtonElement>("run").disabled = on;
  $<HTMLButtonElement>("stop").disabled = !on;
  $<HTMLButtonElement>("step").disabled = on;
  // Keep the keyboard focus on a button that is not disabled.
  if (document.activeElement?.id === (on ? "run" : "stop")) $(on ? "stop" : "run").focus();
  if (on) requestAnimationFrame(tick);
}

function tick(): void {
  if (!state.running) return;
  try {
    step();
  } catch (e) {
    setRunning(false);
    announce(`stopped: ${e instanceof Error ? e.message : e}`);
  }
  update();
  if (state.running) requestAnimationFrame(tick);
}

/**
 * What the page posts to the notebook around its iframe (`demoEmbed` in tools/demo.ts listens):
 * its height in CSS pixels, so the notebook shows all of it.
 */
export interface HeightMessage {
  /** The page's content height. */
  cs231nDemoHeight: number;
}

function reportHeight(): void {
  if (globalThis.parent === globalThis.window) return;
  const height = Math.ceil(document.body.getBoundingClientRect().height); // content, not viewport
  const message: HeightMessage = { cs231nDemoHeight: height };
  globalThis.parent.postMessage(message, "*"); // a number, nothing private
}

new ResizeObserver(reportHeight).observe(document.body);
$("plot").dataset.view = VIEW.join(" "); // the data range shown, for tests and screen readers
loadPreset();
wire();
update();
document.documentElement.dataset.ready = "true";
