import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Matrix } from "../lib/matrix.ts";
import { Rng } from "../lib/random.ts";
import {
  CIFAR10_CLASS_NAMES,
  CIFAR10_MD5,
  downloadCifar10,
  encodeCifarBatch,
  loadCifar10,
} from "../lib/data/cifar10.ts";
import {
  downloadFile,
  type DownloadProgress,
  downloadVerified,
  formatProgress,
  md5File,
  throttledProgress,
} from "../lib/data/download.ts";
import { gzip, writeTar } from "../lib/data/tar.ts";

const md5 = (bytes: Uint8Array) => createHash("md5").update(bytes).digest("hex");
const ZERO_MD5 = "0".repeat(32);

/** A small cifar-10-binary.tar.gz in the official layout: batch b has b + 1 images, test has 3. */
async function fakeArchive(
  { omit = "", extra = [] as { name: string; data?: Uint8Array }[] } = {},
) {
  const rng = new Rng(10);
  const batch = (n: number) => {
    const X = new Matrix(n, 3072, Float64Array.from({ length: n * 3072 }, () => rng.int(0, 256)));
    const y = Int32Array.from({ length: n }, () => rng.int(0, 10));
    return { X, y, bytes: encodeCifarBatch(X, y) };
  };
  const train = [1, 2, 3, 4, 5].map((n) => batch(n));
  const test = batch(3);
  const dir = "cifar-10-batches-bin/";
  const entries = [
    { name: dir, type: "directory" as const },
    {
      name: `${dir}batches.meta.txt`,
      data: new TextEncoder().encode(CIFAR10_CLASS_NAMES.join("\n") + "\n"),
    },
    ...train.map((b, i) => ({ name: `${dir}data_batch_${i + 1}.bin`, data: b.bytes })),
    { name: `${dir}test_batch.bin`, data: test.bytes },
    { name: `${dir}readme.html`, data: new TextEncoder().encode("<html></html>") },
    ...extra,
  ].filter((e) => !omit || !e.name.endsWith(omit));
  return { archive: await gzip(writeTar(entries)), train, test };
}

