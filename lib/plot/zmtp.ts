/**
 * The small part of ZMTP 3.0 (ZeroMQ's wire protocol, NULL security, over TCP) that talking to a
 * Jupyter kernel needs: frames, the greeting, the READY command, a buffered frame reader, and the
 * Jupyter message layout (`[identities…, "<IDS|MSG>", signature, header, parent_header, metadata,
 * content, buffers…]`) with its HMAC-SHA256 signature.
 *
 * Used by `iopub.ts` (a cell waits until its output has been published) and by the course kernel's
 * relay, `tools/kernel_shim.ts` (Run All stops at the first error).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jupyterParts, zmtpFrame } from "./zmtp.ts";
 * assert.deepEqual([...zmtpFrame(new Uint8Array([7]), true)], [1, 1, 7]);
 * const enc = new TextEncoder();
 * const frames = ["<IDS|MSG>", "", '{"msg_type":"status"}', "{}", "{}", "{}"].map((s) => enc.encode(s));
 * assert.equal(jupyterParts(frames)?.header.msg_type, "status");
 * ```
 * @module
 */

const ENC = new TextEncoder();
const DEC = new TextDecoder();

/**
 * The frame separating routing identities from a Jupyter message's signed parts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DELIMITER } from "./zmtp.ts";
 * assert.equal(DELIMITER, "<IDS|MSG>");
 * ```
 */
export const DELIMITER = "<IDS|MSG>";

/**
 * One ZMTP frame on the wire: flags (bit 0 more, bit 1 long size, bit 2 command), size, body.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { zmtpFrame } from "./zmtp.ts";
 * assert.deepEqual([...zmtpFrame(new Uint8Array([1]), false)], [0, 1, 1]);
 * assert.equal(zmtpFrame(new Uint8Array(300), true)[0], 0x03);
 * ```
 */
export function zmtpFrame(body: Uint8Array, more: boolean, command = false): Uint8Array {
  const long = body.length > 255;
  const head = long ? 9 : 2;
  const out = new Uint8Array(head + body.length);
  out[0] = (more ? 1 : 0) | (long ? 2 : 0) | (command ? 4 : 0);
  if (long) new DataView(out.buffer).setBigUint64(1, BigInt(body.length));
  else out[1] = body.length;
  out.set(body, head);
  return out;
}

/**
 * A multipart message on the wire: each part a frame, all but the last flagged "more".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { zmtpMessage } from "./zmtp.ts";
 * assert.deepEqual([...zmtpMessage([new Uint8Array([5]), new Uint8Array([6])])], [1, 1, 5, 0, 1, 6]);
 * ```
 */
export function zmtpMessage(parts: readonly Uint8Array[]): Uint8Array {
  const frames = parts.map((p, i) => zmtpFrame(p, i < parts.length - 1));
  const out = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}

/**
 * The 64-byte ZMTP 3.0 greeting with the NULL mechanism.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { zmtpGreeting } from "./zmtp.ts";
 * const g = zmtpGreeting();
 * assert.equal(g.length, 64);
 * assert.deepEqual([g[0], g[9], g[10]], [0xff, 0x7f, 3]);
 * ```
 */
export function zmtpGreeting(): Uint8Array {
  const g = new Uint8Array(64);
  g[0] = 0xff;
  g[9] = 0x7f;
  g[10] = 3; // version 3.0
  g.set(ENC.encode("NULL"), 12);
  return g;
}

/**
 * The NULL mechanism's READY command announcing a socket type ("SUB", "PUB", …).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { zmtpReady } from "./zmtp.ts";
 * const ready = zmtpReady("SUB");
 * assert.equal(ready[0], 0x04); // a command frame
 * assert.equal(new TextDecoder().decode(ready.subarray(3, 8)), "READY");
 * ```
 */
export function zmtpReady(socketType: string): Uint8Array {
  const name = ENC.encode("READY");
  const key = ENC.encode("Socket-Type");
  const value = ENC.encode(socketType);
  const body = new Uint8Array(1 + name.length + 1 + key.length + 4 + value.length);
  let o = 0;
  body[o++] = name.length;
  body.set(name, o);
  o += name.length;
  body[o++] = key.length;
  body.set(key, o);
  o += key.length;
  new DataView(body.buffer).setUint32(o, value.length);
  body.set(value, o + 4);
  return zmtpFrame(body, false, true);
}

