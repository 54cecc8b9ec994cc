/**
 * `deno task lab`: the front-end decision (fake probes), installing JupyterLab (fake Python, no
 * real pip), finding Jupyter in the project venv, the stable Deno path for the kernelspec, the
 * pinned version shared with .ci/run.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  chooseFrontend,
  type FrontendProbes,
  installCommands,
  installJupyterLab,
  JUPYTERLAB_VERSION,
  pipNetworkFlags,
} from "../tools/frontend.ts";
import { findJupyter, patchKernelJson, REPO_ROOT, venvBin } from "../tools/kernelspec.ts";
import { ensureStableDeno, kernelDenoPath, stableDenoPath } from "../tools/deno_path.ts";

const posixOnly = Deno.build.os === "windows"; // the fakes below are shell scripts

/** Probes where `has[jupyter]` lists its working subcommands; records whether Python was asked. */
function probes(
  has: Record<string, string[]>,
  { python = "python3", jupyterEnv }: { python?: string | null; jupyterEnv?: string } = {},
) {
  const asked = { python: 0 };
  const p: FrontendProbes = {
    jupyterEnv,
    candidates: Object.keys(has).filter((k) => k !== jupyterEnv),
    has: (j, sub) => Promise.resolve(has[j]?.includes(sub) ?? false),
    python: () => {
      asked.python++;
      return Promise.resolve(python);
    },
  };
  return { p, asked };
}

const VENV = "/r/.venv/bin/jupyter", USR = "/usr/bin/jupyter", LOCAL = "/usr/local/bin/jupyter";

Deno.test("frontend: JupyterLab in the venv wins over PATH", async () => {
  const { p, asked } = probes({ [VENV]: ["lab", "notebook"], [USR]: ["lab"] });
  assert.deepEqual(await chooseFrontend(p), { action: "start", frontend: "lab", jupyter: VENV });
  assert.equal(asked.python, 0);
});

Deno.test("frontend: JupyterLab on PATH is used when the venv has none", async () => {
  const { p } = probes({ [USR]: ["notebook"], [LOCAL]: ["lab"] });
  assert.deepEqual(await chooseFrontend(p), { action: "start", frontend: "lab", jupyter: LOCAL });
});

Deno.test("frontend: no JupyterLab but Python → install into the venv (even with a Notebook)", async () => {
  const { p } = probes({ [USR]: ["notebook"] }, { python: "python3" });
  assert.deepEqual(await chooseFrontend(p), { action: "install", python: "python3" });
});

Deno.test("frontend: no Python → classic Notebook, saying why and how to get JupyterLab", async () => {
  const { p } = probes({ [USR]: ["notebook"] }, { python: null });
  const plan = await chooseFrontend(p);
  assert.equal(plan.action, "start");
  if (plan.action !== "start") return;
  assert.equal(plan.frontend, "notebook");
  assert.equal(plan.jupyter, USR);
  assert.match(
    plan.note ?? "",
    /^JupyterLab is not installed and could not be installed: Python 3/,
  );
  assert.match(plan.note ?? "", /classic Notebook/);
  assert.match(plan.note ?? "", /pipx install jupyterlab/);
});

Deno.test("frontend: a failed install → Notebook fallback with the reason, never a second install", async () => {
  const { p, asked } = probes({ [USR]: ["notebook"] });
  const plan = await chooseFrontend(p, "could not create the virtual environment (no ensurepip)");
  assert.equal(asked.python, 0);
  assert.equal(plan.action === "start" && plan.frontend, "notebook");
  assert.match(plan.action === "start" ? plan.note! : "", /no ensurepip/);
});

Deno.test("frontend: nothing at all → fail with install help", async () => {
  const { p } = probes({}, { python: null });
  const plan = await chooseFrontend(p);
  assert.equal(plan.action, "fail");
  assert.match(plan.action === "fail" ? plan.message : "", /^Python 3 was not found\.\nNo Jupyter/);
});

Deno.test("frontend: $JUPYTER is honoured and never triggers an install", async () => {
  const env = "/opt/jl/bin/jupyter";
  let { p, asked } = probes({ [env]: ["lab"], [VENV]: ["lab"] }, { jupyterEnv: env });
  assert.deepEqual(await chooseFrontend(p), { action: "start", frontend: "lab", jupyter: env });
  ({ p, asked } = probes({ [env]: ["notebook"], [VENV]: ["lab"] }, { jupyterEnv: env }));
  const nb = await chooseFrontend(p);
  assert.equal(nb.action === "start" && `${nb.frontend} ${nb.jupyter}`, `notebook ${env}`);
  assert.match(
    nb.action === "start" ? nb.note! : "",
    /JUPYTER=\/opt\/jl\/bin\/jupyter has no JupyterLab/,
  );
  ({ p, asked } = probes({ [VENV]: ["lab"] }, { jupyterEnv: "/broken" }));
  const bad = await chooseFrontend(p);
  assert.equal(bad.action, "fail");
  assert.match(bad.action === "fail" ? bad.message : "", /JUPYTER=\/broken runs neither/);
  assert.equal(asked.python, 0);
});

