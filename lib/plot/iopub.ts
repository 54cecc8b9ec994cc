/**
 * A listener on the Deno kernel's own IOPub channel, so a cell can wait until an output it sent has
 * really been published.
 *
 * Why: in the Deno kernel, `Deno.jupyter.display`/`broadcast` (and `console.log`) put the message
 * on a queue between the thread that runs the cell and the kernel thread; the kernel thread signs
 * (HMAC, asynchronously) and publishes queued messages in its own time, while it publishes the
 * cell's `execute_reply` and `status: idle` as soon as the cell's code has finished. A large
 * output (a chart, a PNG) sent at the end of a cell takes longer to sign than the tiny idle message,
 * so it can leave after the idle: the frontend then drops it, or — if the next cell has started —
 * files it under that cell (the kernel stamps a message with the parent of the cell running when
 * the message is published, not when it was sent).
 *
 * The fix needs an acknowledgement, which the kernel does not give; but IOPub is a publish socket
 * any client may subscribe to. `IopubListener` subscribes (ZMTP 3.0, NULL security, a SUB socket
 * over TCP, with the address from the kernel's connection file) and reports when a message carrying
 * a given marker has gone out. The kernel writes each message to its subscribers one after another
 * in the order they connected; the frontend connected before this listener, so when the listener
 * has the message, the frontend's copy has been written too, before the cell can end.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { connectionFileFromArgs } from "./iopub.ts";
 * const argv = ["/usr/bin/deno", "jupyter", "--kernel", "--conn", "/run/kernel-1.json"];
 * assert.equal(connectionFileFromArgs(argv), "/run/kernel-1.json");
 * assert.equal(connectionFileFromArgs(["deno", "run", "x.ts"]), null);
 * ```
 * @module
 */

import { DELIMITER, FrameReader, writeAll, zmtpFrame, zmtpGreeting, zmtpReady } from "./zmtp.ts";

export { zmtpFrame } from "./zmtp.ts";

const DEC = new TextDecoder();

/**
 * The connection file named on a kernel's command line (`--conn <file>` or `--conn=<file>`), or
 * null when the arguments are not a Jupyter kernel's.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { connectionFileFromArgs } from "./iopub.ts";
 * assert.equal(connectionFileFromArgs(["deno", "jupyter", "--kernel", "--conn=/k.json"]), "/k.json");
 * ```
 */
export function connectionFileFromArgs(args: readonly string[]): string | null {
  if (!args.includes("jupyter")) return null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--conn" && i + 1 < args.length) return args[i + 1];
    if (args[i].startsWith("--conn=")) return args[i].slice("--conn=".length);
  }
  return null;
}

/**
 * This process's command line: `/proc/self/cmdline` on Linux, `ps` on macOS; null elsewhere or
 * when it cannot be read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { connectionFileFromArgs, ownCommandLine } from "./iopub.ts";
 * const args = await ownCommandLine(); // in a kernel: ["/usr/bin/deno", "jupyter", "--kernel", …]
 * if (args) assert.match(args[0], /deno/); // here: deno test, so not a kernel's command line
 * if (args) assert.equal(connectionFileFromArgs(args), null);
 * ```
 */
export async function ownCommandLine(): Promise<string[] | null> {
  try {
    if (Deno.build.os === "linux") {
      const raw = await Deno.readTextFile("/proc/self/cmdline");
      return raw.split("\0").filter((a) => a !== "");
    }
    if (Deno.build.os === "darwin") {
      const out = await new Deno.Command("ps", { args: ["-o", "command=", "-p", `${Deno.pid}`] })
        .output();
      return out.success ? DEC.decode(out.stdout).trim().split(/\s+/) : null;
    }
  } catch {
    // no permission, no /proc, no ps: no listener
  }
  return null;
}

/**
 * The IOPub address of a kernel connection file (`ip`, `iopub_port`, `transport` "tcp").
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { iopubAddress } from "./iopub.ts";
 * const info = { ip: "127.0.0.1", iopub_port: 5001, transport: "tcp", key: "k" };
 * assert.deepEqual(iopubAddress(info), { hostname: "127.0.0.1", port: 5001 });
 * assert.throws(() => iopubAddress({ ip: "127.0.0.1", transport: "ipc" }), /iopub_port/);
 * ```
 */
export function iopubAddress(info: Record<string, unknown>): { hostname: string; port: number } {
  const { ip, iopub_port: port, transport = "tcp" } = info;
  if (transport !== "tcp" || typeof ip !== "string" || !Number.isInteger(port)) {
    throw new Error(
      `kernel connection file: need transport "tcp", an ip and an integer iopub_port, got ${
        JSON.stringify({ ip, iopub_port: port, transport })
      }`,
    );
  }
  return { hostname: ip === "*" || ip === "0.0.0.0" ? "127.0.0.1" : ip, port: port as number };
}

