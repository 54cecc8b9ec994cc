/**
 * The limits a sandbox process runs under, and how they are enforced on Linux:
 *
 * - **wall clock**: the judge kills the process (SIGKILL) when a test's time is up;
 * - **CPU time**: `ulimit -t` (RLIMIT_CPU, all threads together): SIGXCPU at the limit, SIGKILL
 *   a second later;
 * - **memory**: the V8 heap is capped (`--max-old-space-size`), and the whole process — heap,
 *   ArrayBuffers, WebAssembly memories, Workers — by a memory cgroup when the judge may create one
 *   (root on cgroup v1 or v2), and always by a watchdog that reads the resident size every 20 ms
 *   and kills the process above the limit. (RLIMIT_DATA and RLIMIT_AS cannot be used: V8 reserves
 *   a terabyte of address space and crashes under either.)
 * - **output**: more than `outputBytes` on stdout and stderr together kills the process.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_LIMITS, limitMessage } from "./limits.ts";
 * assert.equal(limitMessage("cpu", DEFAULT_LIMITS), "used more than 20 s of CPU time (the CPU limit)");
 * ```
 * @module
 */

/**
 * Resource limits of one sandbox process.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_LIMITS, type Limits } from "./limits.ts";
 * const l: Limits = { ...DEFAULT_LIMITS, wallSeconds: 5 };
 * assert.equal(l.memoryMiB, 1024);
 * ```
 */
export interface Limits {
  /** Wall-clock seconds for the whole test (every request to this process). */
  wallSeconds: number;
  /** CPU seconds, all threads together. */
  cpuSeconds: number;
  /** Resident memory of the process, MiB. */
  memoryMiB: number;
  /** V8 heap (old space), MiB. */
  heapMiB: number;
  /** Bytes the process may print (stdout + stderr, protocol frames excluded). */
  outputBytes: number;
}

/**
 * Limits used when the manifest says nothing else (the wall clock and CPU come from each test's
 * timeout).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_LIMITS } from "./limits.ts";
 * assert.equal(DEFAULT_LIMITS.outputBytes, 1 << 20);
 * ```
 */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  wallSeconds: 20,
  cpuSeconds: 20,
  memoryMiB: 1024,
  heapMiB: 768,
  outputBytes: 1 << 20,
});

/**
 * Which limit stopped a process.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { LimitKind } from "./limits.ts";
 * const k: LimitKind = "memory";
 * assert.equal(k, "memory");
 * ```
 */
export type LimitKind = "wall" | "cpu" | "memory" | "heap" | "output";

/**
 * The message a student reads when a limit stopped their code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_LIMITS, limitMessage } from "./limits.ts";
 * assert.match(limitMessage("memory", DEFAULT_LIMITS), /1024 MiB of memory/);
 * ```
 */
export function limitMessage(kind: LimitKind, l: Limits): string {
  switch (kind) {
    case "wall":
      return `timed out after ${l.wallSeconds} s (the time limit; an infinite loop, a wait that ` +
        `never ends, or far too slow)`;
    case "cpu":
      return `used more than ${l.cpuSeconds} s of CPU time (the CPU limit)`;
    case "memory":
      return `used more than ${l.memoryMiB} MiB of memory (the memory limit)`;
    case "heap":
      return `ran out of memory: the JavaScript heap is limited to ${l.heapMiB} MiB`;
    case "output":
      return `printed more than ${Math.round(l.outputBytes / 1024)} KiB (the output limit)`;
  }
}

/** A memory cgroup for one process, or null where none can be made. */
export interface MemoryGroup {
  /** Path of the cgroup's `cgroup.procs` (the wrapper shell writes its pid there). */
  procs: string;
  /** True if the kernel's OOM killer acted in this group. */
  oomKilled(): boolean;
  /**
   * True if the group ever reached its memory limit (the kernel then reclaims, slowly, before it
   * kills: a process can run out of time while it is being squeezed out of memory).
   */
  hitLimit(): boolean;
  /** Removes the group (after the process ended). */
  remove(): void;
}