Deno.test("install: pip flags and commands", () => {
  assert.equal(JUPYTERLAB_VERSION, "4.6.4");
  assert.deepEqual(pipNetworkFlags({}), ["--retries", "1", "--timeout", "15"]);
  assert.deepEqual(pipNetworkFlags({ PIP_RETRIES: "3", PIP_TIMEOUT: "60" }), []);
  const win = installCommands("python", "C:\\r\\.venv", { PIP_TIMEOUT: "5" }, "windows");
  assert.deepEqual(win.venv, ["python", "-m", "venv", "C:\\r\\.venv"]);
  assert.equal(win.pip[0], "C:\\r\\.venv\\Scripts\\python.exe");
  assert.deepEqual(win.pip.slice(-3), ["--retries", "1", "jupyterlab==4.6.4"]);
  assert.equal(venvBin("C:\\r\\.venv", "jupyter", "windows"), "C:\\r\\.venv\\Scripts\\jupyter.exe");
});

Deno.test("install: .ci/run installs the same pinned JupyterLab", async () => {
  const ci = await Deno.readTextFile(join(REPO_ROOT, ".ci/run"));
  const line = /^JUPYTERLAB_VERSION=.*$/m.exec(ci)?.[0];
  assert.ok(line, ".ci/run sets JUPYTERLAB_VERSION");
  const out = await new Deno.Command("bash", {
    args: ["-c", `${line}; echo "$JUPYTERLAB_VERSION"`],
    cwd: REPO_ROOT,
    stdout: "piped",
  }).output();
  assert.equal(new TextDecoder().decode(out.stdout).trim(), JUPYTERLAB_VERSION);
  assert.match(ci, /pip install --retries 0 --timeout 5 "jupyterlab==\$\{JUPYTERLAB_VERSION\}"/);
  assert.match(await Deno.readTextFile(join(REPO_ROOT, ".gitignore")), /^\/\.venv\/$/m);
});

/** A fake `python3`: `-m venv DIR` makes DIR/bin/python, which logs `-m pip …` calls. */
async function fakePython(dir: string, { venvFails = false, pipFails = false } = {}) {
  const py = join(dir, "python3");
  const venvPy = [
    "#!/bin/sh",
    `echo "$@" >> "$(dirname "$0")/calls"`,
    `[ "$3" = install ] && exit ${pipFails ? 1 : 0}`,
    "exit 0",
  ].join("\n");
  await Deno.writeTextFile(
    py,
    [
      "#!/bin/sh",
      '[ "$1 $2" = "-m venv" ] || exit 2',
      'mkdir -p "$3/bin"',
      `cat > "$3/bin/python" <<'EOF'\n${venvPy}\nEOF`,
      'chmod +x "$3/bin/python"',
      venvFails ? 'echo "ensurepip is not available" >&2; exit 1' : "exit 0",
    ].join("\n"),
  );
  await Deno.chmod(py, 0o755);
  return py;
}

