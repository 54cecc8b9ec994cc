import assert from "node:assert/strict";
import { decode } from "fast-png";
import { Matrix } from "../lib/matrix.ts";
import { loadMnist } from "../lib/data/mnist.ts";
import {
  Chart,
  chartOf,
  document,
  encodePng,
  formatNumber,
  heatmap,
  imageGrid,
  JUPYTER_DISPLAY,
  Plot,
  plot,
  RAMPS,
  svgAsImages,
  table,
} from "../lib/plot/mod.ts";

/** The SVG markup inside a base64 data URL. */
function decodeSvg(base64: string): string {
  return new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
}

/** Grey level of pixel (x, y) of a decoded 1-channel PNG. */
function grey(png: ReturnType<typeof decode>, x: number, y: number): number {
  return png.data[y * png.width + x];
}

/** RGB of pixel (x, y) of a decoded 3-channel PNG. */
function rgb(png: ReturnType<typeof decode>, x: number, y: number): number[] {
  const i = (y * png.width + x) * 3;
  return Array.from(png.data.subarray(i, i + 3));
}

// ---- charts ---------------------------------------------------------------------------------

Deno.test("plot: a dot chart has one <circle> per point and a standalone SVG bundle", () => {
  const data = Array.from({ length: 7 }, (_, i) => ({ x: i, y: i * i }));
  const chart = plot({ marks: [Plot.dot(data, { x: "x", y: "y" }), Plot.ruleY([0])] });
  assert.equal(chart.markup.match(/<circle/g)?.length, 7);
  assert.match(chart.markup, /aria-label="dot"/);
  assert.match(chart.markup, /aria-label="rule"/);
  assert.match(chart.markup, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  const bundle = chart[JUPYTER_DISPLAY]();
  // Shown as an <img> with the SVG as a data URL (survives JupyterLab's untrusted sanitizer).
  const img =
    /^<img src="data:image\/svg\+xml;base64,([^"]+)" width="640" height="400" alt="([^"]*)"/
      .exec(bundle["text/html"]);
  assert.ok(img, bundle["text/html"].slice(0, 120));
  assert.equal(decodeSvg(img[1]), chart.markup);
  assert.equal(img[2], "chart");
  assert.equal(bundle["image/svg+xml"], undefined);
  assert.equal(bundle["text/plain"], "Plot chart 640×400");
});

Deno.test("plot: a line chart draws a path through every point", () => {
  const chart = plot({ width: 300, height: 200, marks: [Plot.lineY([5, 3, 4, 1])] });
  const d = /aria-label="line"><path d="([^"]+)"/.exec(chart.markup)?.[1] ?? "";
  assert.equal(d.match(/[ML]/g)?.length, 4); // M + 3 L segments
  // y = 5, 3, 4, 1 on a 200-px chart: the smallest value is drawn lowest (largest pixel y)
  const ys = [...d.matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1]));
  assert.deepEqual(ys.map((v) => ys.indexOf(v)), [0, 1, 2, 3]);
  assert.ok(ys[3] > ys[1] && ys[1] > ys[2] && ys[2] > ys[0]);
  assert.equal(chart[JUPYTER_DISPLAY]()["text/plain"], "Plot chart 300×200");
});

Deno.test("plot: an ordinal colour legend makes an HTML figure with swatches", () => {
  const data = [{ x: 0, y: 0, c: "cat" }, { x: 1, y: 1, c: "dog" }];
  const chart = plot({
    color: { legend: true },
    marks: [Plot.dot(data, { x: "x", y: "y", fill: "c" })],
  });
  assert.equal(chart.isSvg, false);
  const bundle = chart[JUPYTER_DISPLAY]();
  assert.match(bundle["text/html"], /^<figure/);
  assert.match(bundle["text/html"], /swatch[\s\S]*cat[\s\S]*dog/);
  assert.equal(bundle["image/svg+xml"], undefined);
  // Every svg (2 swatches + the chart) became an <img>; none is left inline.
  const srcs = [...bundle["text/html"].matchAll(/<img src="data:image\/svg\+xml;base64,([^"]+)"/g)];
  assert.equal(srcs.length, 3);
  assert.doesNotMatch(bundle["text/html"], /<svg/);
  assert.equal(decodeSvg(srcs[2][1]).match(/<circle/g)?.length, 2);
});

