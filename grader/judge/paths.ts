/**
 * File URL ↔ path helpers (node:url's, named as the judge uses them).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromFileUrl, toFileUrl } from "./paths.ts";
 * assert.equal(fromFileUrl(toFileUrl("/tmp/a b.ts")), "/tmp/a b.ts");
 * ```
 * @module
 */
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * The path of a file URL.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromFileUrl } from "./paths.ts";
 * assert.equal(fromFileUrl("file:///tmp/x.ts"), "/tmp/x.ts");
 * ```
 */
export function fromFileUrl(url: URL | string): string {
  return fileURLToPath(url);
}

/**
 * The file URL of a path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toFileUrl } from "./paths.ts";
 * assert.equal(toFileUrl("/tmp/x.ts").href, "file:///tmp/x.ts");
 * ```
 */
export function toFileUrl(path: string): URL {
  return pathToFileURL(path);
}
