/**
 * `await show(x)`: the one way the lessons put a chart, image, table or text into a cell — and it
 * resolves only once the kernel has published the output, so every output lands in its own cell.
 *
 * `Deno.jupyter.display` alone does not promise that: the Deno kernel can report the cell finished
 * before a large output queued at its end is sent (see `iopub.ts` for the mechanism), and the
 * frontend then drops the output or files it under the next cell. `show` sends the output with a
 * marker and waits until its own subscription to the kernel's IOPub channel sees it go out; the
 * frontend, subscribed earlier, has been sent it by then. When no subscription can be made (not
 * Linux or macOS, or no kernel connection file on the command line) `show` still displays, without
 * the wait. Outside the kernel (`deno run`, `deno test`) it prints the `text/plain` form.
 *
 * ```ts ignore
 * import { Plot, plot, show } from "lib/plot/mod.ts";
 * await show(plot({ marks: [Plot.lineY([3, 1, 2])] }));
 * ```
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { show } from "./show.ts";
 * const log = console.log, seen: unknown[] = [];
 * console.log = (text: unknown) => seen.push(text); // outside a kernel: the text/plain form
 * try {
 *   await show({ "text/html": "<b>3 rows</b>", "text/plain": "3 rows" });
 * } finally {
 *   console.log = log;
 * }
 * assert.deepEqual(seen, ["3 rows"]);
 * ```
 * @module
 */
import { type Displayable, JUPYTER_DISPLAY, type MimeBundle } from "./display.ts";
import { connectionFileFromArgs, iopubAddress, IopubListener, ownCommandLine } from "./iopub.ts";

/**
 * Options of `show`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ShowOptions } from "./show.ts";
 * const replace: ShowOptions = { displayId: "training", update: true };
 * assert.equal(replace.update, true);
 * ```
 */
export interface ShowOptions {
  /** A display id: a later `show(y, { displayId, update: true })` replaces this output in place. */
  displayId?: string;
  /** Replace the output shown earlier under `displayId` instead of adding one. */
  update?: boolean;
}

/**
 * The part of `Deno.jupyter` that `show` uses.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { JupyterBroadcast } from "./show.ts";
 * const sent: string[] = [];
 * const kernel: JupyterBroadcast = { broadcast: (type) => void sent.push(type) };
 * kernel.broadcast("display_data", {});
 * assert.deepEqual(sent, ["display_data"]);
 * ```
 */
export interface JupyterBroadcast {
  /** Queues one IOPub message for the kernel thread to publish. */
  broadcast(msgType: string, content: Record<string, unknown>): unknown;
}

/**
 * How long `show` waits for the kernel to publish one output before giving up on waiting.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ACK_TIMEOUT_MS, Display } from "./show.ts";
 * assert.equal(ACK_TIMEOUT_MS, 10_000); // Display's default third argument
 * const impatient = new Display({ broadcast: () => {} }, null, ACK_TIMEOUT_MS / 10);
 * assert.equal(impatient.acknowledged, false); // no listener: nothing to wait for
 * ```
 */
export const ACK_TIMEOUT_MS = 10_000;

/**
 * Sends outputs through one kernel and, when it has a listener, waits for each to be published.
 * `show` uses one per process; tests build their own with a fake kernel and listener.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Display } from "./show.ts";
 * const sent: unknown[] = [];
 * const display = new Display({ broadcast: (type, content) => void sent.push([type, content]) }, null);
 * await display.show({ "text/plain": "hi" }, { displayId: "d1" });
 * assert.deepEqual(sent, [["display_data", { data: { "text/plain": "hi" }, metadata: {}, transient: { display_id: "d1" } }]]);
 * ```
 */
export class Display {
  #kernel: JupyterBroadcast;
  #listener: IopubListener | null;
  #timeoutMs: number;