Deno.test("chart alt text: the title, else the aria-label; non-ASCII tick labels survive base64", () => {
  const titled = plot({ title: "Loss & accuracy", marks: [Plot.lineY([-3, 1, 2])] });
  assert.equal(titled.altText, "Loss & accuracy");
  assert.match(titled[JUPYTER_DISPLAY]()["text/html"], /alt="Loss &amp; accuracy"/);
  const labelled = plot({ ariaLabel: "weights of class 3", marks: [Plot.lineY([1, 2])] });
  assert.equal(labelled.altText, "weights of class 3");
  const html = svgAsImages('<svg width="2" height="1"><text>−3</text></svg>', "minus");
  const b64 = /base64,([^"]+)"/.exec(html)![1];
  assert.match(decodeSvg(b64), /<text>−3<\/text>/);
});

Deno.test("chartOf: wraps Plot.plot output built with the shared document; rejects non-elements", () => {
  const chart = chartOf(Plot.plot({ document, marks: [Plot.barY([1, 2, 3])] }));
  assert.ok(chart instanceof Chart);
  assert.equal(chart.markup.match(/<rect/g)?.length, 3);
  assert.throws(() => chartOf(42 as never), /Chart: expected a Plot chart.*got number/);
  assert.throws(
    () => chartOf({ nodeName: "x" } as never),
    /Chart: expected a Plot chart.*got Object/,
  );
});

// ---- PNG --------------------------------------------------------------------------------------

Deno.test("encodePng: round-trips through fast-png's decoder; base64 bundle decodes to the bytes", () => {
  const pixels = Uint8Array.from({ length: 4 * 3 * 3 }, (_, i) => (i * 7) % 256);
  const img = encodePng(pixels, 4, 3, 3);
  const png = decode(img.bytes);
  assert.deepEqual([png.width, png.height, png.channels, png.depth], [4, 3, 3, 8]);
  assert.deepEqual(Array.from(png.data), Array.from(pixels));
  const b64 = img[JUPYTER_DISPLAY]()["image/png"];
  assert.deepEqual(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)), img.bytes);
});

Deno.test("encodePng: bad sizes and channel counts throw RangeErrors naming the problem", () => {
  assert.throws(
    () => encodePng(new Uint8Array(4), 0, 4, 1),
    /encodePng: size must be positive integers, got 0×4/,
  );
  assert.throws(
    () => encodePng(new Uint8Array(4), 2, 2, 2 as never),
    /encodePng: channels must be 1 or 3, got 2/,
  );
  assert.throws(
    () => encodePng(new Uint8Array(4), 2, 2, 3),
    /encodePng: 2×2×3 needs 12 values, got 4/,
  );
});

// ---- image grids ------------------------------------------------------------------------------

Deno.test("imageGrid: MNIST digits tile 28×28 grey at scale 2 with padding, pixel-exact", async () => {
  const { X, y } = await loadMnist();
  const picks = [y.indexOf(0), y.indexOf(1), y.indexOf(2), y.indexOf(3), y.indexOf(4)];
  const digits = X.gatherRows(picks);
  const grid = imageGrid(digits, { cols: 3, scale: 2, padding: 2, normalize: "none" });
  const png = decode(grid.bytes);
  // 3 tiles across: 3·56 + 2·2; 2 rows: 2·56 + 2
  assert.deepEqual([png.width, png.height, png.channels], [172, 114, 1]);
  assert.deepEqual([grid.count, grid.cols, grid.tileWidth, grid.tileHeight], [5, 3, 56, 56]);
  assert.deepEqual(grid.tileOrigin(4), [58, 58]);
  // normalize "none" keeps values as 0…255 levels: MNIST's [0, 1] becomes 0 or 1
  const none = Array.from(png.data).filter((v) => v > 1 && v !== 255);
  assert.equal(none.length, 0);
  // "each": every source pixel becomes a 2×2 block of round(255·v / max)
  const each = decode(imageGrid(digits, { cols: 3, scale: 2, padding: 2 }).bytes);
  const d3 = digits.row(3);
  let max = 0;
  for (const v of d3) max = Math.max(max, v);
  const [x0, y0] = grid.tileOrigin(3);
  for (const [r, c] of [[14, 14], [10, 20], [0, 0], [27, 27]]) {
    const want = Math.round((255 * d3[r * 28 + c]) / max);
    for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
      assert.equal(grey(each, x0 + 2 * c + dx, y0 + 2 * r + dy), want);
    }
  }
  // padding and the empty sixth slot are background white
  assert.equal(grey(each, 56, 0), 255);
  assert.equal(grey(each, 57, 30), 255);
  assert.equal(grey(each, 171, 113), 255);
});