/**
 * A subscription to a kernel's IOPub: `expect(marker)` resolves once a message whose content
 * contains `marker` has been published (or `false` after `timeoutMs`).
 *
 * ```ts ignore
 * const listener = await IopubListener.connect({ hostname: "127.0.0.1", port: 5001 });
 * const seen = listener.expect("marker-1", 5000);
 * Deno.jupyter.broadcast("display_data", { data, metadata: {}, transient: { ack: "marker-1" } });
 * await seen; // true: the frontend has it
 * ```
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { IopubListener } from "./iopub.ts";
 * import { FrameReader, writeAll, zmtpGreeting, zmtpMessage, zmtpReady } from "./zmtp.ts";
 * const server = Deno.listen({ hostname: "127.0.0.1", port: 0 }); // a fake kernel's IOPub
 * const publisher = server.accept().then(async (conn) => {
 *   const reader = new FrameReader(conn);
 *   await writeAll(conn, zmtpGreeting());
 *   await reader.exact(64); // the listener's greeting
 *   await writeAll(conn, zmtpReady("PUB"));
 *   await reader.frame(); // its READY
 *   await reader.frame(); // its subscription
 *   return conn;
 * });
 * const listener = await IopubListener.connect(server.addr as Deno.NetAddr);
 * const conn = await publisher;
 * const seen = listener.expect("ack-1", 5000);
 * const parts = ["<IDS|MSG>", "", "{}", "{}", "{}", '{"transient":{"ack":"ack-1"}}'];
 * await writeAll(conn, zmtpMessage(parts.map((p) => new TextEncoder().encode(p))));
 * assert.equal(await seen, true); // the message with the marker was published
 * listener.close();
 * assert.equal(listener.closed, true);
 * assert.equal(await listener.expect("ack-2", 5000), false); // at once, once closed
 * conn.close();
 * server.close();
 * ```
 */
export class IopubListener {
  #conn: Deno.Conn;
  #waiting = new Map<string, (seen: boolean) => void>();
  #closed = false;

  private constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /**
   * Connects, completes the ZMTP handshake as a SUB socket and subscribes to every message.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { IopubListener } from "./iopub.ts";
   * const gone = Deno.listen({ hostname: "127.0.0.1", port: 0 });
   * gone.close(); // nothing listens on that port any more
   * await assert.rejects(IopubListener.connect(gone.addr), Deno.errors.ConnectionRefused);
   * ```
   */
  static async connect(address: { hostname: string; port: number }): Promise<IopubListener> {
    const conn = await Deno.connect({ ...address, transport: "tcp" });
    const reader = new FrameReader(conn);
    try {
      await writeAll(conn, zmtpGreeting());
      await reader.exact(64);
      await writeAll(conn, zmtpReady("SUB"));
      const ready = await reader.frame();
      if (!ready.command) throw new Error("IOPub: expected the publisher's READY command");
      await writeAll(conn, zmtpFrame(new Uint8Array([1]), false)); // subscribe to everything
    } catch (e) {
      conn.close();
      throw e;
    }
    const listener = new IopubListener(conn);
    listener.#pump(reader);
    return listener;
  }

  /** True once the connection has ended (every later `expect` resolves false at once). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Resolves true when a message containing `marker` is published, false after `timeoutMs`. */
  expect(marker: string, timeoutMs: number): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (seen: boolean) => {
        clearTimeout(timer);
        this.#waiting.delete(marker);
        resolve(seen);
      };
      this.#waiting.set(marker, finish);
    });
  }

  /** Ends the subscription. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch { /* already closed */ }
    for (const finish of [...this.#waiting.values()]) finish(false);
  }

  /** Reads messages for as long as the connection lives; each one may settle a waiter. */
  async #pump(reader: FrameReader): Promise<void> {
    try {
      while (!this.#closed) {
        const frames: Uint8Array[] = [];
        for (let more = true; more;) {
          const frame = await reader.frame();
          if (!frame.command) frames.push(frame.body);
          more = frame.more;
        }
        if (this.#waiting.size > 0) this.#settle(frames);
      }
    } catch {
      // the kernel went away or the socket was closed
    } finally {
      this.close();
    }
  }

  #settle(frames: Uint8Array[]): void {
    // the raw content part (no JSON parse: an output may be a 300 kB PNG)
    const at = frames.findIndex((f) =>
      f.length === DELIMITER.length && DEC.decode(f) === DELIMITER
    );
    const content = at >= 0 && frames.length > at + 5 ? DEC.decode(frames[at + 5]) : "";
    for (const [marker, finish] of [...this.#waiting]) {
      if (content.includes(marker)) finish(true);
    }
  }
}
