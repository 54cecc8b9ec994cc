/**
 * `show` waits for the kernel to publish: lib/plot/iopub.ts's ZMTP SUB listener against a fake
 * kernel whose publisher, like the Deno kernel's, sends a queued message only some time after the
 * cell asked for it.
 */
import assert from "node:assert/strict";
import { IopubListener, zmtpFrame } from "../lib/plot/iopub.ts";
import { Display } from "../lib/plot/show.ts";

const ENC = new TextEncoder();

/** A PUB socket on 127.0.0.1 speaking ZMTP 3.0 (NULL), as the Deno kernel's IOPub does. */
class FakePublisher {
  readonly listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  readonly subscribers: Deno.Conn[] = [];
  #subscribed: Promise<void>;

  constructor() {
    this.#subscribed = this.#accept();
  }

  get port(): number {
    return (this.listener.addr as Deno.NetAddr).port;
  }

  async #accept(): Promise<void> {
    const conn = await this.listener.accept();
    const greeting = new Uint8Array(64);
    greeting.set([0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 3, 0]);
    greeting.set(ENC.encode("NULL"), 12);
    await conn.write(greeting);
    await readExactly(conn, 64);
    const name = ENC.encode("READY"), key = ENC.encode("Socket-Type"), value = ENC.encode("PUB");
    const body = new Uint8Array([
      name.length,
      ...name,
      key.length,
      ...key,
      0,
      0,
      0,
      value.length,
      ...value,
    ]);
    await conn.write(zmtpFrame(body, false, true));
    await readFrame(conn); // the subscriber's READY
    const subscription = await readFrame(conn);
    assert.deepEqual([...subscription], [1], "a SUB subscribes to everything with [0x01]");
    this.subscribers.push(conn);
  }

  /** Resolves once a subscriber has connected and subscribed. */
  subscribed(): Promise<void> {
    return this.#subscribed;
  }

  /** Publishes a Jupyter message with `content` to every subscriber. */
  async publish(msgType: string, content: unknown): Promise<void> {
    const frames = ["<IDS|MSG>", "", JSON.stringify({ msg_type: msgType }), "{}", "{}"]
      .map((s) => ENC.encode(s));
    frames.push(ENC.encode(JSON.stringify(content)));
    for (const conn of this.subscribers) {
      for (let i = 0; i < frames.length; i++) {
        const bytes = zmtpFrame(frames[i], i < frames.length - 1);
        for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
      }
    }
  }

  close(): void {
    this.listener.close();
    for (const c of this.subscribers) c.close();
  }
}

async function readExactly(conn: Deno.Conn, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  for (let off = 0; off < n;) {
    const got = await conn.read(out.subarray(off));
    if (got === null) throw new Error("closed");
    off += got;
  }
  return out;
}

async function readFrame(conn: Deno.Conn): Promise<Uint8Array> {
  const [flags] = await readExactly(conn, 1);
  assert.equal(flags & 2, 0, "the listener only sends short frames");
  const [size] = await readExactly(conn, 1);
  return readExactly(conn, size);
}

/** A kernel whose publisher sends each queued message `delayMs` after `broadcast` (or never). */
function slowKernel(pub: FakePublisher, delayMs: number | null) {
  const published: string[] = [];
  return {
    published,
    broadcast(type: string, content: Record<string, unknown>) {
      if (delayMs === null) return;
      setTimeout(async () => {
        await pub.publish(type, content);
        published.push(JSON.stringify(content));
      }, delayMs);
    },
  };
}

Deno.test("show: resolves only after the kernel has published the output (300 kB, long frames)", async () => {
  const pub = new FakePublisher();
  const listener = await IopubListener.connect({ hostname: "127.0.0.1", port: pub.port });
  await pub.subscribed();
  try {
    const kernel = slowKernel(pub, 40);
    const display = new Display(kernel, listener);
    const big = "x".repeat(300_000);
    const started = performance.now();
    await display.show({ "text/html": big });
    const waited = performance.now() - started;
    assert.equal(kernel.published.length, 1, "show resolved before the message was published");
    assert.ok(waited >= 35, `show waited ${waited.toFixed(1)} ms for a 40 ms publisher`);
    assert.match(kernel.published[0], /"transient":\{"cs231n_ack":"cs231n-ack-[0-9a-f-]{36}"\}/);
    assert.equal(display.acknowledged, true);

    // Several in a row, with a display id: each waits for its own message.
    for (let i = 0; i < 5; i++) await display.show({ "text/plain": `${i}` }, { displayId: "p" });
    assert.equal(kernel.published.length, 6);
    assert.match(kernel.published[5], /"display_id":"p"/);
  } finally {
    listener.close();
    pub.close();
  }
});

Deno.test("show: a kernel that never publishes costs one timeout, then show stops waiting", async () => {
  const pub = new FakePublisher();
  const listener = await IopubListener.connect({ hostname: "127.0.0.1", port: pub.port });
  await pub.subscribed();
  try {
    const display = new Display(slowKernel(pub, null), listener, 100);
    const started = performance.now();
    await display.show({ "text/plain": "lost" });
    const first = performance.now() - started;
    assert.ok(first >= 95 && first < 2000, `first show took ${first.toFixed(0)} ms (timeout 100)`);
    assert.equal(display.acknowledged, false);
    assert.equal(listener.closed, true);
    const again = performance.now();
    await display.show({ "text/plain": "second" });
    assert.ok(performance.now() - again < 50, "after a timeout show no longer waits");
  } finally {
    listener.close();
    pub.close();
  }
});

Deno.test("IopubListener: a closed publisher ends the subscription; waiting resolves false", async () => {
  const pub = new FakePublisher();
  const listener = await IopubListener.connect({ hostname: "127.0.0.1", port: pub.port });
  await pub.subscribed();
  const waiting = listener.expect("never-sent", 5_000);
  pub.close();
  assert.equal(await waiting, false);
  assert.equal(listener.closed, true);
  assert.equal(await listener.expect("later", 5_000), false);
});

Deno.test("IopubListener: refuses a peer that is not a ZMTP publisher", async () => {
  const server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (server.addr as Deno.NetAddr).port;
  const accepted = (async () => {
    const conn = await server.accept();
    await conn.write(new Uint8Array(64)); // a greeting of zeros, then no READY
    await conn.write(new Uint8Array([0, 1, 0])); // a message frame where a command belongs
    return conn;
  })();
  try {
    await assert.rejects(
      IopubListener.connect({ hostname: "127.0.0.1", port }),
      /expected the publisher's READY command/,
    );
  } finally {
    (await accepted).close();
    server.close();
  }
});