/** Serves `routes` (path → bytes, or a status number) on 127.0.0.1 at a random port. */
async function withServer(
  routes: Record<string, Uint8Array<ArrayBuffer> | number>,
  fn: (base: string, hits: Record<string, number>) => Promise<void>,
) {
  const hits: Record<string, number> = {};
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname;
    hits[path] = (hits[path] ?? 0) + 1;
    const body = routes[path] ?? 404;
    if (typeof body === "number") return new Response("no such file", { status: body });
    return new Response(body, { headers: { "content-type": "application/x-gzip" } });
  });
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`, hits);
  } finally {
    await server.shutdown();
  }
}

async function withTempDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "download-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const list = (dir: string) => Array.fromAsync(Deno.readDir(dir), (e) => e.name);

Deno.test("downloadCifar10: the right checksum downloads, verifies, unpacks, and the reader loads it", async () => {
  const { archive, train, test } = await fakeArchive();
  await withServer({ "/cifar.tar.gz": archive }, async (base, hits) => {
    await withTempDir(async (dir) => {
      const outDir = `${dir}/data/cifar-10-batches-bin`;
      const progress: DownloadProgress[] = [];
      const result = await downloadCifar10({
        url: `${base}/cifar.tar.gz`,
        outDir,
        md5: md5(archive),
        onProgress: (p) => progress.push({ ...p }),
      });
      assert.deepEqual(result, { dir: outDir, downloaded: true, bytes: archive.length });
      assert.deepEqual(progress.at(-1), { bytes: archive.length, total: archive.length });
      assert.ok(progress.every((p, i) => i === 0 || p.bytes > progress[i - 1].bytes));
      assert.deepEqual(await list(`${dir}/data`), ["cifar-10-batches-bin"]); // no temp files
      assert.deepEqual((await list(outDir)).sort(), [
        "batches.meta.txt",
        "data_batch_1.bin",
        "data_batch_2.bin",
        "data_batch_3.bin",
        "data_batch_4.bin",
        "data_batch_5.bin",
        "readme.html",
        "test_batch.bin",
      ]);
      const d = await loadCifar10(outDir);
      assert.deepEqual(d.XTrain.shape, [15, 3072]);
      assert.deepEqual(d.XTrain.data, Float64Array.from(train.flatMap((b) => [...b.X.data])));
      assert.deepEqual(d.yTrain, Int32Array.from(train.flatMap((b) => [...b.y])));
      assert.deepEqual([d.XTest.data, d.yTest], [test.X.data, test.y]);
      assert.deepEqual(d.classNames, CIFAR10_CLASS_NAMES);

      // A second run finds the data complete and downloads nothing.
      const again = await downloadCifar10({
        url: `${base}/cifar.tar.gz`,
        outDir,
        md5: md5(archive),
      });
      assert.deepEqual(again, { dir: outDir, downloaded: false, bytes: 0 });
      assert.equal(hits["/cifar.tar.gz"], 1);
    });
  });
});

Deno.test("downloadCifar10: a wrong checksum fails with expected … got … and leaves nothing behind", async () => {
  const { archive } = await fakeArchive();
  await withServer({ "/cifar.tar.gz": archive }, async (base) => {
    await withTempDir(async (dir) => {
      const outDir = `${dir}/data/cifar-10-batches-bin`;
      await assert.rejects(downloadCifar10({ url: `${base}/cifar.tar.gz`, outDir }), {
        message: new RegExp(
          `MD5 checksum mismatch for ${base}/cifar\\.tar\\.gz: expected ${CIFAR10_MD5}, got ${
            md5(archive)
          } \\(${archive.length} bytes\\)`,
        ),
      });
      assert.deepEqual(await list(`${dir}/data`), []); // no outDir, no temp folder, no .part file
    });
  });
});

Deno.test("downloadCifar10: an HTTP 404 fails naming the status and leaves nothing behind", async () => {
  await withServer({}, async (base) => {
    await withTempDir(async (dir) => {
      await assert.rejects(
        downloadCifar10({ url: `${base}/missing.tar.gz`, outDir: `${dir}/cifar-10-batches-bin` }),
        new RegExp(`downloadFile: ${base}/missing\\.tar\\.gz answered HTTP 404 Not Found`),
      );
      assert.deepEqual(await list(dir), []);
    });
  });
});

Deno.test("downloadCifar10: truncated or broken gzip archives (with matching MD5) fail cleanly", async () => {
  const { archive } = await fakeArchive();
  const cut = archive.slice(0, archive.length >> 1);
  const notGzip = new TextEncoder().encode("<html>Service unavailable</html>");
  const routes = { "/cut.tar.gz": cut, "/html.tar.gz": notGzip };
  await withServer(routes, async (base) => {
    await withTempDir(async (dir) => {
      const outDir = `${dir}/cifar-10-batches-bin`;
      await assert.rejects(
        downloadCifar10({ url: `${base}/cut.tar.gz`, outDir, md5: md5(cut) }),
        /cifar-10-binary\.tar\.gz: truncated or corrupt gzip data/,
      );
      assert.deepEqual(await list(dir), []);
      await assert.rejects(
        downloadCifar10({ url: `${base}/html.tar.gz`, outDir, md5: md5(notGzip) }),
        /cifar-10-binary\.tar\.gz: truncated or corrupt gzip data \(invalid gzip header: starts with 3c 68, not 1f 8b\)/,
      );
      assert.deepEqual(await list(dir), []);
    });
  });
});

Deno.test("downloadCifar10: incomplete or malicious archives and incomplete targets are refused", async () => {
  const missing = (await fakeArchive({ omit: "test_batch.bin" })).archive;
  const evil =
    (await fakeArchive({ extra: [{ name: "../escaped.txt", data: new Uint8Array(1) }] })).archive;
  await withServer({ "/missing.tgz": missing, "/evil.tgz": evil }, async (base) => {
    await withTempDir(async (dir) => {
      const outDir = `${dir}/data/cifar-10-batches-bin`;
      await assert.rejects(
        downloadCifar10({ url: `${base}/missing.tgz`, outDir, md5: md5(missing) }),
        /the archive from .*missing\.tgz is incomplete: .*test_batch\.bin is missing/,
      );
      await assert.rejects(
        downloadCifar10({ url: `${base}/evil.tgz`, outDir, md5: md5(evil) }),
        /tar: refusing entry "\.\.\/escaped\.txt": it contains "\.\."/,
      );
      assert.deepEqual(await list(`${dir}/data`), []);
      assert.deepEqual(await list(dir), ["data"]);
      // A half-filled target is left alone: the user decides what to delete.
      await Deno.mkdir(outDir);
      await Deno.writeTextFile(`${outDir}/batches.meta.txt`, "mine");
      await assert.rejects(
        downloadCifar10({ url: `${base}/missing.tgz`, outDir, md5: md5(missing) }),
        /exists but is incomplete \(.*data_batch_1\.bin is missing.*\); remove it and run again/,
      );
      assert.deepEqual(await list(outDir), ["batches.meta.txt"]);
    });
  });
});

Deno.test("downloadFile / downloadVerified / md5File: bytes, MD5, progress; bad input", async () => {
  const body = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 31) % 251);
  await withServer({ "/blob": body, "/gone": 410 }, async (base) => {
    await withTempDir(async (dir) => {
      const seen: DownloadProgress[] = [];
      const r = await downloadFile(`${base}/blob`, `${dir}/blob`, {
        onProgress: (p) => seen.push(p),
      });
      assert.deepEqual(r, { bytes: body.length, md5: md5(body) });
      assert.deepEqual(await Deno.readFile(`${dir}/blob`), body);
      assert.equal(await md5File(`${dir}/blob`), md5(body));
      assert.deepEqual(seen.at(-1), { bytes: 200_000, total: 200_000 });
      const v = await downloadVerified(`${base}/blob`, `${dir}/sub/ok`, {
        md5: md5(body).toUpperCase(),
      });
      assert.equal(v.md5, md5(body));
      assert.deepEqual(await list(`${dir}/sub`), ["ok"]);
      await assert.rejects(
        downloadFile(`${base}/gone`, `${dir}/gone`),
        new RegExp(`${base}/gone answered HTTP 410 Gone`),
      );
      await assert.rejects(Deno.stat(`${dir}/gone`), Deno.errors.NotFound);
      await assert.rejects(
        downloadVerified(`${base}/blob`, `${dir}/x`, { md5: "abc" }),
        { name: "TypeError", message: 'downloadVerified: md5 must be 32 hex digits, got "abc"' },
      );
      await assert.rejects(
        downloadVerified(`${base}/blob`, `${dir}/sub/bad`, { md5: ZERO_MD5 }),
        new RegExp(`expected ${ZERO_MD5}, got ${md5(body)}`),
      );
      assert.deepEqual(await list(`${dir}/sub`), ["ok"]);
      await assert.rejects(
        downloadFile("http://127.0.0.1:1/x", `${dir}/y`),
        /downloadFile: cannot fetch http:\/\/127\.0\.0\.1:1\/x/,
      );
    });
  });
});

Deno.test("downloadFile: a connection that closes before Content-Length bytes removes the file", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const serve = (async () => {
    const conn = await listener.accept();
    try {
      await conn.read(new Uint8Array(4096)); // the request
      const head = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n";
      await conn.write(new TextEncoder().encode(head + "x".repeat(100)));
    } finally {
      conn.close();
    }
  })();
  try {
    await withTempDir(async (dir) => {
      await assert.rejects(
        downloadFile(`http://127.0.0.1:${listener.addr.port}/a`, `${dir}/a`),
        /downloadFile: http:\/\/127\.0\.0\.1:\d+\/a (failed after 100 bytes|was cut off after 100 of 1000 bytes)/,
      );
      assert.deepEqual(await list(dir), []);
    });
  } finally {
    await serve;
    listener.close();
  }
});