let cgroupBase: { dir: string; v: 1 | 2 } | null | undefined;

/**
 * Creates a memory cgroup limited to `mib` MiB, or returns null (not root, no writable cgroup
 * memory controller): the resident-size watchdog then enforces the limit alone.
 *
 * @example
 * ```ts ignore
 * const g = memoryGroup(1024);
 * ```
 */
export function memoryGroup(mib: number): MemoryGroup | null {
  if (cgroupBase === undefined) cgroupBase = findCgroup();
  if (!cgroupBase) return null;
  const { dir, v } = cgroupBase;
  const group = `${dir}/grader-${crypto.randomUUID()}`;
  try {
    Deno.mkdirSync(group);
    const bytes = String(mib * 1024 * 1024);
    if (v === 1) {
      Deno.writeTextFileSync(`${group}/memory.limit_in_bytes`, bytes);
      try {
        Deno.writeTextFileSync(`${group}/memory.memsw.limit_in_bytes`, bytes);
      } catch { /* no swap accounting */ }
    } else {
      Deno.writeTextFileSync(`${group}/memory.max`, bytes);
      try {
        Deno.writeTextFileSync(`${group}/memory.swap.max`, "0");
      } catch { /* no swap controller */ }
    }
  } catch {
    try {
      Deno.removeSync(group);
    } catch { /* never made */ }
    return null;
  }
  return {
    procs: `${group}/cgroup.procs`,
    oomKilled() {
      try {
        const text = Deno.readTextFileSync(
          `${group}/${v === 1 ? "memory.oom_control" : "memory.events"}`,
        );
        return /oom_kill [1-9]/.test(text);
      } catch {
        return false;
      }
    },
    hitLimit() {
      try {
        if (v === 1) return Number(Deno.readTextFileSync(`${group}/memory.failcnt`)) > 0;
        return /^max [1-9]/m.test(Deno.readTextFileSync(`${group}/memory.events`));
      } catch {
        return false;
      }
    },
    remove() {
      for (let i = 0; i < 20; i++) {
        try {
          Deno.removeSync(group);
          return;
        } catch {
          // The process may still be leaving the group.
          const until = Date.now() + 10;
          while (Date.now() < until) { /* spin briefly */ }
        }
      }
    },
  };
}

function findCgroup(): { dir: string; v: 1 | 2 } | null {
  if (Deno.build.os !== "linux" || Deno.env.get("GRADER_NO_CGROUP") === "1") return null;
  try {
    const lines = Deno.readTextFileSync("/proc/self/cgroup").split("\n");
    const v1 = lines.find((l) => /^\d+:([^:]*,)?memory(,[^:]*)?:/.test(l));
    if (v1) {
      const dir = `/sys/fs/cgroup/memory${v1.split(":")[2]}`.replace(/\/$/, "");
      return probe(dir, 1);
    }
    const v2 = lines.find((l) => l.startsWith("0::"));
    if (v2) {
      const dir = `/sys/fs/cgroup${v2.slice(3)}`.replace(/\/$/, "");
      const controllers = Deno.readTextFileSync(`${dir}/cgroup.subtree_control`);
      return controllers.split(/\s+/).includes("memory") ? probe(dir, 2) : null;
    }
  } catch { /* no cgroups we can use */ }
  return null;
}

function probe(dir: string, v: 1 | 2): { dir: string; v: 1 | 2 } | null {
  const test = `${dir}/grader-probe-${crypto.randomUUID()}`;
  try {
    Deno.mkdirSync(test);
    Deno.removeSync(test);
    return { dir, v };
  } catch {
    return null;
  }
}

/**
 * Resident memory of a process in MiB (Linux `/proc`), or null when it cannot be read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { residentMiB } from "./limits.ts";
 * if (Deno.build.os === "linux") assert.ok((residentMiB(Deno.pid) ?? 0) > 1);
 * ```
 */
export function residentMiB(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}
