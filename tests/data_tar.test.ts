import assert from "node:assert/strict";
import {
  extractTar,
  gunzip,
  gunzipStream,
  gzip,
  isGzip,
  readTar,
  readTarStream,
  safeTarPath,
  writeTar,
} from "../lib/data/tar.ts";

const enc = new TextEncoder();
const bytes = (n: number, seed = 1) =>
  Uint8Array.from({ length: n }, (_, i) => (i * seed + 7) % 256);

/** Sets the type flag of the header at `offset` and rewrites its checksum. */
function retype(tar: Uint8Array, offset: number, flag: string): Uint8Array<ArrayBuffer> {
  const out = tar.slice();
  out[offset + 156] = flag.charCodeAt(0);
  out.fill(32, offset + 148, offset + 156);
  const sum = out.subarray(offset, offset + 512).reduce((s, b) => s + b, 0);
  out.set(enc.encode(sum.toString(8).padStart(6, "0") + "\0 "), offset + 148);
  return out;
}

async function withTempDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "tar-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("writeTar ↔ readTar: names, types and contents of every size round-trip", async () => {
  const files = [0, 1, 511, 512, 513, 3073].map((n, k) => ({
    name: `d/f${k}.bin`,
    data: bytes(n, k),
  }));
  const tar = writeTar([{ name: "d/", type: "directory" }, ...files]);
  assert.equal(tar.length % 512, 0);
  // 7 headers + data blocks (0, 1, 1, 1, 2, 7) + 2 end blocks
  assert.equal(tar.length, 512 * (7 + 12 + 2));
  assert.equal(new TextDecoder().decode(tar.subarray(257, 262)), "ustar");
  const entries = await readTar(tar);
  assert.deepEqual(entries.map((e) => [e.name, e.type, e.typeflag]), [
    ["d/", "directory", "5"],
    ...files.map((f) => [f.name, "file", "0"]),
  ]);
  entries.slice(1).forEach((e, k) => assert.deepEqual(e.data, files[k].data));
  assert.throws(() => writeTar([{ name: "x".repeat(101) }]), /is 101 bytes, the limit is 100/);
});

Deno.test("readTarStream: streams entries from small chunks; an archive without end blocks ends cleanly", async () => {
  const tar = writeTar([{ name: "a", data: bytes(1000) }, { name: "b", data: bytes(10) }]);
  const chunks = Array.from(
    { length: Math.ceil(tar.length / 100) },
    (_, i) => tar.slice(i * 100, (i + 1) * 100),
  );
  const names = [];
  for await (const e of readTarStream(ReadableStream.from(chunks))) {
    names.push([e.name, e.data.length]);
  }
  assert.deepEqual(names, [["a", 1000], ["b", 10]]);
  const noEnd = tar.subarray(0, tar.length - 1024);
  assert.deepEqual((await readTar(noEnd)).map((e) => e.name), ["a", "b"]);
});

Deno.test("readTar: GNU long names, pax paths and ustar prefixes give the full name", async () => {
  const long = "cifar-10-batches-bin/" + "x".repeat(120) + ".bin";
  const gnu = writeTar([{ name: "././@LongLink", data: enc.encode(long + "\0") }, {
    name: "short",
    data: bytes(3),
  }]);
  const [e1] = await readTar(retype(gnu, 0, "L"));
  assert.deepEqual([e1.name, e1.data.length], [long, 3]);
  const record = ` path=${long}\n`;
  const pax = enc.encode(`${record.length + String(record.length + 3).length}${record}`);
  const [e2] = await readTar(
    retype(writeTar([{ name: "PaxHeader", data: pax }, { name: "short" }]), 0, "x"),
  );
  assert.equal(e2.name, long);
  const prefixed = writeTar([{ name: "file.bin", data: bytes(1) }]);
  prefixed.set(enc.encode("some/dir"), 345);
  const [e3] = await readTar(retype(prefixed, 0, "0"));
  assert.equal(e3.name, "some/dir/file.bin");
});

Deno.test("readTar: corrupt headers and truncated archives throw, naming the archive", async () => {
  const tar = writeTar([{ name: "a.bin", data: bytes(1000) }, { name: "b.bin", data: bytes(5) }]);
  const bad = tar.slice();
  bad[10] ^= 0xff;
  await assert.rejects(
    readTar(bad, "x.tar"),
    /x\.tar: bad tar header at byte 0 \(checksum \d+ stored, \d+ computed\): not a tar archive, or corrupt/,
  );
  await assert.rejects(readTar(enc.encode("hello".repeat(200))), /bad tar header at byte 0/);
  await assert.rejects(
    readTar(tar.subarray(0, 700), "x.tar"),
    { message: 'x.tar: truncated archive at entry "a.bin": needs 1000 bytes, only 188 left' },
  );
  await assert.rejects(
    readTar(tar.subarray(0, 1512)), // 512 + 1000: the data is whole, its padding is not
    /truncated archive at the padding of "a\.bin": needs 24 bytes, only 0 left/,
  );
  await assert.rejects(
    readTar(tar.subarray(0, 1536 + 100)),
    /truncated archive at a header at byte 1536: needs 512 bytes, only 100 left/,
  );
});

