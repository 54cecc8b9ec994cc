/**
 * The sandbox side of grading: runs INSIDE the untrusted process, next to the student's code. It
 * imports the graded modules, then serves the judge's requests — call a function, construct a
 * class, read or write a property — one at a time, and sends back plain data (see `codec.ts`).
 *
 * Nothing here is trusted by the judge: the student's code shares this realm and may replace any
 * of it. Whatever comes back is decoded and type-checked by the judge in its own process. What
 * this module guarantees to an honest submission is determinism: after the imports, the loop
 * reads and writes stdin/stdout synchronously and never yields to the event loop, so a timer or a
 * promise left behind by one call cannot run while the process serves the test.
 *
 * Protocol (one JSON document per line):
 * - judge → sandbox on stdin: `{ "id", "op": "call" | "new" | "get" | "set" | "release", "target":
 *   { "module": path } | { "ref": id }, "path": [names…], "args": [wire…], "value": wire }`, or the
 *   answer to a callback: `{ "cb": id, "ok": wire }` / `{ "cb": id, "error": message }`;
 * - sandbox → judge on stdout: frames `\n\x1e{json}\n`: `{ "ready": { path: { "exports": {…} } |
 *   { "error": … } } }` once, then `{ "id", "ok": wire }` / `{ "id", "error": { name, message,
 *   stack } }`, and `{ "callback": id, "args": [wire…], "cb": n }` when student code calls a
 *   function the judge passed in. Any other output on stdout is the student's.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FRAME } from "./main.ts";
 * assert.equal(FRAME, "\x1e");
 * ```
 * @module
 */
import { decode, encode, type Wire } from "./codec.ts";

/** First character of every protocol line the sandbox writes. */
export const FRAME = "\x1e";

/**
 * What the generated entry file passes to {@link serve}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { SandboxSetup } from "./main.ts";
 * const setup: SandboxSetup = { modules: {}, isMatrix: () => false, matrix: () => null };
 * assert.deepEqual(setup.modules, {});
 * ```
 */
export interface SandboxSetup {
  /** Graded module paths → their import (literal specifiers, so no read permission is needed). */
  modules: Record<string, () => Promise<Record<string, unknown>>>;
  /** Recognises the library's Matrix. */
  isMatrix(value: object): boolean;
  /** Builds the library's Matrix. */
  matrix(rows: number, cols: number, data: Float64Array): unknown;
}

/**
 * Imports the modules named on the command line (`--modules a.ts,b.ts`), reports which loaded,
 * then serves requests until stdin closes.
 *
 * @example
 * ```ts ignore
 * await serve({ modules: { "lib/x.ts": () => import("../lib/x.ts") }, isMatrix, matrix });
 * ```
 */
