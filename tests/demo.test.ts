/**
 * The interactive demo (`deno task demo`) in headless Chromium, one browser for the whole file:
 * every number the page shows is checked against the library computing on the same data —
 * after dragging a point, after N steps, for each of the four losses, in the two-layer-net mode —
 * and the page must be usable by keyboard alone, fit a 360-pixel-wide screen, log no console
 * error and request nothing but its own address. Screenshots go to build/artifacts/demo-*.png.
 *
 * Without Chromium this fails under CI=true and is ignored (with the reason printed) elsewhere.
 * Everything the page is asked runs as a script string (tests are type-checked without the DOM).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Page } from "puppeteer-core";
import { ARTIFACTS, CI, findChromium, launchChromium } from "./browser_jupyter.ts";
import { demoEmbed, serveDemo } from "../tools/demo.ts";
import { Matrix, vstack } from "../lib/matrix.ts";
import {
  oneVsAllLoss,
  oneVsAllLossFromScores,
  regLoss,
  softmaxLoss,
  softmaxLossVectorized,
  structuredSvmLoss,
  structuredSvmLossFromScores,
  svmLoss,
  svmLossVectorized,
} from "../lib/losses/mod.ts";
import { adam, sgd, type UpdateConfig } from "../lib/optim/update_rules.ts";
import { TwoLayerNet } from "../lib/nn/two_layer_net.ts";

const chromium = findChromium();
const reason = "Chromium not found (install: apt-get install chromium, or set CHROME_PATH)";
if (!chromium && !CI) console.log(`demo browser test ignored: ${reason}`);

/** The library's loss of each menu entry, and its per-example form. */
const LIB = {
  ww: [svmLossVectorized, svmLoss],
  ova: [oneVsAllLoss, oneVsAllLossFromScores],
  structured: [structuredSvmLoss, structuredSvmLossFromScores],
  softmax: [softmaxLossVectorized, softmaxLoss],
} as const;

/** What the page shows, read from the unrounded `data-value` attributes. */
interface Shown {
  points: { x: number; y: number; label: number }[];
  scores: number[][];
  losses: number[];
  P: Matrix | null;
  dataLoss: number;
  regLoss: number;
  total: number;
  reg: number;
  lr: number;
  iteration: number;
}

async function shown(page: Page): Promise<Shown> {
  const raw = await page.evaluate(`(() => {
    const num = (el) => Number(el.dataset.value);
    const rows = [...document.querySelectorAll("#examples-table tbody tr")]
      .map((tr) => [...tr.querySelectorAll("td[data-value]")].map(num));
    const params = [...Array(9).keys()].map((k) => document.getElementById("param-" + k));
    const v = Number(document.getElementById("reg").value);
    return {
      rows,
      params: params.every(Boolean) ? params.map(num) : null,
      dataLoss: num(document.getElementById("data-loss")),
      regLoss: num(document.getElementById("reg-loss")),
      total: num(document.getElementById("total-loss")),
      reg: v <= -5 ? 0 : 10 ** v,
      lr: 10 ** Number(document.getElementById("lr").value),
      iteration: Number(document.getElementById("iteration").textContent),
    };
  })()`) as {
    rows: number[][];
    params: number[] | null;
    dataLoss: number;
    regLoss: number;
    total: number;
    reg: number;
    lr: number;
    iteration: number;
  };
  return {
    points: raw.rows.map(([x, y, label]) => ({ x, y, label })),
    scores: raw.rows.map((r) => r.slice(3, 6)),
    losses: raw.rows.map((r) => r[6]),
    // param-k is W[c,0], W[c,1], b[c] for c = ⌊k/3⌋: P (3×3) holds them column by column.
    P: raw.params
      ? Matrix.fromArray([0, 1, 2].map((d) => [0, 1, 2].map((c) => raw.params![3 * c + d])))
      : null,
    dataLoss: raw.dataLoss,
    regLoss: raw.regLoss,
    total: raw.total,
    reg: raw.reg,
    lr: raw.lr,
    iteration: raw.iteration,
  };
}

