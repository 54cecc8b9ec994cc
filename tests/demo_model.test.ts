/**
 * The demo's model (tools/demo/model.ts) without a browser: every number it hands the page is the
 * library's — the four losses and their per-example tables, the penalty λ‖W‖² on W only with its
 * gradient 2λW (checked numerically, the bug of CS231n's page), the update rules step by step, the
 * loss surface, the two-layer net — and the notebook embed keeps a picture and a link for an
 * untrusted view.
 */
import assert from "node:assert/strict";
import { Matrix, vstack } from "../lib/matrix.ts";
import { evalNumericalGradient } from "../lib/gradients.ts";
import {
  oneVsAllLoss,
  regLoss,
  softmaxLossVectorized,
  structuredSvmLoss,
  svmLossVectorized,
} from "../lib/losses/mod.ts";
import { adam, sgd, sgdMomentum } from "../lib/optim/update_rules.ts";
import { TwoLayerNet } from "../lib/nn/two_layer_net.ts";
import {
  evaluateLinear,
  evaluateNet,
  LINEAR_LOSSES,
  linearLossFn,
  type LinearLossName,
  linearRegions,
  lossSurface,
  Optimizer,
  PARAMS,
  PRESETS,
  randomParams,
  toDataset,
} from "../tools/demo/model.ts";
import { demoEmbed } from "../tools/demo.ts";

const NAMES = Object.keys(LINEAR_LOSSES) as LinearLossName[];
const LIB = {
  ww: svmLossVectorized,
  ova: oneVsAllLoss,
  structured: structuredSvmLoss,
  softmax: softmaxLossVectorized,
};

Deno.test("demo model: each loss is the library's, data part on [x, 1]·P, penalty on W only", () => {
  for (const preset of Object.values(PRESETS)) {
    const { points, params } = preset.make(3);
    const data = toDataset(points), Xb = data.X.appendOnes();
    for (const name of NAMES) {
      const e = evaluateLinear(data, params, name, 0.05);
      const lib = LIB[name](params, Xb, data.y, 0);
      const W = params.sliceRows(0, 2);
      assert.equal(e.dataLoss, lib.loss);
      assert.equal(e.regLoss, 0.05 * W.sumOfSquares());
      assert.equal(e.loss, lib.loss + regLoss(W, 0.05).loss);
      assert.ok(
        Math.abs(e.losses.reduce((a, b) => a + b, 0) / e.losses.length - e.dataLoss) < 1e-12,
      );
      // The gradient: the library's data gradient plus 2λW on the W rows, nothing on b.
      const expected = lib.dW.add(vstack([W.mul(2 * 0.05), Matrix.zeros(1, 3)]));
      assert.ok(e.grad.maxAbsDiff(expected) < 1e-15, `${name}: gradient`);
      assert.equal(linearLossFn(data, name, 0.05)(params), e.loss);
    }
  }
});

Deno.test("demo model: the shown gradient is the loss's gradient (numerical check, λ = 0.3)", () => {
  const { points } = PRESETS.blobs.make(1);
  const data = toDataset(points), P = randomParams(5);
  for (const name of NAMES) {
    const f = linearLossFn(data, name, 0.3);
    const numeric = evalNumericalGradient((Q: Matrix) => f(Q), P.clone(), { h: 1e-6 });
    const shown = evaluateLinear(data, P, name, 0.3).grad;
    // Piecewise-linear losses: no kink within 1e-6 of these random parameters.
    assert.ok(shown.maxAbsDiff(numeric) < 1e-6, `${name}: |Δ| = ${shown.maxAbsDiff(numeric)}`);
  }
  // With no data only the penalty is left: exactly 2λW, and 0 for b.
  const empty = evaluateLinear(toDataset([]), P, "ww", 0.3);
  assert.deepEqual(
    empty.grad.toArray(),
    vstack([P.sliceRows(0, 2).mul(0.6), Matrix.zeros(1, 3)]).toArray(),
  );
  assert.equal(empty.dataLoss, 0);
});