Deno.test("imageGrid: CIFAR-style planar RGB and interleaved RGB give the same pixels", () => {
  const w = 32, h = 32;
  const planar = new Float64Array(w * h * 3), inter = new Float64Array(w * h * 3);
  for (let p = 0; p < w * h; p++) {
    const [r, g, b] = [p % 256, (p * 3) % 256, 255 - (p % 256)];
    planar[p] = r, planar[w * h + p] = g, planar[2 * w * h + p] = b;
    inter[3 * p] = r, inter[3 * p + 1] = g, inter[3 * p + 2] = b;
  }
  const opts = { width: w, height: h, channels: 3, normalize: "none", padding: 0 } as const;
  const a = decode(imageGrid([planar], { ...opts, layout: "planar" }).bytes);
  const b = decode(imageGrid([inter], { ...opts, layout: "interleaved" }).bytes);
  assert.deepEqual([a.width, a.height, a.channels], [32, 32, 3]);
  assert.deepEqual(Array.from(a.data), Array.from(b.data));
  assert.deepEqual(rgb(a, 5, 1), [37, 111, 218]); // pixel 37
});

Deno.test("imageGrid: weight templates are rescaled to 0…255, each or globally", () => {
  const W = Matrix.fromArray([[-2, 0, 2, 4], [-1, -1, 0, 1]]); // two 2×2 "templates"
  const each = decode(imageGrid(W, { padding: 0 }).bytes);
  assert.deepEqual(Array.from(each.data.subarray(0, 2)), [0, 85]); // (v+2)/6·255
  assert.deepEqual([grey(each, 0, 1), grey(each, 1, 1)], [170, 255]);
  assert.deepEqual([grey(each, 2, 0), grey(each, 3, 0), grey(each, 2, 1), grey(each, 3, 1)], [
    0,
    0,
    128,
    255,
  ]);
  const global = decode(imageGrid(W, { padding: 0, normalize: "global" }).bytes);
  assert.deepEqual([grey(global, 2, 0), grey(global, 3, 1)], [43, 128]); // (v+2)/6·255
  const flat = decode(imageGrid([new Float64Array(4).fill(3)], {}).bytes);
  assert.deepEqual(Array.from(flat.data), [0, 0, 0, 0]);
});

Deno.test("imageGrid: labels give an HTML view, one <img> per row of tiles with its captions under it", () => {
  const images = [0, 1, 2].map((v) => new Float64Array(4).fill(v));
  const grid = imageGrid(images, { labels: ["<cat>", "dog", "emu"], scale: 5, cols: 2 });
  const bundle = grid[JUPYTER_DISPLAY]();
  assert.ok(bundle["image/png"]);
  const html = bundle["text/html"];
  // No <style> element (JupyterLab's sanitizer drops it in untrusted notebooks): inline styles only.
  assert.doesNotMatch(html, /<style/);
  const rows = [
    ...html.matchAll(
      /<img src="data:image\/png;base64,([^"]+)" width="(\d+)" height="(\d+)" alt="([^"]*)"/g,
    ),
  ];
  assert.deepEqual(rows.map((r) => [r[2], r[3], r[4]]), [["21", "10", "&lt;cat&gt;, dog"], [
    "21",
    "10",
    "emu",
  ]]);
  // Row 2 holds tile 2 (a constant image: black) then background (white) where tile 3 would be.
  const row2 = decode(Uint8Array.from(atob(rows[1][1]), (c) => c.charCodeAt(0)));
  assert.deepEqual([row2.width, row2.height], [21, 10]);
  assert.deepEqual([grey(row2, 0, 0), grey(row2, 15, 5)], [0, 255]);
  assert.match(html, /grid-template-columns:10px 10px;column-gap:1px/);
  assert.match(html, /<div>&lt;cat&gt;<\/div><div>dog<\/div>[\s\S]*<div>emu<\/div>/);
  assert.equal(bundle["text/plain"], "PNG 21×21 grey: 3 images");
  assert.equal(imageGrid([new Float64Array(4)])[JUPYTER_DISPLAY]()["text/html"], undefined);
});