/** The library's numbers for the page's points and parameters: L = data(P) + λ‖W‖² (b free). */
function libLinear(s: Shown, loss: keyof typeof LIB) {
  const X = Matrix.fromArray(s.points.map((p) => [p.x, p.y, 1]));
  const y = Int32Array.from(s.points, (p) => p.label);
  const [full, perExample] = LIB[loss];
  const data = full(s.P!, X, y, 0);
  const penalty = regLoss(s.P!.sliceRows(0, 2), s.reg);
  const { losses } = perExample(X.matmul(s.P!), y);
  return {
    total: data.loss + penalty.loss,
    dataLoss: data.loss,
    regLoss: penalty.loss,
    losses: [...losses],
    dP: data.dW.add(vstack([penalty.dW, Matrix.zeros(1, 3)])),
  };
}

function assertClose(actual: number, expected: number, what: string, tol = 1e-9): void {
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${what}: page ${actual}, library ${expected} (|Δ| = ${Math.abs(actual - expected)})`,
  );
}

/** The page's numbers equal the library's for the shown points and parameters and `loss`. */
function assertMatchesLib(s: Shown, loss: keyof typeof LIB, what: string): void {
  const lib = libLinear(s, loss);
  assertClose(s.total, lib.total, `${what}: total loss`);
  assertClose(s.dataLoss, lib.dataLoss, `${what}: data loss`);
  assertClose(s.regLoss, lib.regLoss, `${what}: regularization loss`);
  assert.equal(s.losses.length, lib.losses.length);
  s.losses.forEach((l, i) => assertClose(l, lib.losses[i], `${what}: L_${i}`));
}

/** The centre of data point (x, y) on the page, in page pixels (the view is [lo, hi]²). */
async function pixelOf(page: Page, x: number, y: number): Promise<[number, number]> {
  const [left, top, width, lo, hi] = await page.evaluate(`(() => {
    const plot = document.getElementById("plot"), r = plot.getBoundingClientRect();
    return [r.left, r.top, r.width, ...plot.dataset.view.split(" ").map(Number)];
  })()`) as number[];
  return [left + ((x - lo) / (hi - lo)) * width, top + ((hi - y) / (hi - lo)) * width];
}

async function clickTimes(page: Page, selector: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await page.click(selector);
}

Deno.test({
  name: "demo page: the library's numbers, by mouse and keyboard, at 360 px, offline",
  ignore: !chromium && !CI,
  fn: async (t) => {
    assert.ok(chromium, `${reason} (required under CI=true)`);
    const server = await serveDemo({ port: 0 });
    const browser = await launchChromium(chromium);
    try {
      const page = await browser.browser.newPage();
      await page.setViewport({ width: 1280, height: 1000 });
      const problems: string[] = [], requests: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warn") problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on("pageerror", (e) => problems.push(`page error: ${e}`));
      page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
      page.on("request", (r) => requests.push(r.url()));
      await page.goto(server.url, { waitUntil: "load" });
      await page.waitForSelector("html[data-ready=true]", { timeout: 30_000 });

      await t.step("starts at CS231n's nine points, W and b, with the library's loss", async () => {
        const s = await shown(page);
        assert.deepEqual(s.P!.toArray(), [[1, 2, 3], [2, -4, -1], [0, 0.5, -0.5]]);
        assert.deepEqual(s.points.slice(0, 2), [{ x: 0.5, y: 0.4, label: 0 }, {
          x: 0.8,
          y: 0.3,
          label: 0,
        }]);
        assert.equal(s.points.length, 9);
        assert.equal(s.reg, 0.1);
        assertMatchesLib(s, "ww", "start");
        // The shown gradient is the library's, with 2λW for the penalty (not 0.5λW).
        const grads = await page.evaluate(
          `[...Array(9).keys()].map((k) => Number(document.getElementById("grad-" + k).dataset.value))`,
        ) as number[];
        const { dP } = libLinear(s, "ww");
        grads.forEach((g, k) => assertClose(g, dP.get(k % 3, Math.floor(k / 3)), `∂L/∂param ${k}`));
      });

      await t.step(
        "dragging a point: the shown loss is the library's for the new data",
        async () => {
          const before = await shown(page);
          const [x0, y0] = await pixelOf(page, 0.5, 0.4), [x1, y1] = await pixelOf(page, -1.2, 0.9);
          await page.mouse.move(x0, y0);
          await page.mouse.down();
          await page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, { steps: 3 });
          await page.mouse.move(x1, y1, { steps: 3 });
          await page.mouse.up();
          const after = await shown(page);
          // Where the pointer let go, to a pixel: one pixel is (hi − lo) / width data units.
          const unit = await page.evaluate(`(() => {
            const plot = document.getElementById("plot"), [lo, hi] = plot.dataset.view.split(" ");
            return (hi - lo) / plot.clientWidth;
          })()`) as number;
          const moved = after.points[0];
          assert.ok(
            Math.abs(moved.x + 1.2) <= unit && Math.abs(moved.y - 0.9) <= unit,
            `${moved.x}, ${moved.y}`,
          );
          assert.deepEqual(after.points.slice(1), before.points.slice(1));
          assert.notEqual(after.total, before.total);
          assertMatchesLib(after, "ww", "after the drag");
        },
      );

      await t.step("20 SGD steps: the library's update, and the loss goes down", async () => {
        const start = await shown(page);
        await clickTimes(page, "#step", 20);
        const end = await shown(page);
        assert.equal(end.iteration, 20);
        assert.ok(end.total < start.total, `loss ${start.total} → ${end.total}`);
        let P = start.P!;
        for (let i = 0; i < 20; i++) {
          P = sgd(P, libLinear({ ...start, P }, "ww").dP, { learningRate: start.lr }).w;
        }
        assert.ok(
          end.P!.maxAbsDiff(P) <= 1e-9,
          `W, b after 20 steps differ by ${end.P!.maxAbsDiff(P)}`,
        );
        assertMatchesLib(end, "ww", "after 20 steps");
        // The loss-surface panel draws the path: the start and one point per step.
        const path = await page.evaluate(`document.getElementById("surface").dataset.pathLength`);
        assert.equal(path, "21");
        await page.evaluate(`scrollTo(0, 0)`);
        await page.screenshot({ path: join(ARTIFACTS, "demo.png") });
      });

      await t.step(
        "each loss: the table and totals are the library's, and they differ",
        async () => {
          const tables = new Map<string, string>();
          for (const loss of ["ova", "structured", "softmax", "ww"] as const) {
            await page.select("#loss", loss);
            const s = await shown(page);
            assertMatchesLib(s, loss, loss);
            tables.set(loss, s.losses.map((l) => l.toFixed(12)).join());
          }
          assert.equal(new Set(tables.values()).size, 4, "every loss gives its own table");
        },
      );

      await t.step(
        "keyboard: every control reachable by Tab and labelled; keys edit points",
        async () => {
          await page.focus("#mode");
          const seen = new Set<string>();
          for (let i = 0; i < 80; i++) {
            await page.keyboard.press("Tab");
            seen.add(
              await page.evaluate(`(() => {
            const e = document.activeElement;
            return e.dataset.param ? "nudge-" + e.dataset.param + e.dataset.dir : e.id || e.tagName;
          })()`) as string,
            );
          }
          const controls = await page.evaluate(`[...document.querySelectorAll(
          "button:not([disabled]), select, input, [tabindex='0']")].map((e) => {
            const name = e.getAttribute("aria-label") || [...(e.labels ?? [])].map((l) => l.textContent).join(" ")
              || e.textContent;
            return { id: e.dataset.param ? "nudge-" + e.dataset.param + e.dataset.dir : e.id,
              name: name.trim() };
          })`) as { id: string; name: string }[];
          assert.ok(controls.length >= 30, `${controls.length} controls`);
          for (const c of controls) {
            assert.ok(c.name.length > 0, `control ${c.id} has no label`);
            assert.ok(seen.has(c.id), `control ${c.id} is not reachable with Tab`);
          }
          // The data plane by keyboard: select the next point (N), move it right 4 × 0.05.
          const before = await shown(page);
          await page.focus("#plot");
          await page.keyboard.press("n");
          const status = () => page.evaluate(`document.getElementById("status").textContent`);
          const k = Number(/^selected point (\d+):/.exec(await status() as string)?.[1]);
          for (let i = 0; i < 4; i++) await page.keyboard.press("ArrowRight");
          const after = await shown(page);
          assertClose(after.points[k].x, before.points[k].x + 0.2, `x of point ${k}`, 1e-12);
          assertMatchesLib(after, "ww", "after moving a point by keyboard");
          assert.match(await status() as string, new RegExp(`^point ${k}: class \\d at`));
        },
      );

      await t.step("removing every point by keyboard leaves only the penalty", async () => {
        await page.click("#reset"); // the nine points again
        await page.focus("#plot");
        await page.keyboard.press("n");
        for (let i = 0; i < 9; i++) await page.keyboard.press("Delete");
        const s = await shown(page);
        assert.equal(s.points.length, 0);
        assert.equal(s.dataLoss, 0);
        assertClose(s.total, regLoss(s.P!.sliceRows(0, 2), s.reg).loss, "loss without points");
        await page.click("#reset");
        assert.equal((await shown(page)).points.length, 9);
      });

      await t.step("run and stop", async () => {
        const before = await shown(page);
        await page.click("#run");
        await page.waitForFunction(
          `Number(document.getElementById("iteration").textContent) >= 10`,
        );
        await page.click("#stop");
        const after = await shown(page);
        assert.ok(after.iteration >= 10 && after.total < before.total);
        assert.equal(await page.evaluate(`document.getElementById("step").disabled`), false);
      });

      await t.step(
        "two-layer net on the spiral: the library's TwoLayerNet, trained by Adam",
        async () => {
          await page.select("#rule", "adam");
          await page.select("#mode", "net");
          const start = await shown(page);
          assert.equal(start.points.length, 90);
          const net = new TwoLayerNet(2, 50, 3, { std: 0.5, seed: 1 });
          const X = Matrix.fromArray(start.points.map((p) => [p.x, p.y]));
          const y = Int32Array.from(start.points, (p) => p.label);
          assertClose(start.total, net.loss(X, y, start.reg).loss, "net loss at the start");
          await clickTimes(page, "#step", 15);
          const end = await shown(page);
          assert.ok(end.total < start.total, `net loss ${start.total} → ${end.total}`);
          // The same 15 Adam steps with the library here give the loss the page shows.
          const configs: Record<string, UpdateConfig> = {};
          const params = net.params as unknown as Record<string, Matrix>;
          for (let i = 0; i < 15; i++) {
            const { grads } = net.loss(X, y, start.reg);
            for (const [k, g] of Object.entries(grads) as [string, Matrix][]) {
              const next = adam(params[k], g, { ...configs[k], learningRate: start.lr });
              [params[k], configs[k]] = [next.w, next.config];
            }
          }
          assertClose(end.total, net.loss(X, y, start.reg).loss, "net loss after 15 Adam steps");
          await page.screenshot({ path: join(ARTIFACTS, "demo-net.png") });
          await page.select("#mode", "linear");
        },
      );

      await t.step("fits a 360 px wide screen", async () => {
        await page.setViewport({ width: 360, height: 740 });
        const width = await page.evaluate(`document.documentElement.scrollWidth`) as number;
        assert.ok(width <= 360, `the page is ${width} px wide`);
        await page.screenshot({ path: join(ARTIFACTS, "demo-360.png"), fullPage: true });
        await page.setViewport({ width: 1280, height: 1000 });
      });

      await t.step(
        "embedded as in a trusted notebook: the page runs and the frame fits it",
        async () => {
          const host = await browser.browser.newPage();
          await host.setViewport({ width: 900, height: 900 });
          host.on("console", (m) => {
            if (m.type() === "error" || m.type() === "warn") {
              problems.push(`embed ${m.type()}: ${m.text()}`);
            }
          });
          host.on("pageerror", (e) => problems.push(`embed page error: ${e}`));
          host.on("request", (r) => requests.push(r.url()));
          const { html } = await demoEmbed({ url: server.url });
          await host.setContent(`<!doctype html><html><body>${html}</body></html>`);
          const frame = host.frames().find((f) => f !== host.mainFrame());
          assert.ok(frame, "no iframe");
          await frame.waitForSelector("html[data-ready=true]", { timeout: 30_000 });
          const s = await shown(frame as unknown as Page);
          assertMatchesLib(s, "ww", "embedded page");
          const height = await frame.evaluate(
            `Math.ceil(document.body.getBoundingClientRect().height)`,
          ) as number;
          await host.waitForFunction(
            `parseFloat(document.querySelector("iframe").style.height) === ${height + 4}`,
            { timeout: 10_000 },
          );
          await host.screenshot({ path: join(ARTIFACTS, "demo-embed.png") });
          await host.close();
        },
      );

      const outside = requests.filter((u) => !u.startsWith(server.url) && !u.startsWith("data:"));
      assert.deepEqual(outside, [], "requests beyond 127.0.0.1");
      assert.deepEqual(problems, [], "console errors or warnings");
    } finally {
      await browser.close();
      await server.close();
    }
  },
});