Deno.test("formatProgress / throttledProgress: readable, at most one line per interval plus the last", () => {
  assert.equal(
    formatProgress({ bytes: 170_052_171, total: 170_052_171 }),
    "170.1 MB / 170.1 MB (100.0%)",
  );
  assert.equal(
    formatProgress({ bytes: 17_005_217, total: 170_052_171 }),
    "17.0 MB / 170.1 MB (10.0%)",
  );
  assert.equal(formatProgress({ bytes: 5_500_000, total: undefined }), "5.5 MB");
  const printed: number[] = [];
  const p = throttledProgress((x) => printed.push(x.bytes), 1e9);
  for (let b = 1; b <= 100; b++) p({ bytes: b, total: 100 });
  assert.deepEqual(printed, [1, 100]);
  const every: number[] = [];
  const q = throttledProgress((x) => every.push(x.bytes), 0);
  for (let b = 1; b <= 3; b++) q({ bytes: b, total: undefined });
  assert.deepEqual(every, [1, 2, 3]);
});

Deno.test("deno task data:cifar10 CLI: --url/--out/--md5 and env vars, progress on stderr, exit codes", async () => {
  const { archive } = await fakeArchive();
  await withServer({ "/c.tgz": archive }, async (base) => {
    await withTempDir(async (dir) => {
      const run = async (args: string[], env: Record<string, string> = {}) => {
        const cli = new URL("../tools/download_cifar10.ts", import.meta.url).pathname;
        const { code, stderr } = await new Deno.Command(Deno.execPath(), {
          args: [
            "run",
            "--allow-net",
            "--allow-read",
            "--allow-write",
            "--allow-env",
            cli,
            ...args,
          ],
          env,
          stdout: "null",
          stderr: "piped",
        }).output();
        return { code, err: new TextDecoder().decode(stderr) };
      };
      const out = `${dir}/cifar-10-batches-bin`;
      const bad = await run(["--url", `${base}/c.tgz`, "--out", out]); // official MD5: mismatch
      assert.equal(bad.code, 1);
      assert.match(bad.err, new RegExp(`error: .*expected ${CIFAR10_MD5}, got ${md5(archive)}`));
      assert.deepEqual(await list(dir), []);
      const ok = await run(["--out", out], {
        CIFAR10_URL: `${base}/c.tgz`,
        CIFAR10_MD5: md5(archive),
      });
      assert.equal(ok.code, 0, ok.err);
      assert.match(ok.err, new RegExp(`Downloading ${base}/c\\.tgz`));
      assert.match(ok.err, /\(100\.0%\)/);
      assert.match(ok.err, /Verified MD5 .* and unpacked CIFAR-10 into/);
      const again = await run(["--out", out]);
      assert.equal(again.code, 0);
      assert.match(again.err, /CIFAR-10 is already complete in .*; nothing to do/);
      assert.equal((await run(["--bogus"])).code, 2);
    });
  });
});
