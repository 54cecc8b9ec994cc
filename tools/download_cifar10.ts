/**
 * `deno task data:cifar10` — downloads the official CIFAR-10 binary archive, checks its MD5
 * before extracting anything, and unpacks it into `data/cifar-10-batches-bin/`. All the logic is
 * `downloadCifar10` in `lib/data/cifar10.ts`; this file parses flags and prints progress.
 *
 * ```sh
 * deno task data:cifar10 [--url URL] [--out DIR] [--md5 HEX]
 *   [--connect-timeout SECONDS] [--idle-timeout SECONDS] [--min-speed BYTES_PER_SECOND]
 * ```
 *
 * Ctrl-C (or SIGTERM) during the download removes the partial files and exits with 130 (143).
 *
 * The environment variables `CIFAR10_URL` and `CIFAR10_MD5` set the defaults of `--url` and
 * `--md5` (a mirror, or a local server in tests).
 * @module
 */
import { parseArgs } from "node:util";
import { CIFAR10_DIR, CIFAR10_MD5, CIFAR10_URL, downloadCifar10 } from "../lib/data/cifar10.ts";
import { type DownloadProgress, formatProgress, throttledProgress } from "../lib/data/download.ts";

const USAGE = `Usage: deno task data:cifar10 [--url URL] [--out DIR] [--md5 HEX] [timeouts]

Downloads CIFAR-10 (binary version), verifies its MD5 and unpacks it.
  --url URL                 archive to download (env CIFAR10_URL; default ${CIFAR10_URL})
  --out DIR                 where the batch files go (default ${CIFAR10_DIR})
  --md5 HEX                 expected MD5 of the archive (env CIFAR10_MD5; default ${CIFAR10_MD5})
  --connect-timeout SECONDS give up when the server sends no response headers (default 30)
  --idle-timeout SECONDS    give up when the server sends nothing for this long (default 60)
  --min-speed BYTES         give up when an idle-timeout window averages fewer bytes per second
                            (default 1000; 0 turns this check off)`;

/**
 * Runs the command with the given arguments and returns the exit code (0 on success or when the
 * data is already there, 1 on an error, 2 on bad arguments). Progress and messages go to stderr.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { main } from "./download_cifar10.ts";
 * assert.equal(await main(["--no-such-flag"]), 2);
 * ```
 */
export async function main(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        url: { type: "string", default: Deno.env.get("CIFAR10_URL") || CIFAR10_URL },
        out: { type: "string", default: CIFAR10_DIR },
        md5: { type: "string", default: Deno.env.get("CIFAR10_MD5") || CIFAR10_MD5 },
        "connect-timeout": { type: "string", default: "30" },
        "idle-timeout": { type: "string", default: "60" },
        "min-speed": { type: "string", default: "1000" },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: false,
    }));
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const numbers = [
    ["--connect-timeout", values["connect-timeout"], 0.001],
    ["--idle-timeout", values["idle-timeout"], 0.001],
    ["--min-speed", values["min-speed"], 0],
  ] as const;
  for (const [flag, text, min] of numbers) {
    if (!(Number(text) >= min) || !Number.isFinite(Number(text)) || text.trim() === "") {
      console.error(`${flag} must be a number ≥ ${min}, got "${text}"\n\n${USAGE}`);
      return 2;
    }
  }
  const tty = Deno.stderr.isTerminal();
  let started = false;
  const show = (p: DownloadProgress) => {
    if (!started) console.error(`Downloading ${values.url}`);
    started = true;
    const line = `  ${formatProgress(p)}`;
    if (tty) Deno.stderr.writeSync(new TextEncoder().encode(`\r${line}\x1b[K`));
    else console.error(line);
  };
  try {
    const { dir, downloaded, bytes } = await downloadCifar10({
      url: values.url,
      outDir: values.out,
      md5: values.md5,
      onProgress: throttledProgress(show, tty ? 200 : 5000),
      connectTimeoutMs: 1000 * Number(values["connect-timeout"]),
      idleTimeoutMs: 1000 * Number(values["idle-timeout"]),
      minBytesPerSecond: Number(values["min-speed"]),
    });
    if (tty && started) console.error("");
    console.error(
      downloaded
        ? `Verified MD5 ${values.md5} (${bytes} bytes) and unpacked CIFAR-10 into ${dir}`
        : `CIFAR-10 is already complete in ${dir}; nothing to do`,
    );
    return 0;
  } catch (e) {
    if (tty && started) console.error("");
    console.error(`error: ${(e as Error).message}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
