/**
 * The judge's end of one sandbox process: starts `deno run` with no permissions, no remote
 * imports and the limits of `limits.ts`; speaks the line protocol of `../sandbox/main.ts`; and
 * says, when the process ends early, which limit or event ended it.
 *
 * Everything the process sends is untrusted: frames are parsed with this realm's `JSON.parse`,
 * other output is only counted and kept (a few KiB) for messages.
 *
 * @example
 * ```ts ignore
 * const p = await SandboxProcess.start({ entry, config, modules: ["lib/x.ts"], limits });
 * const wire = await p.request({ op: "call", target: { module: "lib/x.ts" }, path: ["f"], args: [] });
 * p.kill();
 * ```
 * @module
 */
import type { Wire } from "../sandbox/codec.ts";
import { type LimitKind, limitMessage, type Limits, memoryGroup, residentMiB } from "./limits.ts";

/**
 * How to start a sandbox process.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_LIMITS } from "./limits.ts";
 * import type { SandboxOptions } from "./sandbox_process.ts";
 * const o: SandboxOptions = { entry: "/tmp/e.ts", config: "/ws/deno.json", modules: [], limits: DEFAULT_LIMITS };
 * assert.equal(o.modules.length, 0);
 * ```
 */
export interface SandboxOptions {
  /** The generated entry file (imports `serve` and the graded modules by literal specifiers). */
  entry: string;
  /** The workspace's deno.json (its import map resolves the library's npm imports). */
  config: string;
  /** Graded modules to import before serving. */
  modules: readonly string[];
  /** Limits of this process. */
  limits: Limits;
  /** Seconds allowed from start until the modules are imported (default 10). */
  importSeconds?: number;
  /** Deno's cache directory (default: Deno's own choice). */
  denoDir?: string;
}

/**
 * Why a sandbox request failed: the student's code threw (`thrown`), or the process ended or was
 * stopped (`limit` names the limit; `ended` is any other end).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SandboxError } from "./sandbox_process.ts";
 * const e = new SandboxError("thrown", "TypeError: x is not a function");
 * assert.equal(e.kind, "thrown");
 * ```
 */
export class SandboxError extends Error {
  /** What happened. */
  readonly kind: "thrown" | "limit" | "ended" | "protocol";
  /** Which limit, when `kind` is "limit". */
  readonly limit?: LimitKind;
  /** The student's stack trace (as sent), when `kind` is "thrown". */
  readonly remoteStack?: string;
  /** Makes the error. */
  constructor(
    kind: SandboxError["kind"],
    message: string,
    extra: { limit?: LimitKind; remoteStack?: string } = {},
  ) {
    super(message);
    this.name = "SandboxError";
    this.kind = kind;
    this.limit = extra.limit;
    this.remoteStack = extra.remoteStack;
  }
}

/** Module import status sent in the `ready` frame. */
export type ModuleStatus = { exports: Record<string, string> } | {
  error: { name: string; message: string; stack: string };
};

const KEEP = 4096;

/**
 * Environment that makes any download by Deno fail at once (a proxy on a closed local port),
 * for every process that reads student files: the type check, the import-graph check and the
 * sandbox. (An npm registry override would also move Deno's npm cache, so it is not used.)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NO_NETWORK } from "./sandbox_process.ts";
 * assert.equal(NO_NETWORK.HTTPS_PROXY, "http://127.0.0.1:9");
 * ```
 */
export const NO_NETWORK: Readonly<Record<string, string>> = Object.freeze({
  HTTPS_PROXY: "http://127.0.0.1:9",
  HTTP_PROXY: "http://127.0.0.1:9",
  NO_PROXY: "",
});

/**
 * One running sandbox process (see the module doc).
 *
 * @example
 * ```ts ignore
 * const p = await SandboxProcess.start(options);
 * console.log(p.ready["lib/x.ts"]);
 * ```
 */
export class SandboxProcess {
  /** Import status of each module, from the `ready` frame. */
  ready: Record<string, ModuleStatus> = {};
  /** Answers calls the student's code makes to functions the judge passed in. */
  onCallback: (id: number, args: unknown[]) => Promise<Wire> = () =>
    Promise.reject(new Error("no callbacks here"));