Deno.test("safeTarPath: relative paths pass; absolute paths, drives, backslashes and .. are refused", () => {
  assert.equal(
    safeTarPath("cifar-10-batches-bin/data_batch_1.bin"),
    "cifar-10-batches-bin/data_batch_1.bin",
  );
  assert.equal(safeTarPath("./a/./b/"), "a/b");
  assert.equal(safeTarPath("./"), "");
  assert.equal(safeTarPath("a..b/c.."), "a..b/c..");
  assert.throws(() => safeTarPath("/etc/passwd"), {
    name: "RangeError",
    message: 'tar: refusing entry "/etc/passwd": absolute path',
  });
  assert.throws(() => safeTarPath("C:/x"), /absolute path/);
  assert.throws(() => safeTarPath("a\\..\\b"), /backslash/);
  assert.throws(() => safeTarPath("a/../../b"), /refusing entry "a\/..\/..\/b": it contains ".."/);
  assert.throws(() => safeTarPath(".."), /it contains ".."/);
});

Deno.test("extractTar: writes files and folders; refuses .., absolute paths and links", async () => {
  await withTempDir(async (dir) => {
    const tar = writeTar([
      { name: "./", type: "directory" },
      { name: "top/empty/", type: "directory" },
      { name: "top/a.txt", data: enc.encode("A") },
      { name: "top/sub/b.bin", data: bytes(700) },
    ]);
    const written = await extractTar(new Blob([tar]).stream(), `${dir}/out`);
    assert.deepEqual(written, ["top/a.txt", "top/sub/b.bin"]);
    assert.equal(await Deno.readTextFile(`${dir}/out/top/a.txt`), "A");
    assert.deepEqual(await Deno.readFile(`${dir}/out/top/sub/b.bin`), bytes(700));
    assert.ok((await Deno.stat(`${dir}/out/top/empty`)).isDirectory);

    for (const name of ["../evil.txt", "ok/../../evil.txt", "/tmp/evil.txt"]) {
      const evil = writeTar([{ name, data: enc.encode("evil") }]);
      await assert.rejects(
        extractTar(new Blob([evil]).stream(), `${dir}/x`),
        /tar: refusing entry/,
      );
    }
    await assert.rejects(Deno.stat(`${dir}/evil.txt`), Deno.errors.NotFound);
    const link = retype(writeTar([{ name: "link" }]), 0, "2");
    await assert.rejects(
      extractTar(new Blob([link]).stream(), `${dir}/x`, { name: "l.tar" }),
      /l\.tar: refusing entry "link" of type "2" \(not a file or directory\)/,
    );
  });
});

Deno.test("gzip / gunzip / isGzip: round-trip; truncated or corrupt data fails clearly", async () => {
  const data = bytes(10000, 3);
  const gz = await gzip(data);
  assert.ok(isGzip(gz) && !isGzip(data) && !isGzip(new Uint8Array([0x1f])));
  assert.deepEqual(await gunzip(gz), data);
  await assert.rejects(gunzip(gz.subarray(0, gz.length - 4), "a.gz"), {
    message: /^a\.gz: truncated or corrupt gzip data \(.+\)$/,
  });
  await assert.rejects(
    gunzip(enc.encode("plain text")),
    /gzip data: truncated or corrupt gzip data/,
  );
  const flipped = gz.slice();
  flipped[gz.length >> 1] ^= 0x55;
  await assert.rejects(gunzip(flipped), /truncated or corrupt gzip data/);
});

Deno.test("extractTar with gzip: a .tar.gz unpacks; a cut archive, even only its trailer, is rejected", async () => {
  await withTempDir(async (dir) => {
    const tgz = await gzip(writeTar([{ name: "d/f.bin", data: bytes(5000) }]));
    assert.deepEqual(await extractTar(new Blob([tgz]).stream(), `${dir}/ok`, { gzip: true }), [
      "d/f.bin",
    ]);
    assert.deepEqual(await Deno.readFile(`${dir}/ok/d/f.bin`), bytes(5000));
    // Cutting off the 8-byte gzip trailer leaves a complete tar: draining the stream still catches it.
    for (const cut of [tgz.length - 4, tgz.length >> 1, 12]) {
      await assert.rejects(
        extractTar(new Blob([tgz.subarray(0, cut)]).stream(), `${dir}/cut`, {
          gzip: true,
          name: "c.tgz",
        }),
        /c\.tgz: truncated or corrupt gzip data|c\.tgz: truncated archive/,
      );
    }
    // From a file: the handle is closed on failure too (the test's resource sanitizer checks).
    await Deno.writeFile(`${dir}/cut.tgz`, tgz.subarray(0, tgz.length >> 1));
    const file = await Deno.open(`${dir}/cut.tgz`);
    await assert.rejects(
      extractTar(file.readable, `${dir}/cut2`, { gzip: true }),
      /truncated or corrupt gzip/,
    );
  });
});

