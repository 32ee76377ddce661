/**
 * Collectives on a worker thread (tf-comm-thread.ts) for the tensorflow runtime. tfjs kernels run
 * synchronously on the main thread and block its event loop; the thread's own mesh keeps the sockets
 * moving meanwhile. Every op has an async form (the main thread keeps serving heartbeats while it
 * waits) and a blocking form for the one place tfjs wants a synchronous answer: an optimizer's
 * `applyGradients` called from inside `model.fit` (script mode's distributedOptimizer).
 *
 * Buffers on a SharedArrayBuffer (see `shared()`) travel without a copy; others are copied through a
 * scratch one.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { DtrainError } from '../../configs/errors.js';
import type { Communicator, ReduceOp } from '../comm/index.js';
import type { WorkloadContext } from '../workload.js';
import type { ThreadOp, ThreadReply } from './tf-comm-thread.js';

type F = Float32Array | Float64Array;
/** Node 20 has Atomics.waitAsync; TypeScript's es2022 lib does not declare it. */
type AtomicsAsync = {
  waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: Promise<string> | string };
};

export class ThreadComm {
  readonly #worker: Worker;
  readonly #reply: MessagePort;
  readonly #ctl: Int32Array;
  /** Replies taken so far; the thread's count of replies sent is ctl[0]. */
  #taken = 0;
  #scratch = new SharedArrayBuffer(1 << 16);
  #closed = false;

  private constructor(worker: Worker, reply: MessagePort, ctl: Int32Array) {
    this.#worker = worker;
    this.#reply = reply;
    this.#ctl = ctl;
  }

  /** Starts the thread and forms its mesh (every rank calls this at the same point). */
  static async start(
    ctx: Pick<WorkloadContext, 'rank' | 'worldSize' | 'comm' | 'mesh'>,
  ): Promise<ThreadComm> {
    const ctl = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(new URL('./tf-comm-thread.js', import.meta.url), {
      workerData: {
        rank: ctx.rank,
        worldSize: ctx.worldSize,
        auth: { token: ctx.mesh.auth.token, jobId: ctx.mesh.auth.jobId },
        bindHost: ctx.mesh.bindHost,
        ctl: ctl.buffer,
        reply: port2,
      },
      transferList: [port2],
    });
    worker.unref();
    const tc = new ThreadComm(worker, port1, ctl);
    const first = await tc.#await();
    const ports = new Float64Array(ctx.worldSize);
    ports[ctx.rank] = (first as { port?: number }).port ?? 0;
    await allGatherPorts(ctx.comm, ports);
    const peers = ctx.mesh.peers.map((p) => ({ rank: p.rank, host: p.host, port: ports[p.rank]! }));
    worker.postMessage(peers);
    await tc.#await();
    return tc;
  }

  /** A Float32Array on shared memory: give the thread these to avoid a copy per op. */
  static shared(length: number): Float32Array {
    return new Float32Array(new SharedArrayBuffer(length * 4));
  }

  /** Element-wise all-reduce in place; the main thread keeps running while it travels. */
  async allReduce(buf: F, op: ReduceOp): Promise<void> {
    const done = this.#postAllReduce(buf, op);
    await this.#await();
    done();
  }

  /** The same, blocking the main thread until it is done (for synchronous tfjs callers). */
  allReduceSync(buf: F, op: ReduceOp): void {
    const done = this.#postAllReduce(buf, op);
    this.#block();
    done();
  }

  #postAllReduce(buf: F, op: ReduceOp): () => void {
    const dtype = buf instanceof Float32Array ? 'f32' : 'f64';
    return this.#post(buf, (sab, offset) => ({
      op: 'allReduce',
      sab,
      offset,
      length: buf.length,
      dtype,
      reduce: op,
    }));
  }

  /** Each rank's near-equal block of `buf` (bytes copied exactly) ends up on every rank. */
  async allGather(buf: Float32Array): Promise<void> {
    const done = this.#post(buf, (sab, offset) => ({ op: 'allGather', sab, offset, length: buf.length }));
    await this.#await();
    done();
  }

  /** Copies rank `root`'s `buf` into `buf` on every rank. */
  async broadcast(buf: F, root: number): Promise<void> {
    const done = this.#post(buf, (sab, offset) => ({
      op: 'broadcast',
      sab,
      offset,
      bytes: buf.byteLength,
      root,
    }));
    await this.#await();
    done();
  }

  /** Says goodbye to the peers and ends the thread. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#worker.postMessage({ op: 'close' } satisfies ThreadOp);
    await this.#await().catch(() => undefined);
    await this.#worker.terminate();
  }

  /** Posts an op on `buf` (copied into scratch unless it is shared); returns the copy-back. */
  #post(buf: F, make: (sab: SharedArrayBuffer, offset: number) => ThreadOp): () => void {
    if (this.#closed)
      throw new DtrainError('E_INTERNAL', 'the communicator thread is closed', { category: 'internal' });
    if (buf.buffer instanceof SharedArrayBuffer) {
      this.#worker.postMessage(make(buf.buffer, buf.byteOffset));
      return () => {};
    }
    if (this.#scratch.byteLength < buf.byteLength) this.#scratch = new SharedArrayBuffer(buf.byteLength);
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    const shared = new Uint8Array(this.#scratch, 0, buf.byteLength);
    shared.set(bytes);
    this.#worker.postMessage(make(this.#scratch, 0));
    return () => bytes.set(shared);
  }

  /**
   * Waits until the thread has sent more replies than were taken. A count, not a flag the parent
   * clears: the thread's notify for one op can land after the parent has already read that op's
   * reply (the count was up before it waited) and posted the next op, and would wake that next
   * wait early; with a count such a wake finds nothing new and waits again.
   */
  async #await(): Promise<ThreadReply> {
    for (;;) {
      const sent = Atomics.load(this.#ctl, 0);
      if (sent !== this.#taken) break;
      const w = (Atomics as unknown as AtomicsAsync).waitAsync(this.#ctl, 0, sent);
      if (w.async) await w.value;
    }
    return this.#take();
  }

  #block(): ThreadReply {
    for (;;) {
      const sent = Atomics.load(this.#ctl, 0);
      if (sent !== this.#taken) break;
      Atomics.wait(this.#ctl, 0, sent);
    }
    return this.#take();
  }

  /** The thread's answer to the last op; throws its error when it failed. */
  #take(): ThreadReply {
    const m = receiveMessageOnPort(this.#reply);
    if (!m)
      throw new DtrainError('E_INTERNAL', 'the communicator thread answered nothing', {
        category: 'internal',
      });
    this.#taken = (this.#taken + 1) | 0;
    const r = m.message as ThreadReply;
    this.#check(r);
    return r;
  }

  #check(r: ThreadReply): void {
    if (!r.ok) throw new DtrainError(r.code, r.message);
  }
}

/** Every rank's thread port, through the main communicator (one float per rank). */
async function allGatherPorts(comm: Communicator, ports: Float64Array): Promise<void> {
  await comm.allGather(ports);
}