  #child: Deno.ChildProcess;
  #limits: Limits;
  #pending = new Map<number, { resolve: (w: Wire) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  #stopped: LimitKind | null = null;
  #ended: SandboxError | null = null;
  #outBytes = 0;
  #studentOut = "";
  #stderr = "";
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #readyWaiter!: { resolve: () => void; reject: (e: Error) => void };
  #exited: Promise<void>;
  #group: ReturnType<typeof memoryGroup>;

  private constructor(o: SandboxOptions) {
    this.#limits = o.limits;
    this.#group = memoryGroup(o.limits.memoryMiB);
    const cpu = Math.ceil(o.limits.cpuSeconds + (o.importSeconds ?? 10));
    const script = `${this.#group ? `echo $$ > '${this.#group.procs}' || exit 97; ` : ""}` +
      `ulimit -S -t ${cpu} && ulimit -H -t ${cpu + 1} && exec "$0" "$@"`;
    const env: Record<string, string> = {
      NO_COLOR: "1",
      DENO_NO_UPDATE_CHECK: "1",
      DENO_NO_PROMPT: "1",
      // Belt and braces: --cached-only already forbids downloads.
      ...NO_NETWORK,
      PATH: "/usr/bin:/bin",
    };
    const denoDir = o.denoDir ?? Deno.env.get("DENO_DIR");
    if (denoDir) env.DENO_DIR = denoDir;
    const home = Deno.env.get("HOME");
    if (home && !denoDir) env.HOME = home;
    const xdg = Deno.env.get("XDG_CACHE_HOME");
    if (xdg && !denoDir) env.XDG_CACHE_HOME = xdg;
    this.#child = new Deno.Command("/bin/sh", {
      args: [
        "-c",
        script,
        Deno.execPath(),
        "run",
        "--no-prompt",
        "--no-remote",
        "--cached-only",
        "--no-code-cache",
        `--config=${o.config}`,
        `--v8-flags=--max-old-space-size=${o.limits.heapMiB}`,
        o.entry,
        `--modules=${o.modules.join(",")}`,
      ],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      clearEnv: true,
      env,
    }).spawn();
    this.#writer = this.#child.stdin.getWriter();
    this.#exited = this.#watch(o.importSeconds ?? 10);
  }

  /**
   * Starts a process and waits for its `ready` frame (the modules imported).
   *
   * @example
   * ```ts ignore
   * const p = await SandboxProcess.start(options);
   * ```
   */
  static async start(o: SandboxOptions): Promise<SandboxProcess> {
    const p = new SandboxProcess(o);
    await new Promise<void>((resolve, reject) => (p.#readyWaiter = { resolve, reject }));
    return p;
  }

  /** Output the student's code printed (first KiB), for messages. */
  get printed(): string {
    return this.#studentOut;
  }

  /**
   * Sends one request and resolves to its wire answer; rejects with a {@link SandboxError}.
   *
   * @example
   * ```ts ignore
   * const w = await p.request({ op: "get", target: { module: "lib/x.ts" }, path: ["K"] });
   * ```
   */
  request(msg: Record<string, unknown>): Promise<Wire> {
    if (this.#ended) return Promise.reject(this.#ended);
    const id = this.#nextId++;
    return new Promise<Wire>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#send({ ...msg, id }).catch(() => {});
    });
  }

  /** Kills the process (idempotent). */
  kill(): void {
    try {
      this.#child.kill("SIGKILL");
    } catch { /* gone */ }
  }

  /** Resolves when the process has ended and its cgroup is removed. */
  get exited(): Promise<void> {
    return this.#exited;
  }

  async #send(msg: unknown): Promise<void> {
    await this.#writer.write(new TextEncoder().encode(JSON.stringify(msg) + "\n"));
  }

  #frame(text: string): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(text);
    } catch {
      return; // not a frame after all: the student printed \x1e
    }
    if (msg === null || typeof msg !== "object") return;
    if ("ready" in msg) {
      this.ready = (msg.ready ?? {}) as Record<string, ModuleStatus>;
      this.#readyAt = performance.now();
      this.#readyWaiter.resolve();
    } else if ("callback" in msg) {
      const cb = msg.cb;
      const args = Array.isArray(msg.args) ? msg.args : [];
      this.onCallback(Number(msg.callback), args).then(
        (ok) => this.#send({ cb, ok }),
        (e) => this.#send({ cb, error: e instanceof Error ? e.message : String(e) }),
      ).catch(() => {});
    } else if (typeof msg.id === "number" && this.#pending.has(msg.id)) {
      const waiter = this.#pending.get(msg.id)!;
      this.#pending.delete(msg.id);
      if ("ok" in msg) waiter.resolve(msg.ok as Wire);
      else {
        const err = (msg.error ?? {}) as Record<string, unknown>;
        const name = typeof err.name === "string" ? err.name.slice(0, 100) : "Error";
        const message = typeof err.message === "string" ? err.message.slice(0, 2000) : "";
        const stack = typeof err.stack === "string" ? err.stack.slice(0, 4000) : "";
        waiter.reject(new SandboxError("thrown", `${name}: ${message}`, { remoteStack: stack }));
      }
    }
  }

  #readyAt: number | null = null;

  #stop(kind: LimitKind): void {
    this.#stopped ??= kind;
    this.kill();
  }

  #count(n: number): void {
    this.#outBytes += n;
    if (this.#outBytes > this.#limits.outputBytes) this.#stop("output");
  }

  async #watch(importSeconds: number): Promise<void> {
    const started = performance.now();
    const pid = this.#child.pid;
    const timer = setInterval(() => {
      const now = performance.now();
      if (this.#readyAt === null && now - started > importSeconds * 1000) this.#stop("wall");
      if (this.#readyAt !== null && now - this.#readyAt > this.#limits.wallSeconds * 1000) {
        this.#stop("wall");
      }
      const rss = residentMiB(pid);
      if (rss !== null && rss > this.#limits.memoryMiB) this.#stop("memory");
    }, 20);
    const stdout = (async () => {
      const decoder = new TextDecoder();
      let line = "";
      for await (const chunk of this.#child.stdout) {
        line += decoder.decode(chunk, { stream: true });
        let nl;
        while ((nl = line.indexOf("\n")) >= 0) {
          const one = line.slice(0, nl);
          line = line.slice(nl + 1);
          if (one.startsWith("\x1e")) this.#frame(one.slice(1));
          else if (one.length) {
            this.#count(one.length + 1);
            if (this.#studentOut.length < KEEP) this.#studentOut += one.slice(0, KEEP) + "\n";
          }
        }
        if (!line.startsWith("\x1e") && line.length > KEEP) {
          this.#count(line.length);
          line = "";
        } else if (line.length > this.#limits.outputBytes * 64) this.#stop("output");
      }
    })().catch(() => {});
    const stderr = (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of this.#child.stderr) {
        this.#count(chunk.length);
        this.#stderr = (this.#stderr + decoder.decode(chunk, { stream: true })).slice(-KEEP);
      }
    })().catch(() => {});
    const status = await this.#child.status;
    clearInterval(timer);
    await Promise.all([stdout, stderr]);
    // Killed by the OOM killer, or stopped by the clock while the kernel was still reclaiming at
    // the memory limit (cgroup v1 takes seconds before it kills): the memory limit is the cause.
    const oom = (this.#group?.oomKilled() ?? false) ||
      ((this.#stopped === "wall" || this.#stopped === null) && (this.#group?.hitLimit() ?? false));
    this.#group?.remove();
    this.#ended = this.#why(status, oom);
    this.#writer.close().catch(() => {});
    for (const w of this.#pending.values()) w.reject(this.#ended);
    this.#pending.clear();
    this.#readyWaiter?.reject(this.#ended);
  }

  #why(status: Deno.CommandStatus, oom: boolean): SandboxError {
    const tail = this.#stderr.trim().split("\n").slice(-12).join("\n");
    let limit: LimitKind | null = this.#stopped === "wall" && oom ? "memory" : this.#stopped;
    if (!limit && oom) limit = "memory";
    if (!limit && status.signal === "SIGXCPU") limit = "cpu";
    if (!limit && /out of memory|heap limit|Array buffer allocation failed/i.test(tail)) {
      limit = "heap";
    }
    if (limit) {
      return new SandboxError("limit", limitMessage(limit, this.#limits), { limit });
    }
    const how = status.signal
      ? `was killed by ${status.signal}`
      : `exited with code ${status.code}`;
    return new SandboxError(
      "ended",
      `the process ${how} (Deno.exit(), an uncaught error in a callback, or a crash)` +
        (tail ? `\n${tail}` : ""),
    );
  }
}