/**
 * One frame as read: its body, whether more frames follow, whether it is a command, and the exact
 * bytes it took on the wire (to pass it on unchanged).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ZmtpFrame } from "./zmtp.ts";
 * const f: ZmtpFrame = { body: new Uint8Array([9]), more: false, command: false, wire: new Uint8Array([0, 1, 9]) };
 * assert.equal(f.wire.length, 3);
 * ```
 */
export interface ZmtpFrame {
  /** The frame's payload. */
  body: Uint8Array;
  /** More frames of the same message follow. */
  more: boolean;
  /** A command (READY, PING …), not message data. */
  command: boolean;
  /** Flags, size and body exactly as received. */
  wire: Uint8Array;
}

/**
 * Buffered reads from a connection: exact byte counts, whatever is available, or whole frames.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FrameReader, zmtpFrame } from "./zmtp.ts";
 * const bytes = zmtpFrame(new Uint8Array([4, 2]), false);
 * const source = { read: (p: Uint8Array) => { p.set(bytes); return Promise.resolve(bytes.length); } };
 * const frame = await new FrameReader(source).frame();
 * assert.deepEqual([...frame.body], [4, 2]);
 * ```
 */
export class FrameReader {
  #source: { read(p: Uint8Array): Promise<number | null> };
  #buf = new Uint8Array(0);
  #chunk = new Uint8Array(1 << 16);

  /** Reads from `source` (a `Deno.Conn` or anything with its `read`). */
  constructor(source: { read(p: Uint8Array): Promise<number | null> }) {
    this.#source = source;
  }