Deno.test("gunzipStream: cancelling the output cancels the source", async () => {
  let cancelled = false;
  const gz = await gzip(bytes(200000, 7));
  const source = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(gz.slice(0, 1000));
    },
    cancel() {
      cancelled = true;
    },
  });
  const reader = gunzipStream(source).getReader();
  const first = await reader.read();
  assert.ok(!first.done && first.value.length > 0);
  await reader.cancel();
  assert.ok(cancelled);
});

/** `cmd args` fed `input`: its exit code and stdout, or undefined when the command is missing. */
async function pipeThroughCommand(cmd: string, args: string[], input: Uint8Array) {
  try {
    const child = new Deno.Command(cmd, {
      args,
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(input);
    await writer.close();
    const { code, stdout } = await child.output();
    return { code, stdout };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

const concatBytes = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
};

Deno.test("gunzip / gunzipStream: multi-member gzip and trailing zero padding read like gunzip -c", async () => {
  const a = bytes(70_000, 3), b = bytes(5000, 5);
  const first = await gzip(a); // CompressionStream's member
  // Debian's gzip for the second member when it is installed (a different encoder).
  const second = (await pipeThroughCommand("gzip", ["-c", "-9"], b))?.stdout ?? await gzip(b);
  const joined = concatBytes(first, second);
  const padded = concatBytes(first, second, new Uint8Array(1024)); // tape-style zero padding
  for (const input of [joined, padded]) {
    const ours = await gunzip(input, "ab.gz");
    assert.deepEqual(ours, concatBytes(a, b));
    const reference = await pipeThroughCommand("gunzip", ["-c"], input);
    if (reference) assert.deepEqual([reference.code, ours], [0, reference.stdout]);
    // The same through the stream, in 777-byte chunks that straddle the member boundary.
    const chunks = Array.from(
      { length: Math.ceil(input.length / 777) },
      (_, i) => input.slice(i * 777, (i + 1) * 777),
    );
    const streamed = await new Response(gunzipStream(ReadableStream.from(chunks))).bytes();
    assert.deepEqual(streamed, concatBytes(a, b));
  }
  // A .tar.gz made of two members (as `cat x.gz y.gz`, pigz or bgzip write it) unpacks whole.
  const tar = writeTar([{ name: "d/big.bin", data: a }, { name: "d/small.bin", data: b }]);
  const split = concatBytes(await gzip(tar.subarray(0, 40_000)), await gzip(tar.subarray(40_000)));
  await withTempDir(async (dir) => {
    const files = await extractTar(new Blob([split]).stream(), dir, { gzip: true });
    assert.deepEqual(files, ["d/big.bin", "d/small.bin"]);
    assert.deepEqual(await Deno.readFile(`${dir}/d/big.bin`), a);
    assert.deepEqual(await Deno.readFile(`${dir}/d/small.bin`), b);
  });
});

Deno.test("gunzip: garbage after a member, a cut second member and a non-gzip start fail, naming the data", async () => {
  const member = await gzip(bytes(3000, 7));
  const garbage = concatBytes(member, enc.encode("garbage!"));
  await assert.rejects(gunzip(garbage, "g.gz"), {
    message: "g.gz: truncated or corrupt gzip data (data after a gzip member is neither another " +
      "member nor zero padding)",
  });
  // gunzip -c prints the first member and warns "trailing garbage ignored" with exit status 2.
  const reference = await pipeThroughCommand("gunzip", ["-c"], garbage);
  if (reference) assert.equal(reference.code, 2);
  const cut = concatBytes(member, member.subarray(0, member.length - 5));
  await assert.rejects(gunzip(cut, "cut.gz"), {
    message: "cut.gz: truncated or corrupt gzip data (unexpected end of file)",
  });
  await assert.rejects(gunzip(new Uint8Array(0), "empty.gz"), {
    message: "empty.gz: truncated or corrupt gzip data (unexpected end of file)",
  });
  await assert.rejects(gunzip(new Uint8Array(64), "zeros.gz"), {
    message: "zeros.gz: truncated or corrupt gzip data (invalid gzip header: starts with 00 00, " +
      "not 1f 8b)",
  });
});
