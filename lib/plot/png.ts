/**
 * PNG images for notebooks: 8-bit pixels encoded by the `fast-png` encoder, displayed as
 * `image/png`. Image grids and heatmaps are drawn this way because Plot's canvas-based marks do not
 * work without a browser.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decode } from "fast-png";
 * import { encodePng } from "./png.ts";
 * const img = encodePng(Uint8Array.from([0, 128, 255, 64]), 2, 2, 1); // 2×2 grey
 * assert.deepEqual(Array.from(decode(img.bytes).data), [0, 128, 255, 64]);
 * ```
 * @module
 */
import { encode } from "fast-png";
import { type Displayable, escapeHtml, JUPYTER_DISPLAY, type MimeBundle } from "./display.ts";

/**
 * Colour channels per pixel: 1 = grey, 3 = RGB.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type Channels, encodePng } from "./png.ts";
 * const rgb: Channels = 3;
 * assert.equal(encodePng(new Uint8Array(3), 1, 1, rgb).channels, 3);
 * ```
 */
export type Channels = 1 | 3;

/**
 * An encoded PNG with its size; shows itself as `image/png`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodePng } from "./png.ts";
 * import { JUPYTER_DISPLAY } from "./display.ts";
 * const img = encodePng(new Uint8Array(3), 1, 1, 3);
 * assert.equal(img.dataUrl().slice(0, 22), "data:image/png;base64,");
 * assert.equal(img[JUPYTER_DISPLAY]()["text/plain"], "PNG 1×1 RGB");
 * ```
 */
export class PngImage implements Displayable {
  /** The PNG file's bytes (write them with `Deno.writeFile`). */
  readonly bytes: Uint8Array;
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** 1 (grey) or 3 (RGB). */
  readonly channels: Channels;

  /** Wraps already-encoded PNG bytes. */
  constructor(bytes: Uint8Array, width: number, height: number, channels: Channels) {
    this.bytes = bytes;
    this.width = width;
    this.height = height;
    this.channels = channels;
  }

  /**
   * The bytes in base64, as Jupyter's `image/png` wants them.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { encodePng } from "./png.ts";
   * const img = encodePng(new Uint8Array(1), 1, 1, 1); // one black pixel
   * assert.equal(atob(img.base64()).slice(1, 4), "PNG"); // the signature, decoded
   * ```
   */
  base64(): string {
    return toBase64(this.bytes);
  }

  /**
   * A `data:image/png;base64,…` URL for an `<img src>`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { encodePng } from "./png.ts";
   * const img = encodePng(new Uint8Array(1), 1, 1, 1);
   * assert.equal(img.dataUrl(), `data:image/png;base64,${img.base64()}`);
   * ```
   */
  dataUrl(): string {
    return `data:image/png;base64,${this.base64()}`;
  }

  /**
   * An `<img>` tag showing the image at its pixel size, unsmoothed.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { encodePng } from "./png.ts";
   * const tag = encodePng(new Uint8Array(1), 1, 1, 1).imgTag("a <b>");
   * assert.match(tag, /^<img src="data:image\/png;base64,[^"]+" width="1" height="1" alt="a &lt;b&gt;"/);
   * ```
   */
  imgTag(alt = "image"): string {
    return `<img src="${this.dataUrl()}" width="${this.width}" height="${this.height}" ` +
      `alt="${escapeHtml(alt)}" style="image-rendering: pixelated; max-width: none">`;
  }

  /**
   * `{ "image/png", "text/plain" }`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { encodePng } from "./png.ts";
   * import { JUPYTER_DISPLAY } from "./display.ts";
   * const img = encodePng(new Uint8Array(1), 1, 1, 1);
   * assert.deepEqual(img[JUPYTER_DISPLAY](), { "image/png": img.base64(), "text/plain": "PNG 1×1 grey" });
   * ```
   */
  [JUPYTER_DISPLAY](): MimeBundle {
    return { "image/png": this.base64(), "text/plain": this.describe() };
  }

  /**
   * A one-line summary such as `PNG 280×28 grey`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { encodePng } from "./png.ts";
   * assert.equal(encodePng(new Uint8Array(280 * 28), 280, 28, 1).describe(), "PNG 280×28 grey");
   * assert.equal(encodePng(new Uint8Array(3 * 4), 2, 2, 3).describe(), "PNG 2×2 RGB");
   * ```
   */
  describe(): string {
    return `PNG ${this.width}×${this.height} ${this.channels === 1 ? "grey" : "RGB"}`;
  }
}

/**
 * Encodes 8-bit pixels (row-major; RGB interleaved when `channels` is 3) as a PNG.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodePng } from "./png.ts";
 * const img = encodePng(Uint8Array.from([255, 0, 0, 0, 0, 255]), 2, 1, 3); // red, blue
 * assert.deepEqual([img.width, img.height, img.channels], [2, 1, 3]);
 * assert.deepEqual(Array.from(img.bytes.subarray(1, 4)), [80, 78, 71]); // "PNG" signature
 * assert.throws(() => encodePng(new Uint8Array(5), 2, 1, 3), /needs 6 values/);
 * ```
 */
export function encodePng(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: Channels,
): PngImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`encodePng: size must be positive integers, got ${width}×${height}`);
  }
  if (channels !== 1 && channels !== 3) {
    throw new RangeError(`encodePng: channels must be 1 or 3, got ${channels}`);
  }
  if (pixels.length !== width * height * channels) {
    throw new RangeError(
      `encodePng: ${width}×${height}×${channels} needs ${width * height * channels} values, ` +
        `got ${pixels.length}`,
    );
  }
  const bytes = encode({ width, height, data: pixels, channels, depth: 8 });
  return new PngImage(bytes, width, height, channels);
}

/** Base64 of bytes, in chunks so large images do not overflow the argument stack. */
function toBase64(bytes: Uint8Array): string {
  let binary = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}
