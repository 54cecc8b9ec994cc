/**
 * The course's Jupyter kernel: Deno's own kernel behind a relay that adds `stop_on_error`, so that
 * Run All stops at the first cell that fails (in the student edition: the first TODO).
 *
 * Why: a frontend's Run All sends every cell's `execute_request` at once and relies on the kernel
 * to answer the ones still queued after an error with `status: "aborted"` instead of running them
 * (ipykernel does; the request's `stop_on_error` defaults to true). Deno 2.9.6's kernel
 * (`cli/js/jupyter_kernel.js`) runs them all, so a student sees the first TODO's error followed by a
 * cascade of errors from cells that depend on it.
 *
 * How: the kernelspec starts this script with the real kernel command line. It listens on the ports
 * of the frontend's connection file, starts `deno jupyter --kernel` on fresh local ports (same key),
 * and passes every connection through. Control, stdin and heartbeat bytes pass unchanged; IOPub is
 * one subscription fanned out to every frontend. On shell it holds `execute_request`s and forwards
 * one at a time; when a reply says `error` (and the request had `stop_on_error`), each request still
 * held gets a signed `execute_reply {status: "aborted"}` between IOPub `busy` and `idle`, as
 * ipykernel does. Everything else (kernel info, completion, comm, interrupts) passes at once.
 *
 * Usage (the kernelspec's argv, written by `installKernelspec` with this file bundled):
 * `deno run --allow-all --no-config kernel_shim.js <deno> jupyter --kernel --conn {connection_file}`
 *
 * The file is over 400 lines because the relay is one piece: its five channels share the kernel
 * process, the IOPub fan-out and the execute queue (the queue's logic is in execute_queue.ts, the
 * wire format in lib/plot/zmtp.ts).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { innerCommand } from "./kernel_shim.ts";
 * const argv = ["/bin/deno", "jupyter", "--kernel", "--conn", "/run/k.json"];
 * assert.deepEqual(innerCommand(argv, "/tmp/inner.json"), ["/bin/deno", "jupyter", "--kernel", "--conn", "/tmp/inner.json"]);
 * ```
 * @module
 */
import { dirname } from "node:path";
import { connectionFileFromArgs } from "../lib/plot/iopub.ts";
import {
  FrameReader,
  jupyterFrames,
  type JupyterParts,
  jupyterParts,
  writeAll,
  zmtpGreeting,
  zmtpMessage,
  zmtpReady,
} from "../lib/plot/zmtp.ts";
import { ExecuteQueue, type HeldRequest } from "./execute_queue.ts";

const DEC = new TextDecoder();
const CHANNELS = ["shell", "control", "stdin", "hb", "iopub"] as const;
type Channel = typeof CHANNELS[number];

/**
 * The kernel command line with its connection file replaced by `innerFile`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { innerCommand } from "./kernel_shim.ts";
 * assert.deepEqual(innerCommand(["deno", "jupyter", "--conn=/a.json"], "/b.json"), ["deno", "jupyter", "--conn=/b.json"]);
 * assert.throws(() => innerCommand(["deno", "run"], "/b.json"), /--conn/);
 * ```
 */
export function innerCommand(argv: readonly string[], innerFile: string): string[] {
  const out = [...argv];
  for (let i = 0; i < out.length; i++) {
    if (out[i] === "--conn" && i + 1 < out.length) {
      out[i + 1] = innerFile;
      return out;
    }
    if (out[i].startsWith("--conn=")) {
      out[i] = `--conn=${innerFile}`;
      return out;
    }
  }
  throw new Error(
    `kernel_shim: the kernel command line has no --conn <connection file>: ${argv.join(" ")}`,
  );
}

