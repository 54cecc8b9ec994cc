/**
 * Downloads that go wrong: a server on 127.0.0.1 that never answers, stalls or trickles (the
 * timeouts of `downloadFile`), a download killed by SIGTERM / SIGINT / SIGKILL (its temporary
 * files are removed at once, or by the next run), and stale `.part` files.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { downloadCifar10 } from "../lib/data/cifar10.ts";
import {
  downloadFile,
  DownloadTimeoutError,
  downloadVerified,
  removeStaleTemps,
} from "../lib/data/download.ts";
import { main } from "../tools/download_cifar10.ts";

const md5 = (bytes: Uint8Array) => createHash("md5").update(bytes).digest("hex");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const list = (dir: string) => Array.fromAsync(Deno.readDir(dir), (e) => e.name);
const enc = (text: string) => new TextEncoder().encode(text);
const DRIP = Uint8Array.from({ length: 30 }, (_, i) => 65 + i);

/**
 * A server on 127.0.0.1 whose routes misbehave until the test ends:
 * /no-headers never answers, /stall sends 1000 of its 1 000 000 bytes and then nothing,
 * /drip sends the 30 bytes of DRIP one per 50 ms (Content-Length 30).
 */
async function withBadServer(fn: (base: string) => Promise<void>) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => release = resolve);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/no-headers") {
      await released;
      return new Response("too late");
    }
    if (path === "/stall") {
      const body = new ReadableStream<Uint8Array>({
        start: (c) => c.enqueue(new Uint8Array(1000).fill(7)),
        pull: (c) => released.then(() => c.close()),
      });
      return new Response(body, { headers: { "content-length": "1000000" } });
    }
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(c) {
        await Promise.race([sleep(50), released]);
        if (sent < DRIP.length) c.enqueue(DRIP.slice(sent, ++sent));
        else c.close();
      },
    });
    return new Response(body, { headers: { "content-length": String(DRIP.length) } });
  });
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    release();
    await server.shutdown();
  }
}

async function withTempDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "download-failures-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Aborts after 5 s: a download whose own timeouts failed fails the test instead of hanging it. */
const backstop = () => AbortSignal.timeout(5000);

/** Rejects with the error `promise` rejects with, and how long that took in ms. */
async function failure(promise: Promise<unknown>): Promise<[Error, number]> {
  const start = performance.now();
  try {
    await promise;
  } catch (e) {
    return [e as Error, performance.now() - start];
  }
  throw new Error("expected a rejection");
}

Deno.test("downloadFile: a server that never sends headers fails with a connect timeout naming the URL", async () => {
  await withBadServer(async (base) => {
    await withTempDir(async (dir) => {
      const [e, ms] = await failure(
        downloadFile(`${base}/no-headers`, `${dir}/f`, {
          connectTimeoutMs: 300,
          signal: backstop(),
        }),
      );
      assert.ok(e instanceof DownloadTimeoutError, String(e));
      assert.deepEqual([e.timeout, e.url, e.bytes], ["connect", `${base}/no-headers`, 0]);
      assert.equal(
        e.message,
        `downloadFile: connect timeout: ${base}/no-headers sent no response headers within ` +
          `0.3 s (option connectTimeoutMs)`,
      );
      assert.ok(ms >= 250 && ms < 3000, `took ${ms} ms`);
      console.log(`connect timeout 300 ms fired after ${ms.toFixed(0)} ms`);
      assert.deepEqual(await list(dir), []);
    });
  });
});

Deno.test("downloadFile / downloadVerified: a body that stalls fails with an idle timeout and leaves no file", async () => {
  await withBadServer(async (base) => {
    await withTempDir(async (dir) => {
      const seen: number[] = [];
      const [e, ms] = await failure(
        downloadFile(`${base}/stall`, `${dir}/f`, {
          idleTimeoutMs: 300,
          signal: backstop(),
          onProgress: (p) => seen.push(p.bytes),
        }),
      );
      assert.ok(e instanceof DownloadTimeoutError, String(e));
      assert.deepEqual([e.timeout, e.bytes], ["idle", 1000]);
      assert.equal(
        e.message,
        `downloadFile: idle timeout: ${base}/stall sent nothing for 0.3 s after 1000 bytes ` +
          `(option idleTimeoutMs)`,
      );
      assert.equal(seen.at(-1), 1000);
      assert.ok(ms >= 250 && ms < 3000, `took ${ms} ms`);
      console.log(`idle timeout 300 ms fired after ${ms.toFixed(0)} ms`);
      assert.deepEqual(await list(dir), []); // the partial file is gone
      await assert.rejects(
        downloadVerified(`${base}/stall`, `${dir}/sub/v.bin`, {
          md5: "0".repeat(32),
          idleTimeoutMs: 200,
          signal: backstop(),
        }),
        {
          name: "DownloadTimeoutError",
          message: /idle timeout: .*\/stall sent nothing for 0\.2 s/,
        },
      );
      assert.deepEqual(await list(`${dir}/sub`), []); // no .part file
    });
  });
});