Deno.test("imageGrid: bad input throws naming the option and value", () => {
  const one = [new Float64Array(4)];
  assert.throws(() => imageGrid([]), /imageGrid: no images to show/);
  assert.throws(
    () => imageGrid(new Float64Array(4) as never),
    /imageGrid: expected a Matrix.*got Float64Array/,
  );
  assert.throws(
    () => imageGrid([new Float64Array(4), new Float64Array(5)]),
    /imageGrid: image 1 has 5 values, image 0 has 4 \(2×2×1\)/,
  );
  assert.throws(
    () => imageGrid([new Float64Array(6)]),
    /imageGrid: 6 values do not make a \?×\?×1 image/,
  );
  assert.throws(() => imageGrid(one, { width: 3 }), /do not make a 3×\?×1 image/);
  assert.throws(
    () => imageGrid(one, { channels: 2 as never }),
    /imageGrid: channels must be one of 1, 3, got 2/,
  );
  assert.throws(
    () => imageGrid(one, { layout: "rgb" as never }),
    /layout must be one of "planar", "interleaved", got "rgb"/,
  );
  assert.throws(() => imageGrid(one, { normalize: "max" as never }), /normalize must be one of/);
  assert.throws(
    () => imageGrid(one, { scale: 1.5 }),
    /imageGrid: scale must be an integer ≥ 1, got 1.5/,
  );
  assert.throws(
    () => imageGrid(one, { padding: -1 }),
    /imageGrid: padding must be an integer ≥ 0, got -1/,
  );
  assert.throws(() => imageGrid(one, { cols: 0 }), /imageGrid: cols must be an integer ≥ 1, got 0/);
  assert.throws(
    () => imageGrid(one, { background: 300 }),
    /background must be a grey level in 0…255, got 300/,
  );
  assert.throws(() => imageGrid(one, { labels: ["a", "b"] }), /imageGrid: 2 labels for 1 images/);
  assert.throws(() => imageGrid([Float64Array.from([0, NaN, 0, 0])]), /image 0 value 1 is NaN/);
  assert.throws(() => grid1().tileOrigin(1), /tileOrigin: tile 1 is outside 0…0/);
  function grid1() {
    return imageGrid(one);
  }
});

// ---- heatmaps ---------------------------------------------------------------------------------

Deno.test("heatmap: equal-width bins over the value range map onto the ramp's colours", () => {
  const M = Matrix.fromArray([[0, 1, 2], [3, 4, 9]]);
  const map = heatmap(M, { scale: 2 });
  const png = decode(map.bytes);
  assert.deepEqual([png.width, png.height, png.channels], [6, 4, 3]);
  const hex = (c: number[]) => "#" + c.map((v) => v.toString(16).padStart(2, "0")).join("");
  // 9 viridis bins of width 1 over [0, 9]: value v → bin v (9 clamps into the last)
  const expected = [[0, 1, 2], [3, 4, 8]];
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 3; j++) {
      for (const [dy, dx] of [[0, 0], [1, 1]]) {
        assert.equal(hex(rgb(png, 2 * j + dx, 2 * i + dy)), RAMPS.viridis[expected[i][j]]);
      }
    }
  }
  assert.deepEqual(map.domain, [0, 9]);
  assert.equal(map.binOf(-5), 0);
  assert.equal(map.binOf(4.5), 4);
});

