/**
 * The order in which the course kernel's relay (kernel_shim.ts) hands `execute_request`s to Deno's
 * kernel: one at a time, and none after an error when the failed request asked for
 * `stop_on_error` — those are answered "aborted" instead, as ipykernel does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ExecuteQueue } from "./execute_queue.ts";
 * const q = new ExecuteQueue<string>(() => {});
 * assert.equal(q.held, 0);
 * ```
 * @module
 */

/**
 * One execute_request held by the relay: where it came from, its frames and header, its
 * `stop_on_error`, and how to send it on to the kernel.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { HeldRequest } from "./execute_queue.ts";
 * const r: HeldRequest<string> = { peer: "a", msgId: "m1", stopOnError: true, forward: () => {} };
 * assert.equal(r.stopOnError, true);
 * ```
 */
export interface HeldRequest<Peer> {
  /** The frontend connection it came in on. */
  peer: Peer;
  /** Its header's msg_id (replies carry it as the parent's). */
  msgId: string;
  /** The request's `stop_on_error` (default true). */
  stopOnError: boolean;
  /** Sends the request on to the kernel. */
  forward(): void;
}

/**
 * The order of execution: one request at the kernel at a time; after an `error` reply to a request
 * with `stop_on_error`, every request still held is handed to `abort` instead of the kernel.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ExecuteQueue, type HeldRequest } from "./execute_queue.ts";
 * const sent: string[] = [], aborted: string[] = [];
 * const q = new ExecuteQueue<string>((r) => aborted.push(r.msgId));
 * const req = (msgId: string): HeldRequest<string> =>
 *   ({ peer: "lab", msgId, stopOnError: true, forward: () => sent.push(msgId) });
 * ["a", "b", "c"].forEach((id) => q.submit(req(id)));
 * assert.deepEqual(sent, ["a"]); // one at a time
 * q.replied("a", "ok");
 * q.replied("b", "error");
 * assert.deepEqual([sent, aborted], [["a", "b"], ["c"]]);
 * ```
 */
export class ExecuteQueue<Peer, R extends HeldRequest<Peer> = HeldRequest<Peer>> {
  #held: R[] = [];
  #current: { request: R; idle: boolean } | null = null;
  #abort: (request: R) => void;
  #open: (peer: Peer) => boolean;

  /**
   * `abort` answers a request that will not run; `open` says whether a peer's connection still
   * lives (a request whose connection closed is finished by its IOPub idle, as its reply is lost).
   */
  constructor(abort: (request: R) => void, open: (peer: Peer) => boolean = () => true) {
    this.#abort = abort;
    this.#open = open;
  }

  /** Requests held, not yet at the kernel. */
  get held(): number {
    return this.#held.length;
  }

  /** A new execute_request: runs now if the kernel is free, else waits its turn. */
  submit(request: R): void {
    this.#held.push(request);
    this.#next();
  }

  /** The kernel's execute_reply for `msgId` with its status. */
  replied(msgId: string, status: string): void {
    if (this.#current?.request.msgId === msgId) this.#finish(status);
  }

  /** IOPub `status: idle` for `msgId`. */
  idle(msgId: string): void {
    const current = this.#current;
    if (current?.request.msgId !== msgId) return;
    current.idle = true;
    if (!this.#open(current.request.peer)) this.#finish("unknown");
  }

  /** A frontend connection closed: its held requests are dropped (nobody to answer). */
  closed(peer: Peer): void {
    this.#held = this.#held.filter((r) => r.peer !== peer);
    if (this.#current?.request.peer === peer && this.#current.idle) this.#finish("unknown");
  }

  #finish(status: string): void {
    const done = this.#current!.request;
    this.#current = null;
    if (status === "error" && done.stopOnError) {
      for (const request of this.#held.splice(0)) this.#abort(request);
    }
    this.#next();
  }

  #next(): void {
    if (this.#current || this.#held.length === 0) return;
    const request = this.#held.shift()!;
    this.#current = { request, idle: false };
    request.forward();
  }
}