Deno.test("downloadFile: a trickle with no idle gap is stopped by minBytesPerSecond; with 0 it runs to Content-Length", async () => {
  await withBadServer(async (base) => {
    await withTempDir(async (dir) => {
      // 1 byte per 50 ms = 20 bytes/s: never idle for 500 ms, but under 100 bytes/s.
      const [e, ms] = await failure(
        downloadFile(`${base}/drip`, `${dir}/slow`, {
          idleTimeoutMs: 500,
          signal: backstop(),
          minBytesPerSecond: 100,
        }),
      );
      assert.ok(e instanceof DownloadTimeoutError, String(e));
      assert.equal(e.timeout, "slow");
      assert.ok(e.bytes >= 1 && e.bytes < DRIP.length, `${e.bytes} bytes`);
      assert.match(
        e.message,
        new RegExp(
          `^downloadFile: too slow: ${base}/drip sent ${e.bytes} bytes in 0\\.5 s \\(${e.bytes} ` +
            `in all\\), under the minimum of 100 bytes/s \\(option minBytesPerSecond\\)$`,
        ),
      );
      assert.ok(ms >= 450 && ms < 3000, `took ${ms} ms`);
      console.log(
        `trickle stopped by minBytesPerSecond after ${ms.toFixed(0)} ms, ${e.bytes} bytes`,
      );
      assert.deepEqual(await list(dir), []);
      // Without the speed rule the same trickle outlasts the idle timeout and completes.
      const start = performance.now();
      const r = await downloadFile(`${base}/drip`, `${dir}/ok`, {
        idleTimeoutMs: 500,
        signal: backstop(),
        minBytesPerSecond: 0,
      });
      const took = performance.now() - start;
      assert.deepEqual(r, { bytes: DRIP.length, md5: md5(DRIP) });
      assert.deepEqual(await Deno.readFile(`${dir}/ok`), DRIP);
      assert.ok(took > 1000, `took ${took} ms`); // twice the idle timeout: it did not fire
      console.log(`the same trickle with minBytesPerSecond 0 completed in ${took.toFixed(0)} ms`);
    });
  });
});

Deno.test("downloadFile: timeout and speed options are checked before anything is fetched", async () => {
  const bad = [
    [{ connectTimeoutMs: "30" }, TypeError, /connectTimeoutMs must be a number, got "30"/],
    [{ idleTimeoutMs: 0 }, RangeError, /idleTimeoutMs must be ≥ 1, got 0/],
    [{ idleTimeoutMs: NaN }, TypeError, /idleTimeoutMs must be a number, got NaN/],
    [{ minBytesPerSecond: -1 }, RangeError, /minBytesPerSecond must be finite and ≥ 0, got -1/],
    [{ minBytesPerSecond: Infinity }, RangeError, /must be finite and ≥ 0, got Infinity/],
  ] as const;
  for (const [options, type, message] of bad) {
    await assert.rejects(
      downloadFile("http://127.0.0.1:1/x", "/nonexistent/dir/x", options as never),
      (e: Error) => e instanceof type && message.test(e.message),
    );
  }
  // Infinity turns a timeout off.
  const path = await Deno.makeTempFile();
  const r = await downloadFile("data:,ok", path, { connectTimeoutMs: Infinity });
  assert.equal(r.bytes, 2);
  await Deno.remove(path);
  assert.equal(await main(["--idle-timeout", "soon"]), 2);
  assert.equal(await main(["--min-speed=-5"]), 2);
});

/**
 * Starts `deno task data:cifar10` downloading /stall into `dir`/cifar-10-batches-bin; resolves
 * once it has reported the 1000 bytes the server sends before stalling. `stderr()` is what the
 * process printed so far.
 */