Deno.test({
  name: "install: creates the venv and pip-installs the pinned JupyterLab (fake Python)",
  ignore: posixOnly,
  fn: async () => {
    const tmp = await Deno.makeTempDir();
    try {
      const venv = join(tmp, ".venv");
      assert.equal(await installJupyterLab(await fakePython(tmp), venv, { quiet: true }), null);
      const calls = (await Deno.readTextFile(join(venv, "bin", "calls"))).trim().split("\n");
      assert.equal(calls[0], "-m pip --version");
      assert.match(calls[1], /^-m pip install .*--retries \d+ .*jupyterlab==4\.6\.4$/);
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test({
  name: "install: venv or pip failure is reported and the half-made venv removed",
  ignore: posixOnly,
  fn: async () => {
    const tmp = await Deno.makeTempDir();
    try {
      const venv = join(tmp, ".venv");
      const noVenv = await installJupyterLab(
        await fakePython(tmp, { venvFails: true }),
        venv,
        { quiet: true },
      );
      assert.match(
        noVenv ?? "",
        /could not create the virtual environment .*ensurepip is not available.*python3-venv/,
      );
      assert.equal(await Deno.stat(venv).catch(() => null), null);
      const noPip = await installJupyterLab(await fakePython(tmp, { pipFails: true }), venv, {
        quiet: true,
      });
      assert.equal(noPip, "`pip install jupyterlab==4.6.4` failed (see above)");
      assert.equal(await Deno.stat(venv).catch(() => null), null);
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test({
  name: "findJupyter: prefers the venv's jupyter, needs the subcommand asked for, $JUPYTER first",
  ignore: posixOnly,
  fn: async () => {
    const tmp = await Deno.makeTempDir();
    try {
      // $JUPYTER is passed, not set: tests run in parallel and share the environment.
      const jupyter = venvBin(join(tmp, ".venv"), "jupyter");
      await Deno.mkdir(join(tmp, ".venv", "bin"), { recursive: true });
      await Deno.writeTextFile(
        jupyter,
        '#!/bin/sh\ncase "$1" in --version|lab) exit 0;; esac\nexit 1\n',
      );
      await Deno.chmod(jupyter, 0o755);
      const venvDir = join(tmp, ".venv");
      assert.equal(await findJupyter({ venvDir, envJupyter: null }), jupyter);
      assert.equal(await findJupyter({ venvDir, need: "lab", envJupyter: null }), jupyter);
      assert.notEqual(await findJupyter({ venvDir, need: "notebook", envJupyter: null }), jupyter);
      assert.equal(await findJupyter({ venvDir, envJupyter: "/no/such/jupyter" }), null);
      assert.equal(await findJupyter({ venvDir: "/no/such/venv", envJupyter: jupyter }), jupyter);
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test("stable Deno: npx's cache → a per-user copy; other installs as they are", () => {
  const ctx = { os: "linux" as const, env: { HOME: "/home/a" }, version: "2.9.6" };
  for (
    const npx of [
      "/home/a/.npm/_npx/1a2b/node_modules/deno/deno",
      "/home/a/.npm/_npx/1a2b/node_modules/@deno/linux-x64-glibc/deno",
      "/tmp/cache/_npx/9/node_modules/deno/deno",
    ]
  ) {
    assert.deepEqual(kernelDenoPath(npx, ctx), {
      path: "/home/a/.cache/cs231n-deno/deno-2.9.6/deno",
      copyFrom: npx,
    });
  }
  for (const plain of ["/usr/local/bin/deno", "/home/a/.deno/bin/deno", "/opt/npm/bin/deno"]) {
    assert.deepEqual(kernelDenoPath(plain, ctx), { path: plain });
  }
  const win = "C:\\Users\\a\\AppData\\Local\\npm-cache\\_npx\\77\\node_modules\\deno\\deno.exe";
  assert.equal(
    kernelDenoPath(win, { os: "windows", env: { USERPROFILE: "C:\\Users\\a" }, version: "2.9.6" })
      .path,
    "C:\\Users\\a\\AppData\\Local\\cs231n-deno\\deno-2.9.6\\deno.exe",
  );
  // No home to copy into: keep the npx path rather than fail.
  assert.deepEqual(kernelDenoPath("/x/_npx/1/deno", { ...ctx, env: {} }), {
    path: "/x/_npx/1/deno",
  });
  assert.equal(
    stableDenoPath({ ...ctx, env: { HOME: "/h", XDG_CACHE_HOME: "/xdg" } }),
    "/xdg/cs231n-deno/deno-2.9.6/deno",
  );
});

Deno.test("stable Deno: copied once, executable, reused; a failed copy falls back to execPath", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const src = join(tmp, ".npm", "_npx", "ab", "node_modules", "deno", "deno");
    await Deno.mkdir(join(src, ".."), { recursive: true });
    await Deno.writeTextFile(src, "#!/bin/sh\necho deno 2.9.6\n");
    const ctx = { os: Deno.build.os, env: { HOME: join(tmp, "home") }, version: "2.9.6" };
    const first = await ensureStableDeno(src, ctx);
    assert.equal(first, stableDenoPath(ctx));
    assert.equal(await Deno.readTextFile(first), "#!/bin/sh\necho deno 2.9.6\n");
    if (Deno.build.os !== "windows") assert.equal((await Deno.stat(first)).mode! & 0o777, 0o755);
    const mtime = (await Deno.stat(first)).mtime?.getTime();
    assert.equal(await ensureStableDeno(src, ctx), first);
    assert.equal((await Deno.stat(first)).mtime?.getTime(), mtime, "not copied again");
    assert.deepEqual([...Deno.readDirSync(join(first, ".."))].map((e) => e.name), ["deno"]);
    // HOME is a file: the copy cannot be made, the running path is used.
    await Deno.writeTextFile(join(tmp, "file"), "");
    const bad = { ...ctx, env: { HOME: join(tmp, "file") } };
    assert.equal(await ensureStableDeno(src, bad), src);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("kernelspec: the patch points argv[0] at the stable Deno and keeps the rest", () => {
  const generated = {
    argv: [
      "/root/.npm/_npx/ab/node_modules/deno/deno",
      "jupyter",
      "--kernel",
      "--conn",
      "{connection_file}",
    ],
    display_name: "Deno",
    language: "typescript",
    env: { DENO_DIR: "/d" },
  };
  const stable = "/root/.cache/cs231n-deno/deno-2.9.6/deno";
  const patched = patchKernelJson(generated, stable);
  assert.deepEqual(patched, {
    argv: [stable, "jupyter", "--kernel", "--conn", "{connection_file}"],
    display_name: "Deno",
    language: "typescript",
    env: { DENO_DIR: "/d", NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    interrupt_mode: "message",
  });
  assert.equal(generated.argv[0], "/root/.npm/_npx/ab/node_modules/deno/deno", "input unchanged");
});

Deno.test("lab --help: prints usage without installing or starting anything", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tools/lab.ts", "--help"],
    cwd: REPO_ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0);
  const text = new TextDecoder().decode(out.stdout);
  assert.match(text, /^deno task lab \[jupyter options …\]/);
  assert.match(text, /JupyterLab 4\.6\.4/);
  assert.match(text, /\$JUPYTER/);
});