Deno.test("demo model: CS231n's starting state and its Weston–Watkins losses", () => {
  const { points, params } = PRESETS.cs231n.make(0);
  const e = evaluateLinear(toDataset(points), params, "ww", 0.1);
  // Point 0 (0.5, 0.4), class 0, W = [[1, 2], [2, −4], [3, −1]], b = [0, 0.5, −0.5].
  assert.deepEqual(Array.from(e.scores.row(0), (s) => +s.toFixed(12)), [1.3, -0.1, 0.6]);
  assert.equal(+e.losses[0].toFixed(12), 0.3); // max(0, −0.1 − 1.3 + 1) + max(0, 0.6 − 1.3 + 1)
  assert.equal(+e.regLoss.toFixed(12), 0.1 * (1 + 4 + 4 + 16 + 9 + 1));
  assert.deepEqual([...linearRegions(Matrix.fromArray([[0.5, 0.4]]), params)], [0]);
});

Deno.test("demo model: Optimizer takes the library's SGD, momentum and Adam steps", () => {
  const w0 = Matrix.fromArray([[1, -2], [0.5, 3]]);
  const grad = (w: Matrix) => w.mul(2).add(1); // any gradient that depends on w
  for (const [rule, lib] of [["sgd", sgd], ["momentum", sgdMomentum], ["adam", adam]] as const) {
    const opt = new Optimizer(rule);
    let mine = w0, theirs = w0, config = {};
    for (let i = 0; i < 5; i++) {
      mine = opt.step({ w: mine }, { w: grad(mine) }, 0.05).w;
      ({ w: theirs, config } = lib(theirs, grad(theirs), { ...config, learningRate: 0.05 }));
    }
    assert.deepEqual(mine.toArray(), theirs.toArray(), rule);
  }
});

Deno.test("demo model: the loss surface is the loss at each grid point", () => {
  const { points, params } = PRESETS.cs231n.make(0);
  const f = linearLossFn(toDataset(points), "softmax", 0.1);
  const as = [-1, 0, 2], bs = [0.5, 1];
  const { values } = lossSurface(f, params, 2, 7, as, bs); // b[0] across, W[2,1] up
  as.forEach((a, i) =>
    bs.forEach((b, j) => {
      const Q = params.clone().set(PARAMS[2].row, PARAMS[2].col, a).set(
        PARAMS[7].row,
        PARAMS[7].col,
        b,
      );
      assert.equal(values[i * bs.length + j], f(Q));
    })
  );
  assert.deepEqual(params.toArray(), PRESETS.cs231n.make(0).params.toArray(), "P untouched");
});

Deno.test("demo model: the two-layer net's numbers are TwoLayerNet's", () => {
  const net = new TwoLayerNet(2, 8, 3, { std: 0.5, seed: 2 });
  const data = toDataset(PRESETS.spiral.make(0).points);
  const e = evaluateNet(net, data, 1e-3);
  const lib = net.loss(data.X, data.y, 1e-3);
  assert.equal(e.loss, lib.loss);
  assert.ok(Math.abs(e.dataLoss + e.regLoss - lib.loss) < 1e-12);
  assert.deepEqual(e.grad.W1.toArray(), lib.grads.W1.toArray());
  assert.equal(e.losses.length, 90);
});

Deno.test("demo embed: the live page, and a picture and a link for an untrusted view", async () => {
  const { html, text } = await demoEmbed({ url: "http://127.0.0.1:1234/", page: "<p>live</p>" });
  assert.match(
    html,
    /<iframe id="cs231n-demo-[\w-]+" sandbox="allow-scripts" srcdoc="&lt;p&gt;live/,
  );
  // What an untrusted view keeps once iframes and scripts are gone: picture, caption, link.
  const untrusted = html.replace(/<iframe[\s\S]*?<\/iframe>/g, "").replace(
    /<script[\s\S]*?<\/script>/g,
    "",
  );
  assert.match(untrusted, /<img src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+" width="240"/);
  assert.match(untrusted, /href="http:\/\/127\.0\.0\.1:1234\/"/);
  assert.match(untrusted, /notebook is untrusted/);
  assert.doesNotMatch(untrusted, /<style/); // inline styles only: the sanitizer drops <style>
  assert.equal(text, "Interactive linear classifier: http://127.0.0.1:1234/");
});
