/**
 * `show(x)`: displays a chart, image, table or text in the notebook and resolves once the kernel
 * has published it (STUB: the acknowledgement is being written; today it is `Deno.jupyter.display`).
 *
 * @module
 */
import type { Displayable, MimeBundle } from "./display.ts";
import { JUPYTER_DISPLAY } from "./display.ts";

/** Options of `show`. */
export interface ShowOptions {
  /** A display id: a later `show(y, { displayId, update: true })` replaces this output in place. */
  displayId?: string;
  /** Replace the output shown earlier under `displayId` instead of adding one. */
  update?: boolean;
}

/**
 * Displays `x` (anything with a MIME bundle, or a bundle itself) as the current cell's output.
 * Outside the Jupyter kernel it prints the `text/plain` form with `console.log`.
 */
export async function show(x: Displayable | MimeBundle, options: ShowOptions = {}): Promise<void> {
  const bundle = JUPYTER_DISPLAY in x ? (x as Displayable)[JUPYTER_DISPLAY]() : x as MimeBundle;
  let jupyter: { broadcast?: (t: string, c: unknown) => Promise<void> } | undefined;
  try {
    jupyter = (globalThis as { Deno?: { jupyter?: typeof jupyter } }).Deno?.jupyter;
  } catch {
    jupyter = undefined;
  }
  if (typeof jupyter?.broadcast !== "function") {
    console.log(bundle["text/plain"] ?? "");
    return;
  }
  await jupyter.broadcast(options.update ? "update_display_data" : "display_data", {
    data: bundle,
    metadata: {},
    transient: options.displayId ? { display_id: options.displayId } : {},
  });
}