  async #fill(): Promise<void> {
    const got = await this.#source.read(this.#chunk);
    if (got === null) throw new Error("ZMTP connection closed");
    const next = new Uint8Array(this.#buf.length + got);
    next.set(this.#buf);
    next.set(this.#chunk.subarray(0, got), this.#buf.length);
    this.#buf = next;
  }

  /**
   * Exactly `n` bytes (waits for them; throws when the connection closes first).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { FrameReader } from "./zmtp.ts";
   * const chunks = [Uint8Array.of(1, 2), Uint8Array.of(3, 4, 5)]; // what two reads bring
   * const read = (p: Uint8Array) => {
   *   const c = chunks.shift();
   *   if (c) p.set(c);
   *   return Promise.resolve(c ? c.length : null);
   * };
   * const reader = new FrameReader({ read });
   * assert.deepEqual([...await reader.exact(3)], [1, 2, 3]); // waits for the second read
   * await assert.rejects(reader.exact(5), /ZMTP connection closed/); // only 2 more ever come
   * ```
   */
  async exact(n: number): Promise<Uint8Array> {
    while (this.#buf.length < n) await this.#fill();
    const out = this.#buf.slice(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }

  /**
   * Between 1 and `max` bytes: what is buffered, else what the next read brings.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { FrameReader } from "./zmtp.ts";
   * const chunks = [Uint8Array.of(1, 2), Uint8Array.of(3, 4, 5)]; // what two reads bring
   * const read = (p: Uint8Array) => {
   *   const c = chunks.shift();
   *   if (c) p.set(c);
   *   return Promise.resolve(c ? c.length : null);
   * };
   * const reader = new FrameReader({ read });
   * assert.deepEqual([...await reader.some(10)], [1, 2]); // what the first read brought
   * assert.deepEqual([...await reader.some(1)], [3]);
   * ```
   */
  async some(max: number): Promise<Uint8Array> {
    if (this.#buf.length === 0) await this.#fill();
    return this.exact(Math.min(max, this.#buf.length));
  }

  /**
   * One frame.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { FrameReader, zmtpFrame } from "./zmtp.ts";
   * const frames = [zmtpFrame(Uint8Array.of(7), true), zmtpFrame(new Uint8Array(300), false)];
   * const wire = new Uint8Array(frames.flatMap((f) => [...f]));
   * const reader = new FrameReader({ read: (p) => Promise.resolve((p.set(wire), wire.length)) });
   * const first = await reader.frame(), second = await reader.frame(); // one message, two frames
   * assert.deepEqual([[...first.body], first.more, first.command], [[7], true, false]);
   * assert.deepEqual([second.body.length, second.more], [300, false]); // long: 8-byte size
   * ```
   */
  async frame(): Promise<ZmtpFrame> {
    const [flags] = await this.exact(1);
    const long = (flags & 2) !== 0;
    const sizeBytes = await this.exact(long ? 8 : 1);
    const size = long ? Number(new DataView(sizeBytes.buffer).getBigUint64(0)) : sizeBytes[0];
    const body = await this.exact(size);
    const wire = new Uint8Array(1 + sizeBytes.length + size);
    wire[0] = flags;
    wire.set(sizeBytes, 1);
    wire.set(body, 1 + sizeBytes.length);
    return { body, more: (flags & 1) !== 0, command: (flags & 4) !== 0, wire };
  }
}

/**
 * Writes all of `bytes` (a connection's `write` may take only part).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeAll } from "./zmtp.ts";
 * const got: number[] = [];
 * const sink = { write: (p: Uint8Array) => { got.push(p[0]); return Promise.resolve(1); } };
 * await writeAll(sink, new Uint8Array([1, 2, 3]));
 * assert.deepEqual(got, [1, 2, 3]);
 * ```
 */
export async function writeAll(
  conn: { write(p: Uint8Array): Promise<number> },
  bytes: Uint8Array,
): Promise<void> {
  for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
}

/**
 * A Jupyter message's parts, decoded: the routing identities, the signature, and the header,
 * parent header, metadata and content as objects. Null when the frames hold no `<IDS|MSG>`
 * delimiter or a part is not JSON.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jupyterParts } from "./zmtp.ts";
 * const enc = new TextEncoder();
 * const frames = ["id", "<IDS|MSG>", "sig", '{"msg_id":"a"}', "{}", "{}", '{"x":1}'].map((s) => enc.encode(s));
 * const parts = jupyterParts(frames)!;
 * assert.equal(parts.identities.length, 1);
 * assert.deepEqual(parts.content, { x: 1 });
 * assert.equal(jupyterParts([enc.encode("no delimiter")]), null);
 * ```
 */
export function jupyterParts(frames: readonly Uint8Array[]): JupyterParts | null {
  const at = frames.findIndex((f) => f.length === DELIMITER.length && DEC.decode(f) === DELIMITER);
  if (at < 0 || frames.length < at + 6) return null;
  try {
    const [header, parent, metadata, content] = frames.slice(at + 2, at + 6).map((f) =>
      JSON.parse(DEC.decode(f))
    );
    return {
      identities: frames.slice(0, at),
      signature: DEC.decode(frames[at + 1]),
      header,
      parent,
      metadata,
      content,
    };
  } catch {
    return null;
  }
}

/**
 * What `jupyterParts` returns.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { JupyterParts } from "./zmtp.ts";
 * const p: JupyterParts = { identities: [], signature: "", header: {}, parent: {}, metadata: {}, content: {} };
 * assert.equal(p.signature, "");
 * ```
 */
export interface JupyterParts {
  /** Routing frames before the delimiter. */
  identities: Uint8Array[];
  /** Hex HMAC of the four JSON parts. */
  signature: string;
  /** The header (`msg_id`, `msg_type`, `session` …). */
  header: Record<string, unknown>;
  /** The header of the message this one answers. */
  parent: Record<string, unknown>;
  /** Metadata. */
  metadata: Record<string, unknown>;
  /** Content. */
  content: Record<string, unknown>;
}

/**
 * A signed Jupyter message as frames: `identities`, the delimiter, the HMAC-SHA256 signature of
 * header, parent, metadata and content with `key` (empty key: empty signature), then those parts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jupyterFrames } from "./zmtp.ts";
 * const frames = await jupyterFrames("k", [], { msg_type: "status" }, {}, {}, { execution_state: "idle" });
 * assert.equal(frames.length, 6);
 * assert.match(new TextDecoder().decode(frames[1]), /^[0-9a-f]{64}$/);
 * ```
 */
export async function jupyterFrames(
  key: string,
  identities: readonly Uint8Array[],
  header: Record<string, unknown>,
  parent: Record<string, unknown>,
  metadata: Record<string, unknown>,
  content: Record<string, unknown>,
): Promise<Uint8Array[]> {
  const parts = [header, parent, metadata, content].map((p) => ENC.encode(JSON.stringify(p)));
  let signature = "";
  if (key !== "") {
    const hmac = await crypto.subtle.importKey(
      "raw",
      ENC.encode(key),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const signed = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      signed.set(p, at);
      at += p.length;
    }
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", hmac, signed));
    signature = Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  return [...identities, ENC.encode(DELIMITER), ENC.encode(signature), ...parts];
}