/** A writer that sends whole buffers one after another (no interleaving), dropping after close. */
class Out {
  #conn: Deno.Conn;
  #chain: Promise<void> = Promise.resolve();
  closed = false;

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  write(bytes: Uint8Array): Promise<void> {
    this.#chain = this.#chain
      .then(() => this.closed ? undefined : writeAll(this.#conn, bytes))
      .catch(() => this.close());
    return this.#chain;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.#conn.close();
    } catch { /* already closed */ }
  }
}

/** The kernel connection file's fields this relay uses. */
interface ConnectionInfo {
  ip: string;
  transport: string;
  key: string;
  signature_scheme?: string;
  shell_port: number;
  control_port: number;
  stdin_port: number;
  hb_port: number;
  iopub_port: number;
  [other: string]: unknown;
}

async function readConnection(file: string): Promise<ConnectionInfo> {
  let info: ConnectionInfo;
  try {
    info = JSON.parse(await Deno.readTextFile(file));
  } catch (e) {
    throw new Error(`kernel_shim: cannot read the connection file ${file}: ${e}`);
  }
  const bad = CHANNELS.filter((c) => !Number.isInteger(info[`${c}_port`]));
  if (info.transport !== "tcp" || typeof info.ip !== "string" || bad.length > 0) {
    throw new Error(
      `kernel_shim: ${file} needs transport "tcp", an ip and integer ports; bad: ${
        [...bad.map((c) => `${c}_port`), ...(info.transport !== "tcp" ? ["transport"] : [])]
          .join(", ")
      }`,
    );
  }
  if ((info.signature_scheme ?? "hmac-sha256") !== "hmac-sha256") {
    throw new Error(`kernel_shim: ${file}: signature_scheme ${info.signature_scheme} unsupported`);
  }
  return info;
}

/**
 * `n` local ports free right now. The caller holds its own listeners (the frontend's ports), so
 * the system cannot hand one of those out here; another process may still take one before the
 * kernel binds it, which is why the kernel is restarted on fresh ports if it dies on start.
 */
function freePorts(n: number): number[] {
  const listeners = Array.from(
    { length: n },
    () => Deno.listen({ hostname: "127.0.0.1", port: 0 }),
  );
  const ports = listeners.map((l) => (l.addr as Deno.NetAddr).port);
  for (const l of listeners) l.close();
  return ports;
}

/** How many times the kernel is started on fresh ports when it dies before anyone reached it. */
const START_ATTEMPTS = 3;

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The msg_type and the parent's msg_id of a message, decoding only the two small parts. */
function routing(frames: readonly Uint8Array[]): { type: string; parentId: string; at: number } {
  const at = frames.findIndex((f) => f.length === 9 && DEC.decode(f) === "<IDS|MSG>");
  if (at < 0 || frames.length < at + 6) return { type: "", parentId: "", at };
  try {
    const type = JSON.parse(DEC.decode(frames[at + 2])).msg_type ?? "";
    const parentId = JSON.parse(DEC.decode(frames[at + 3])).msg_id ?? "";
    return { type, parentId, at };
  } catch {
    return { type: "", parentId: "", at };
  }
}

/** A small message's content (a status or a reply); {} when it is not JSON. */
function contentOf(frames: readonly Uint8Array[], at: number): Record<string, unknown> {
  try {
    return JSON.parse(DEC.decode(frames[at + 5]));
  } catch {
    return {};
  }
}

/** A frontend's shell connection: bytes to the frontend, bytes to the kernel. */
interface Peer {
  toDown: Out;
  toUp: Out;
}

/** An execute_request held on its way to the kernel, decoded (to answer it when aborted). */
interface ShellRequest extends HeldRequest<Peer> {
  parts: JupyterParts;
}

/**
 * Passes a ZMTP stream from `src` to `out`: the greeting byte for byte as it comes (peers may wait
 * on each other's greeting halves), command frames at once, each message whole to `onMessage`.
 */
async function pumpFramed(
  src: Deno.Conn,
  out: Out,
  onMessage: (frames: Uint8Array[], wire: Uint8Array) => void,
): Promise<void> {
  const reader = new FrameReader(src);
  for (let left = 64; left > 0;) {
    const bytes = await reader.some(left);
    out.write(bytes);
    left -= bytes.length;
  }
  for (;;) {
    const bodies: Uint8Array[] = [], wires: Uint8Array[] = [];
    for (let more = true; more;) {
      const frame = await reader.frame();
      if (frame.command) {
        out.write(frame.wire);
        continue;
      }
      bodies.push(frame.body);
      wires.push(frame.wire);
      more = frame.more;
    }
    onMessage(bodies, concat(wires));
  }
}

async function pipeRaw(a: Deno.Conn, b: Deno.Conn): Promise<void> {
  await Promise.allSettled([a.readable.pipeTo(b.writable), b.readable.pipeTo(a.writable)]);
  for (const c of [a, b]) {
    try {
      c.close();
    } catch { /* closed by the pipe */ }
  }
}

/** Runs the relay until the kernel exits; returns the kernel's exit code. */
export async function runShim(argv: readonly string[]): Promise<number> {
  const outerFile = connectionFileFromArgs(argv);
  if (!outerFile || argv.length < 2) {
    throw new Error(
      "kernel_shim: usage: kernel_shim.ts <deno> jupyter --kernel --conn <connection file>",
    );
  }
  const outer = await readConnection(outerFile);
  // The frontend's ports first: while the relay holds them, no inner port can be one of them.
  const hostname = outer.ip === "*" ? "0.0.0.0" : outer.ip;
  const listeners = CHANNELS.map((c) => Deno.listen({ hostname, port: outer[`${c}_port`] }));
  const inner: ConnectionInfo = { ...outer, ip: "127.0.0.1" };
  let innerFile: string;
  try {
    innerFile = await Deno.makeTempFile({
      dir: dirname(outerFile),
      prefix: "cs231n-inner-",
      suffix: ".json",
    });
  } catch {
    innerFile = await Deno.makeTempFile({ prefix: "cs231n-inner-", suffix: ".json" });
  }
  const [cmd, ...args] = innerCommand(argv, innerFile);
  let child!: Deno.ChildProcess;
  const startKernel = async () => {
    const ports = freePorts(CHANNELS.length);
    CHANNELS.forEach((c, i) => (inner[`${c}_port`] = ports[i]));
    await Deno.writeTextFile(innerFile, JSON.stringify(inner));
    child = new Deno.Command(cmd, { args, stdin: "null" }).spawn();
  };
  await startKernel();
  // A kernel that dies before any channel reached it (e.g. a port taken by another process between
  // freePorts and its bind) is started again on fresh ports; after that, its exit ends the relay.
  let reached = false;
  let exited = false;
  const status = (async () => {
    for (let attempt = 1;; attempt++) {
      const s = await child.status;
      if (reached || s.success || attempt >= START_ATTEMPTS) return s;
      console.error(`kernel_shim: the kernel exited (code ${s.code}) on start; restarting it`);
      await startKernel();
    }
  })().finally(() => (exited = true));
  const relaySignal = (signal: Deno.Signal) => () => {
    try {
      child.kill(signal);
    } catch { /* already gone */ }
  };
  if (Deno.build.os !== "windows") {
    Deno.addSignalListener("SIGTERM", relaySignal("SIGTERM"));
    Deno.addSignalListener("SIGINT", relaySignal("SIGINT"));
  }

  const upstream = async (channel: Channel): Promise<Deno.Conn> => {
    for (let waited = 0;; waited += 20) {
      try {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port: inner[`${channel}_port`] });
        reached = true;
        return conn;
      } catch (e) {
        if (exited || waited > 120_000) throw e;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };

  const session = crypto.randomUUID();
  const header = (msgType: string) => ({
    msg_id: crypto.randomUUID(),
    username: "kernel",
    session,
    date: new Date().toISOString(),
    msg_type: msgType,
    version: "5.3",
  });

  // IOPub: one subscription to the kernel, fanned out to every frontend subscriber.
  const subscribers = new Set<Out>();
  const publish = (wire: Uint8Array) => {
    for (const s of subscribers) s.write(wire);
  };
  const publishStatus = async (state: string, parent: Record<string, unknown>) =>
    publish(zmtpMessage(
      await jupyterFrames(outer.key, [], header("status"), parent, {}, {
        execution_state: state,
      }),
    ));

  let aborting: Promise<void> = Promise.resolve();
  const queue = new ExecuteQueue<Peer, ShellRequest>((held) => {
    const { parts } = held;
    aborting = aborting.then(async () => {
      await publishStatus("busy", parts.header);
      const reply = await jupyterFrames(
        outer.key,
        parts.identities,
        header("execute_reply"),
        parts.header,
        { status: "aborted" },
        { status: "aborted", execution_count: null },
      );
      await held.peer.toDown.write(zmtpMessage(reply));
      await publishStatus("idle", parts.header);
    }).catch(() => {});
  }, (peer) => !peer.toDown.closed);

  const iopubReady = (async () => {
    const conn = await upstream("iopub");
    const reader = new FrameReader(conn);
    await writeAll(conn, zmtpGreeting());
    await reader.exact(64);
    await writeAll(conn, zmtpReady("SUB"));
    await reader.frame();
    await writeAll(conn, zmtpMessage([new Uint8Array([1])])); // subscribe to everything
    return reader;
  })();
  const iopubPump = iopubReady.then(async (reader) => {
    for (;;) {
      const bodies: Uint8Array[] = [], wires: Uint8Array[] = [];
      for (let more = true; more;) {
        const frame = await reader.frame();
        if (frame.command) continue;
        bodies.push(frame.body);
        wires.push(frame.wire);
        more = frame.more;
      }
      publish(concat(wires));
      const { type, parentId, at } = routing(bodies);
      if (type === "status" && contentOf(bodies, at).execution_state === "idle") {
        queue.idle(parentId);
      }
    }
  }).catch(() => {});

  const serve: Record<Channel, (down: Deno.Conn) => Promise<void>> = {
    hb: async (down) => pipeRaw(down, await upstream("hb")),
    control: async (down) => pipeRaw(down, await upstream("control")),
    stdin: async (down) => pipeRaw(down, await upstream("stdin")),
    iopub: async (down) => {
      const out = new Out(down);
      try {
        const reader = new FrameReader(down);
        await writeAll(down, zmtpGreeting());
        await reader.exact(64);
        await writeAll(down, zmtpReady("PUB"));
        subscribers.add(out);
        for (;;) await reader.frame(); // subscriptions: everything is sent, SUB sockets filter
      } finally {
        subscribers.delete(out);
        out.close();
      }
    },
    shell: async (down) => {
      await iopubReady; // no cell runs before its outputs can be passed on
      const up = await upstream("shell");
      const peer: Peer = { toDown: new Out(down), toUp: new Out(up) };
      const toKernel = pumpFramed(down, peer.toUp, (frames, wire) => {
        const parts = routing(frames).type === "execute_request" ? jupyterParts(frames) : null;
        if (!parts) {
          peer.toUp.write(wire);
          return;
        }
        queue.submit({
          peer,
          msgId: String(parts.header.msg_id ?? ""),
          stopOnError: parts.content.stop_on_error !== false,
          forward: () => void peer.toUp.write(wire),
          parts,
        });
      });
      const toFrontend = pumpFramed(up, peer.toDown, (frames, wire) => {
        peer.toDown.write(wire);
        const { type, parentId, at } = routing(frames);
        if (type === "execute_reply") {
          queue.replied(parentId, String(contentOf(frames, at).status ?? ""));
        }
      });
      await Promise.allSettled([toKernel, toFrontend].map((p) =>
        p.finally(() => {
          peer.toDown.close();
          peer.toUp.close();
        })
      ));
      queue.closed(peer);
    },
  };

  CHANNELS.forEach((channel, i) => {
    (async () => {
      for await (const conn of listeners[i]) {
        serve[channel](conn).catch(() => {
          try {
            conn.close();
          } catch { /* closed */ }
        });
      }
    })().catch(() => {});
  });

  const { code } = await status;
  for (const l of listeners) {
    try {
      l.close();
    } catch { /* closed */ }
  }
  await Deno.remove(innerFile).catch(() => {});
  void iopubPump;
  return code;
}

if (import.meta.main) {
  try {
    Deno.exit(await runShim(Deno.args));
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    Deno.exit(1);
  }
}
