/**
 * The course kernel (tools/kernel_shim.ts in front of `deno jupyter --kernel`): Run All stops at the
 * first error. A minimal Jupyter client (ZMTP DEALER on shell, SUB on IOPub, lib/plot/zmtp.ts)
 * sends several execute_requests at once, as JupyterLab's Run All does, and reads the replies.
 */
import assert from "node:assert/strict";
import { ExecuteQueue, type HeldRequest } from "../tools/execute_queue.ts";
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

const KEY = "shim-test-key";
const SHIM = new URL("../tools/kernel_shim.ts", import.meta.url).pathname;

/** A ZMTP client socket: handshake as `type`, then whole messages. */
async function socket(port: number, type: "DEALER" | "SUB") {
  let conn: Deno.Conn | null = null;
  for (let i = 0; !conn; i++) {
    try {
      conn = await Deno.connect({ hostname: "127.0.0.1", port });
    } catch (e) {
      if (i > 1500) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const reader = new FrameReader(conn);
  await writeAll(conn, zmtpGreeting());
  await reader.exact(64);
  await writeAll(conn, zmtpReady(type));
  await reader.frame();
  if (type === "SUB") await writeAll(conn, zmtpMessage([new Uint8Array([1])]));
  return {
    conn,
    async recv(): Promise<JupyterParts> {
      const frames: Uint8Array[] = [];
      for (let more = true; more;) {
        const f = await reader.frame();
        if (f.command) continue;
        frames.push(f.body);
        more = f.more;
      }
      return jupyterParts(frames)!;
    },
  };
}

/**
 * Starts the relay in front of a kernel. `wrap` goes before the kernel's own command line (e.g. a
 * wrapper that fails on the first start).
 */
async function startKernel(wrap: string[] = []) {
  const ports: number[] = [];
  for (let i = 0; i < 5; i++) {
    const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    ports.push((l.addr as Deno.NetAddr).port);
    l.close();
  }
  const [shell_port, control_port, stdin_port, hb_port, iopub_port] = ports;
  const file = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(
    file,
    JSON.stringify({
      ip: "127.0.0.1",
      transport: "tcp",
      key: KEY,
      signature_scheme: "hmac-sha256",
      shell_port,
      control_port,
      stdin_port,
      hb_port,
      iopub_port,
      kernel_name: "deno",
    }),
  );
  const deno = Deno.execPath();
  const child = new Deno.Command(deno, {
    args: ["run", "-A", "--no-config", SHIM, ...wrap, deno, "jupyter", "--kernel", "--conn", file],
    env: { NO_COLOR: "1" },
    stdout: "null",
    stderr: "null",
  }).spawn();
  const iopub = await socket(iopub_port, "SUB");
  const shell = await socket(shell_port, "DEALER");
  const session = crypto.randomUUID();
  let n = 0;
  return {
    iopub,
    shell,
    async execute(code: string, stopOnError = true): Promise<string> {
      const msgId = `req-${++n}`;
      const header = { msg_id: msgId, session, username: "t", msg_type: "execute_request" };
      const content = {
        code,
        silent: false,
        store_history: true,
        user_expressions: {},
        allow_stdin: false,
        stop_on_error: stopOnError,
      };
      await writeAll(
        shell.conn,
        zmtpMessage(await jupyterFrames(KEY, [], header, {}, {}, content)),
      );
      return msgId;
    },
    async close() {
      shell.conn.close();
      iopub.conn.close();
      try {
        child.kill("SIGTERM");
      } catch { /* gone */ }
      await child.status;
      await Deno.remove(file);
    },
  };
}

type Kernel = Awaited<ReturnType<typeof startKernel>>;

/** Replies (msg_id → content) and IOPub messages until every id has a reply and an idle. */
async function collect(kernel: Kernel, ids: string[]) {
  const replies = new Map<string, Record<string, unknown>>();
  const iopub: { type: string; parent: string; content: Record<string, unknown> }[] = [];
  const idle = new Set<string>();
  const shellDone = (async () => {
    while (replies.size < ids.length) {
      const m = await kernel.shell.recv();
      replies.set(String(m.parent.msg_id), m.content);
    }
  })();
  const iopubDone = (async () => {
    while (idle.size < ids.length) {
      const m = await kernel.iopub.recv();
      const parent = String(m.parent.msg_id ?? "");
      iopub.push({ type: String(m.header.msg_type), parent, content: m.content });
      if (m.header.msg_type === "status" && m.content.execution_state === "idle") idle.add(parent);
    }
  })();
  await Promise.all([shellDone, iopubDone]);
  return { replies, iopub };
}

Deno.test("kernel shim: cells queued after an error are aborted, not run; the kernel goes on", async () => {
  const kernel = await startKernel();
  try {
    const ids = [
      await kernel.execute("globalThis.a = 1"),
      await kernel.execute("throw new Error('TODO: implement computeDistancesTwoLoops')"),
      await kernel.execute("globalThis.a = 3"),
      await kernel.execute("console.log('ran')"),
    ];
    const { replies, iopub } = await collect(kernel, ids);
    assert.deepEqual(ids.map((id) => replies.get(id)?.status), [
      "ok",
      "error",
      "aborted",
      "aborted",
    ]);
    assert.equal(replies.get(ids[1])?.evalue, "TODO: implement computeDistancesTwoLoops");
    for (const id of ids.slice(2)) {
      const own = iopub.filter((m) => m.parent === id).map((m) => m.type);
      assert.deepEqual(own, ["status", "status"], `aborted ${id}: busy then idle, nothing else`);
    }
    assert.ok(!iopub.some((m) => m.type === "stream"), "the aborted console.log never ran");
    // the kernel keeps its state and runs what comes after the abort
    const after = await kernel.execute("console.log(`a=${a}`)");
    const { replies: r2, iopub: io2 } = await collect(kernel, [after]);
    assert.equal(r2.get(after)?.status, "ok");
    assert.deepEqual(io2.filter((m) => m.type === "stream").map((m) => m.content.text), ["a=1\n"]);
  } finally {
    await kernel.close();
  }
});

Deno.test("kernel shim: a syntax error (no IOPub error message) also stops the queue", async () => {
  const kernel = await startKernel();
  try {
    const ids = [await kernel.execute("const x = ;"), await kernel.execute("1 + 1")];
    const { replies } = await collect(kernel, ids);
    assert.deepEqual(ids.map((id) => replies.get(id)?.status), ["error", "aborted"]);
  } finally {
    await kernel.close();
  }
});

Deno.test("kernel shim: stop_on_error false runs the later cells", async () => {
  const kernel = await startKernel();
  try {
    const ids = [
      await kernel.execute("throw new Error('boom')", false),
      await kernel.execute("console.log('still ran')"),
    ];
    const { replies, iopub } = await collect(kernel, ids);
    assert.deepEqual(ids.map((id) => replies.get(id)?.status), ["error", "ok"]);
    assert.deepEqual(
      iopub.filter((m) => m.type === "stream").map((m) => m.content.text),
      ["still ran\n"],
    );
  } finally {
    await kernel.close();
  }
});

/**
 * A kernel command that dies on its first start (as `deno jupyter --kernel` does when another
 * process took one of its ports between the relay choosing them and the kernel binding them) and
 * runs the real kernel on the next.
 */
const FLAKY_KERNEL = `
const [marker, ...kernel] = Deno.args;
try {
  await Deno.stat(marker);
} catch {
  await Deno.writeTextFile(marker, "failed once");
  Deno.exit(1);
}
const child = new Deno.Command(kernel[0], { args: kernel.slice(1) }).spawn();
Deno.addSignalListener("SIGTERM", () => child.kill("SIGTERM"));
Deno.exit((await child.status).code);
`;

Deno.test("kernel shim: a kernel that dies on start is started again on fresh ports", async () => {
  const dir = await Deno.makeTempDir();
  const flaky = `${dir}/flaky_kernel.ts`;
  const marker = `${dir}/started-once`;
  await Deno.writeTextFile(flaky, FLAKY_KERNEL);
  const kernel = await startKernel([Deno.execPath(), "run", "-A", "--no-config", flaky, marker]);
  try {
    const ids = [await kernel.execute("console.log(6 * 7)")];
    const { replies, iopub } = await collect(kernel, ids);
    assert.equal(replies.get(ids[0])?.status, "ok");
    assert.deepEqual(iopub.filter((m) => m.type === "stream").map((m) => m.content.text), ["42\n"]);
    assert.equal(await Deno.readTextFile(marker), "failed once", "the first start did fail");
  } finally {
    await kernel.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ExecuteQueue: one request at a time, aborts only after stop_on_error errors", () => {
  const sent: string[] = [], aborted: string[] = [];
  const q = new ExecuteQueue<string>((r) => aborted.push(r.msgId));
  const req = (msgId: string, stopOnError = true, peer = "lab"): HeldRequest<string> => ({
    peer,
    msgId,
    stopOnError,
    forward: () => sent.push(msgId),
  });
  q.submit(req("a", false));
  q.submit(req("b"));
  q.replied("zzz", "error"); // not the one running: ignored
  assert.deepEqual(sent, ["a"]);
  q.replied("a", "error"); // stop_on_error false: the queue goes on
  assert.deepEqual([sent, aborted], [["a", "b"], []]);
  q.submit(req("c"));
  q.submit(req("d"));
  q.replied("b", "error");
  assert.deepEqual([sent, aborted, q.held], [["a", "b"], ["c", "d"], 0]);
  q.submit(req("e")); // after the abort, new work runs
  assert.deepEqual(sent, ["a", "b", "e"]);
});

Deno.test("ExecuteQueue: a closed connection's requests are dropped and its running one ends at idle", () => {
  const sent: string[] = [];
  const open = new Set(["lab", "other"]);
  const q = new ExecuteQueue<string>(() => assert.fail("nothing to abort"), (p) => open.has(p));
  const req = (msgId: string, peer: string): HeldRequest<string> => ({
    peer,
    msgId,
    stopOnError: true,
    forward: () => sent.push(msgId),
  });
  q.submit(req("a", "lab"));
  q.submit(req("b", "lab"));
  q.submit(req("c", "other"));
  open.delete("lab");
  q.closed("lab"); // "a" is still running: its idle will end it
  assert.deepEqual([sent, q.held], [["a"], 1]);
  q.idle("a"); // its reply went to a closed connection; the idle ends it
  assert.deepEqual(sent, ["a", "c"]);
});