async function stalledCli(base: string, dir: string) {
  const cli = new URL("../tools/download_cifar10.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-read", "--allow-write", "--allow-env", cli, "--out"]
      .concat(`${dir}/cifar-10-batches-bin`),
    env: { CIFAR10_URL: `${base}/stall`, CIFAR10_MD5: "0".repeat(32) },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let text = "";
  const reading = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) text += chunk;
  })();
  const stderr = async () => (await reading, text);
  const deadline = Date.now() + 8_000;
  while (!text.includes("0.0 MB / 1.0 MB (0.1%)")) {
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the download did not start within 8 s: ${await stderr()}`);
    }
    await sleep(20);
  }
  const work = (await list(dir)).find((n) => n.startsWith(".cifar-10-download-"));
  assert.ok(work !== undefined, "no temp folder while downloading");
  assert.match(work, new RegExp(`^\\.cifar-10-download-${child.pid}-[0-9a-f]+$`));
  const inside = await list(`${dir}/${work}`);
  assert.ok(inside.some((n) => n.endsWith(".part")), `no .part file in ${inside}`);
  return { child, work, stderr };
}

Deno.test("deno task data:cifar10: SIGTERM and SIGINT mid-download remove the temp folder, exit 143 / 130", async () => {
  await withBadServer(async (base) => {
    for (const [signal, code] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
      await withTempDir(async (dir) => {
        const { child, work, stderr } = await stalledCli(base, dir);
        const start = performance.now();
        child.kill(signal);
        const { code: exit, signal: killedBy } = await child.status;
        const ms = performance.now() - start;
        assert.deepEqual([exit, killedBy], [code, null]);
        assert.match(
          await stderr(),
          new RegExp(`${signal}: stopped; removed the partial download .*${work}`),
        );
        assert.deepEqual(await list(dir), []); // no temp folder, no .part file
        console.log(`${signal}: exit ${exit} ${ms.toFixed(0)} ms after the signal, nothing left`);
      });
    }
  });
});

Deno.test("downloadCifar10: a SIGKILLed run's temp folder is removed by the next run; live and fresh ones are kept", async () => {
  await withBadServer(async (base) => {
    await withTempDir(async (dir) => {
      const { child, work, stderr } = await stalledCli(base, dir);
      child.kill("SIGKILL");
      assert.equal((await child.status).signal, "SIGKILL");
      await stderr();
      assert.deepEqual(await list(dir), [work]); // SIGKILL cannot be caught: the folder stays
      // Other leftovers: an old one without a pid, untouched for 2 hours (stale), a fresh one
      // without a pid (maybe live: kept), and one of this live process (kept).
      const old = ".cifar-10-download-0123456789abcdef", fresh = ".cifar-10-download-fedcba98";
      const ours = `.cifar-10-download-${Deno.pid}-abc123`;
      for (const name of [old, fresh, ours]) {
        await Deno.mkdir(`${dir}/${name}`);
        await Deno.writeTextFile(`${dir}/${name}/cifar-10-binary.tar.gz.part`, "x");
      }
      const twoHoursAgo = new Date(Date.now() - 7.2e6);
      await Deno.utime(`${dir}/${old}`, twoHoursAgo, twoHoursAgo);
      await Deno.utime(`${dir}/${old}/cifar-10-binary.tar.gz.part`, twoHoursAgo, twoHoursAgo);
      // The next run (here failing fast on a connect timeout) starts by removing the stale ones.
      await assert.rejects(
        downloadCifar10({
          url: `${base}/no-headers`,
          outDir: `${dir}/cifar`,
          connectTimeoutMs: 50,
          signal: backstop(),
        }),
        /connect timeout/,
      );
      assert.deepEqual((await list(dir)).sort(), [fresh, ours].sort());
    });
  });
});

Deno.test("downloadVerified / removeStaleTemps: stale .part files go, live ones and other files stay", async () => {
  await withTempDir(async (dir) => {
    const dead = `.x.bin.4194305-0a1b.part`; // above the largest Linux pid: not running
    const live = `.x.bin.${Deno.pid}-2c3d.part`;
    const other = [".x.bin.gz.4194305-0a1b.part", "x.bin.4194305-0a1b.part", ".x.bin.notes"];
    for (const name of [dead, live, ...other]) await Deno.writeTextFile(`${dir}/${name}`, "x");
    await downloadVerified("data:,hi", `${dir}/x.bin`, { md5: md5(enc("hi")) });
    const left = await list(dir); // the dead process's .part is gone, nothing else
    if (Deno.build.os === "linux") assert.deepEqual(left.sort(), [live, ...other, "x.bin"].sort());
    assert.equal(await Deno.readTextFile(`${dir}/x.bin`), "hi");
    // By age alone: everything untouched for longer than maxAgeMs.
    const ago = new Date(Date.now() - 10_000);
    await Deno.utime(`${dir}/${live}`, ago, ago);
    assert.deepEqual(
      await removeStaleTemps(dir, ".x.bin.", { suffix: ".part", maxAgeMs: 60_000 }),
      [],
    );
    assert.deepEqual(await removeStaleTemps(dir, ".x.bin.", { suffix: ".part", maxAgeMs: 5_000 }), [
      `${dir}/${live}`,
    ]);
    assert.deepEqual(await removeStaleTemps(`${dir}/missing`, ".x."), []);
  });
});
