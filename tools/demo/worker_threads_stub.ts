/**
 * What `node:worker_threads` resolves to in the demo's browser bundle (see `import_map.json`).
 * The library's kernels import `Worker` from it for their worker pool, which a page never starts
 * (the page runs the TypeScript kernels, `configureKernels({ backend: "ts" })`); should anything
 * try, the library's fallback catches this error and stays on one thread.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Worker } from "./worker_threads_stub.ts";
 * assert.throws(() => new Worker(), /no worker_threads in a browser/);
 * ```
 * @module
 */

/**
 * Stands in for `node:worker_threads`' `Worker`; constructing one throws.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Worker } from "./worker_threads_stub.ts";
 * assert.equal(typeof Worker, "function");
 * ```
 */
export class Worker {
  constructor(..._args: unknown[]) {
    throw new Error("no worker_threads in a browser");
  }
}