export async function serve(setup: SandboxSetup): Promise<void> {
  const write = Deno.stdout.writeSync.bind(Deno.stdout);
  const read = Deno.stdin.readSync.bind(Deno.stdin);
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const send = (msg: unknown) => {
    const bytes = encoder.encode(`\n${FRAME}${JSON.stringify(msg)}\n`);
    for (let off = 0; off < bytes.length;) off += write(bytes.subarray(off));
  };
  let pending = "";
  const buf = new Uint8Array(1 << 16);
  const readLine = (): string | null => {
    for (;;) {
      const nl = pending.indexOf("\n");
      if (nl >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        return line;
      }
      const n = read(buf);
      if (n === null) return null;
      pending += decoder.decode(buf.subarray(0, n), { stream: true });
    }
  };

  const refs = new Map<number, unknown>();
  let nextRef = 1;
  const hooks = {
    handle: (v: object) => {
      refs.set(nextRef, v);
      return nextRef++;
    },
    isMatrix: setup.isMatrix,
  };
  let nextCb = 1;
  const fromJudge = (w: unknown) =>
    decode(w, {
      matrix: setup.matrix,
      handle: (id, kind) => {
        if (kind === "object") {
          if (!refs.has(id)) throw new TypeError(`no object with handle ${id}`);
          return refs.get(id);
        }
        // A function of the judge's: calling it asks the judge and waits for the answer.
        return (...args: unknown[]) => {
          const cb = nextCb++;
          send({ callback: id, cb, args: args.map((a) => encode(a, hooks)) });
          return waitFor(cb);
        };
      },
    });

  const loaded: Record<string, Record<string, unknown>> = {};
  const status: Record<string, Wire> = {};
  const wanted = (Deno.args.find((a) => a.startsWith("--modules=")) ?? "--modules=")
    .slice("--modules=".length).split(",").filter(Boolean);
  // A promise rejected and never handled while a module is imported would end the process under
  // `deno run`; here the module counts as not loaded, with that rejection as the reason.
  const rejections: unknown[] = [];
  globalThis.addEventListener("unhandledrejection", (e) => {
    e.preventDefault();
    rejections.push(e.reason);
  });
  for (const path of wanted) {
    try {
      const importer = setup.modules[path];
      if (!importer) throw new Error(`${path} is not a graded module`);
      const mod = await importer();
      // One turn of the event loop, so that such rejections are reported now.
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (rejections.length) {
        const reason = rejections.splice(0)[0];
        const what = reason instanceof Error
          ? `${reason.name}: ${reason.message}`
          : safeString(reason);
        throw new Error(`an unhandled promise rejection while importing it: ${what}`);
      }
      loaded[path] = mod;
      const exports: Record<string, string> = {};
      for (const k of Object.keys(mod)) {
        const v = mod[k];
        exports[k] =
          typeof v === "function" && /^class[\s{]/.test(Function.prototype.toString.call(v))
            ? "class"
            : typeof v;
      }
      status[path] = { exports };
    } catch (e) {
      status[path] = { error: describe(e) };
    }
  }
  // From here on, nothing awaits: no timer or promise of student code runs between requests.
  send({ ready: status });

  function locate(target: { module?: string; ref?: number }, path: string[]) {
    let holder: unknown = target.module !== undefined
      ? loaded[target.module]
      : refs.get(target.ref!);
    if (holder === undefined) throw new Error(`nothing at ${JSON.stringify(target)}`);
    for (const key of path.slice(0, -1)) holder = (holder as Record<string, unknown>)[key];
    return { holder: holder as Record<string, unknown>, key: path[path.length - 1] };
  }

  function handle(req: Record<string, unknown>): void {
    const id = req.id;
    try {
      const { holder, key } = locate(
        req.target as { module?: string; ref?: number },
        req.path as string[],
      );
      const args = ((req.args ?? []) as unknown[]).map(fromJudge);
      let result: unknown;
      switch (req.op) {
        case "call":
          result = (holder[key] as (...a: unknown[]) => unknown).apply(holder, args);
          break;
        case "new":
          result = Reflect.construct(holder[key] as new (...a: unknown[]) => unknown, args);
          break;
        case "get":
          result = holder[key];
          break;
        case "set":
          holder[key] = fromJudge(req.value);
          break;
        default:
          throw new Error(`unknown op ${String(req.op)}`);
      }
      if (result instanceof Promise) {
        throw new TypeError("returned a Promise: graded functions are synchronous");
      }
      send({ id, ok: encode(result, hooks) });
    } catch (e) {
      send({ id, error: describe(e) });
    }
  }

  function waitFor(cb: number): unknown {
    for (;;) {
      const line = readLine();
      if (line === null) throw new Error("the judge closed the connection");
      if (!line.trim()) continue;
      const msg = JSON.parse(line);
      if (msg.cb === cb) {
        if ("error" in msg) throw new Error(String(msg.error));
        return fromJudge(msg.ok);
      }
      handle(msg);
    }
  }

  for (;;) {
    const line = readLine();
    if (line === null) break;
    if (line.trim()) handle(JSON.parse(line));
  }
}

function describe(e: unknown): Wire {
  if (e instanceof Error) {
    return { name: String(e.name), message: String(e.message), stack: String(e.stack ?? "") };
  }
  return { name: "Thrown", message: `threw a non-Error: ${safeString(e)}`, stack: "" };
}

function safeString(v: unknown): string {
  try {
    return String(v).slice(0, 200);
  } catch {
    return typeof v;
  }
}
