/**
 * How a value shows itself in a notebook. The Deno Jupyter kernel calls an object's
 * `[Symbol.for("Jupyter.display")]()` method and sends the MIME bundle it returns (a map from MIME
 * type to content) to the frontend, which picks the richest type it can render. Every chart, image
 * and table of `lib/plot` is such an object; show it with `await Deno.jupyter.display(x)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HtmlView, JUPYTER_DISPLAY } from "./display.ts";
 * const view = new HtmlView("<b>hi</b>", "hi");
 * assert.deepEqual(view[JUPYTER_DISPLAY](), { "text/html": "<b>hi</b>", "text/plain": "hi" });
 * ```
 * @module
 */

/**
 * The key the Deno kernel looks up to display an object (the same symbol as `Deno.jupyter.$display`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { JUPYTER_DISPLAY } from "./display.ts";
 * assert.equal(JUPYTER_DISPLAY, Symbol.for("Jupyter.display"));
 * ```
 */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display");

/**
 * A Jupyter MIME bundle: MIME type → content (`image/png` is base64, the others are text).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { MimeBundle } from "./display.ts";
 * const bundle: MimeBundle = { "text/plain": "3 rows" };
 * assert.equal(bundle["text/plain"], "3 rows");
 * ```
 */
export type MimeBundle = Record<string, string>;

/**
 * Anything the kernel can display: it returns its MIME bundle on request.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type Displayable, JUPYTER_DISPLAY } from "./display.ts";
 * const d: Displayable = { [JUPYTER_DISPLAY]: () => ({ "text/plain": "x" }) };
 * assert.equal(d[JUPYTER_DISPLAY]()["text/plain"], "x");
 * ```
 */
export interface Displayable {
  /** The MIME bundle the notebook shows. */
  [JUPYTER_DISPLAY](): MimeBundle;
}

/**
 * An HTML fragment with a plain-text fallback, displayed as `text/html`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HtmlView } from "./display.ts";
 * assert.equal(new HtmlView("<p>a</p>").toString(), "<p>a</p>");
 * ```
 */
export class HtmlView implements Displayable {
  /** The HTML fragment. */
  readonly html: string;
  /** What a text-only frontend shows. */
  readonly text: string;

  /** Wraps `html`; `text` defaults to "HTML". */
  constructor(html: string, text = "HTML") {
    this.html = html;
    this.text = text;
  }

  /**
   * `{ "text/html", "text/plain" }`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { HtmlView, JUPYTER_DISPLAY } from "./display.ts";
   * const view = new HtmlView("<b>5</b> epochs", "5 epochs");
   * assert.deepEqual(view[JUPYTER_DISPLAY](), { "text/html": "<b>5</b> epochs", "text/plain": "5 epochs" });
   * ```
   */
  [JUPYTER_DISPLAY](): MimeBundle {
    return { "text/html": this.html, "text/plain": this.text };
  }

  /**
   * The HTML fragment.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { HtmlView } from "./display.ts";
   * assert.equal(`${new HtmlView("<i>x</i>")}`, "<i>x</i>");
   * ```
   */
  toString(): string {
    return this.html;
  }
}

/**
 * Escapes `& < > " '` so `text` can sit inside HTML content or a quoted attribute.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeHtml } from "./display.ts";
 * assert.equal(escapeHtml(`<a href="x">&</a>`), "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