  /** `listener`: a subscription to the same kernel's IOPub, or null to send without waiting. */
  constructor(
    kernel: JupyterBroadcast,
    listener: IopubListener | null,
    timeoutMs = ACK_TIMEOUT_MS,
  ) {
    this.#kernel = kernel;
    this.#listener = listener;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * True while outputs are acknowledged (a listener is connected and has never timed out).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Display } from "./show.ts";
   * const display = new Display({ broadcast: () => {} }, null); // no IOPub listener
   * assert.equal(display.acknowledged, false); // show sends without waiting
   * ```
   */
  get acknowledged(): boolean {
    return this.#listener !== null && !this.#listener.closed;
  }

  /**
   * Sends `x` and resolves once it is published (or at once without a listener).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Display } from "./show.ts";
   * const sent: [string, unknown][] = [];
   * const display = new Display({ broadcast: (type, content) => void sent.push([type, content]) }, null);
   * await display.show({ "text/plain": "epoch 2" }, { displayId: "bar", update: true });
   * const data = { "text/plain": "epoch 2" }, transient = { display_id: "bar" };
   * assert.deepEqual(sent, [["update_display_data", { data, metadata: {}, transient }]]);
   * ```
   */
  async show(x: Displayable | MimeBundle, options: ShowOptions = {}): Promise<void> {
    const data = bundleOf(x);
    const listener = this.acknowledged ? this.#listener : null;
    const marker = listener ? `cs231n-ack-${crypto.randomUUID()}` : null;
    const seen = listener && marker ? listener.expect(marker, this.#timeoutMs) : null;
    const transient: Record<string, string> = {};
    if (options.displayId) transient.display_id = options.displayId;
    if (marker) transient.cs231n_ack = marker;
    this.#kernel.broadcast(options.update ? "update_display_data" : "display_data", {
      data,
      metadata: {},
      transient,
    });
    if (seen && !(await seen)) {
      // Never published within the timeout: the subscription is not working; stop waiting on it.
      this.#listener?.close();
      this.#listener = null;
    }
  }
}

/**
 * Displays `x` (anything with a MIME bundle, or a bundle itself) as the current cell's output and
 * resolves once the kernel has published it. With `{ displayId }` a later
 * `show(y, { displayId, update: true })` replaces it in place (progress lines, live charts).
 * Outside the Jupyter kernel it prints the `text/plain` form with `console.log`.
 *
 * ```ts ignore
 * await show(table(rows));
 * await show(heatmap(W), { displayId: "weights" });
 * ```
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { show } from "./show.ts";
 * import { HtmlView } from "./display.ts";
 * const log = console.log, seen: unknown[] = [];
 * console.log = (text: unknown) => seen.push(text);
 * try {
 *   await show(new HtmlView("<i>done</i>", "done"));
 * } finally {
 *   console.log = log;
 * }
 * assert.deepEqual(seen, ["done"]);
 * ```
 */
export async function show(x: Displayable | MimeBundle, options: ShowOptions = {}): Promise<void> {
  const kernel = jupyterKernel();
  if (!kernel) {
    console.log(textOf(bundleOf(x)));
    return;
  }
  current ??= { kernel, display: openDisplay(kernel) };
  if (current.kernel !== kernel) current = { kernel, display: openDisplay(kernel) };
  const display = await current.display;
  try {
    await display.show(x, options);
  } catch {
    console.log(textOf(bundleOf(x))); // the kernel refused the message: text is better than nothing
  }
}

/** The display of the kernel this process runs in (one per `Deno.jupyter` object). */
let current: { kernel: JupyterBroadcast; display: Promise<Display> } | undefined;

/** `Deno.jupyter` when running in the Jupyter kernel, else null (the getter throws elsewhere). */
function jupyterKernel(): JupyterBroadcast | null {
  try {
    const jupyter = (globalThis as { Deno?: { jupyter?: Partial<JupyterBroadcast> } }).Deno
      ?.jupyter;
    return typeof jupyter?.broadcast === "function" ? jupyter as JupyterBroadcast : null;
  } catch {
    return null;
  }
}

/** Subscribes to this kernel's IOPub and waits until the subscription receives messages. */
async function openDisplay(kernel: JupyterBroadcast): Promise<Display> {
  const args = await ownCommandLine();
  const file = args ? connectionFileFromArgs(args) : null;
  if (!file) return new Display(kernel, null);
  let listener: IopubListener | null = null;
  try {
    listener = await IopubListener.connect(iopubAddress(JSON.parse(await Deno.readTextFile(file))));
    // The publisher adds a subscriber only once it has read the subscription: probe until one of
    // our probes comes back. A probe updates a display id nobody uses, which frontends ignore.
    for (let attempt = 0; attempt < 60; attempt++) {
      const marker = `cs231n-probe-${crypto.randomUUID()}`;
      const seen = listener.expect(marker, 50);
      kernel.broadcast("update_display_data", {
        data: { "text/plain": "" },
        metadata: {},
        transient: { display_id: marker },
      });
      if (await seen) return new Display(kernel, listener);
    }
  } catch {
    // connection file unreadable or the port refused: display without waiting
  }
  listener?.close();
  return new Display(kernel, null);
}

function bundleOf(x: Displayable | MimeBundle): MimeBundle {
  if (typeof (x as Displayable)[JUPYTER_DISPLAY] === "function") {
    return (x as Displayable)[JUPYTER_DISPLAY]();
  }
  return x as MimeBundle;
}

function textOf(bundle: MimeBundle): string {
  return bundle["text/plain"] ?? `[${Object.keys(bundle).join(", ")}]`;
}