Deno.test("heatmap: a domain clamps outliers; the HTML view has one swatch per bin", () => {
  const map = heatmap(Matrix.fromArray([[-10, 0.5, 10]]), {
    ramp: "rdbu",
    domain: [0, 1],
    label: "W<0>",
  });
  const png = decode(map.bytes);
  assert.deepEqual(rgb(png, 0, 0), [0xb2, 0x18, 0x2b]);
  assert.deepEqual(rgb(png, 2, 0), [0x21, 0x66, 0xac]);
  const html = map[JUPYTER_DISPLAY]()["text/html"];
  assert.equal(html.match(/background:#/g)?.length, 9);
  assert.match(html, /W&lt;0&gt;/);
  assert.match(html, /0–0\.111/);
  assert.equal(map[JUPYTER_DISPLAY]()["text/plain"], "PNG 3×1 RGB heatmap, 9 bins over [0, 1]");
});

Deno.test("heatmap: legend edges show round-off residue as 0", () => {
  const html = heatmap(Matrix.fromArray([[-2.8e-14, 90]]))[JUPYTER_DISPLAY]()["text/html"];
  assert.match(html, /<\/span>0–10<\/span>/);
  assert.match(html, /80–90<\/span>/);
});

Deno.test("heatmap: a constant matrix uses the first colour; bad input throws", () => {
  const png = decode(heatmap(Matrix.full(2, 2, 7), { ramp: "greys" }).bytes);
  assert.deepEqual(Array.from(png.data), new Array(12).fill(0));
  assert.throws(() => heatmap(new Matrix(0, 3)), /heatmap: matrix \(0×3\) is empty/);
  assert.throws(() => heatmap([[1]] as never), /heatmap: expected a Matrix/);
  assert.throws(
    () => heatmap(Matrix.fromArray([[1, Infinity]])),
    /heatmap: entry \(0, 1\) is Infinity/,
  );
  assert.throws(
    () => heatmap(Matrix.eye(2), { ramp: "jet" as never }),
    /heatmap: ramp must be one of viridis, greys, rdbu/,
  );
  assert.throws(
    () => heatmap(Matrix.eye(2), { ramp: ["red"] }),
    /heatmap: colour "red" is not #rrggbb/,
  );
  assert.throws(
    () => heatmap(Matrix.eye(2), { scale: 0 }),
    /heatmap: scale must be an integer ≥ 1, got 0/,
  );
  assert.throws(
    () => heatmap(Matrix.eye(2), { domain: [1, 0] }),
    /heatmap: domain \[1,0\] must be \[low, high\]/,
  );
});

// ---- tables -----------------------------------------------------------------------------------

Deno.test("table: objects → HTML with numbers rounded and right-aligned, union of keys", () => {
  const t = table([{ lr: 1e-7, reg: 25000, acc: 0.31234 }, { lr: 5e-5, acc: 0.4, note: "best" }], {
    digits: 3,
  });
  assert.deepEqual(t.columns, ["lr", "reg", "acc", "note"]);
  assert.deepEqual(t.cells, [["1e-7", "25000", "0.312", ""], ["5e-5", "", "0.4", "best"]]);
  const html = t[JUPYTER_DISPLAY]()["text/html"];
  assert.match(html, /<th style="text-align:right">lr<\/th>/);
  assert.match(html, /<th>reg<\/th>/); // a missing value makes the column non-numeric
  assert.equal(html.match(/<tr>/g)?.length, 3);
  assert.equal(t.text, "  lr  reg      acc  note\n1e-7  25000  0.312\n5e-5           0.4  best");
});

Deno.test("table: column selection and the row limit", () => {
  const rows = [[1, 0.25], [3, 0.275], [5, 0.2813], [8, 0.27]].map(([k, acc]) => ({ k, acc }));
  const t = table(rows, { columns: ["acc", "k"], maxRows: 2 });
  assert.deepEqual(t.columns, ["acc", "k"]);
  assert.deepEqual(t.cells, [["0.25", "1"], ["0.275", "3"]]);
  assert.equal(t.totalRows, 4);
  assert.match(t.html, /… 2 more rows/);
  assert.throws(() => table(rows, { columns: ["f1"] }), /table: no column f1 \(have k, acc\)/);
});

Deno.test("table and formatNumber: formatting rules and bad input", () => {
  assert.deepEqual(
    [3, -0.000123456, -0.0000123456, 1234.5678, 99999.7, NaN, -Infinity].map((x) =>
      formatNumber(x, 4)
    ),
    ["3", "-0.0001235", "-1.235e-5", "1235", "1e+5", "NaN", "-Infinity"],
  );
  const t = table([{ a: null, b: true, c: 10n, d: new Date(0), e: { x: 1 } }]);
  assert.deepEqual(t.cells[0], ["", "true", "10", "1970-01-01T00:00:00.000Z", '{"x":1}']);
  assert.throws(
    () => table([{ a: 1 }], { digits: 1.5 }),
    /table: digits must be an integer in 1…21, got 1.5/,
  );
  assert.throws(
    () => table([{ a: 1 }], { maxRows: -1 }),
    /table: maxRows must be a non-negative integer/,
  );
  assert.throws(() => table([{ a: 1 }, 5] as never), /table: row 1 is number, not an object/);
  assert.throws(
    () => table("x" as never),
    /table: expected an array of objects/,
  );
});
