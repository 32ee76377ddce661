/**
 * Thread entry of ThreadComm (thread-comm.ts): owns a second mesh between the ranks, so collectives
 * progress while the main thread is inside a tfjs kernel, and so the main thread can block on one
 * (Atomics.wait) where tfjs needs an answer synchronously (an optimizer inside `model.fit`).
 *
 * Protocol: the parent posts ops one at a time; each op's buffer is a view on a SharedArrayBuffer.
 * When an op ends the thread posts its outcome on `reply`, then adds one to ctl[0] (the count of
 * replies sent) and notifies, which wakes a parent blocked in Atomics.wait; the parent reads the
 * outcome with receiveMessageOnPort once the count is past the replies it has taken.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { DtrainError, type ErrorCode } from '../../configs/errors.js';
import {
  type Communicator,
  createCommunicator,
  openEndpoint,
  type PeerEntry,
  type ReduceOp,
} from '../comm/index.js';
import type { AuthOptions } from '../protocol/index.js';

interface Init {
  readonly rank: number;
  readonly worldSize: number;
  readonly auth: AuthOptions;
  readonly bindHost: string;
  readonly ctl: SharedArrayBuffer;
  readonly reply: MessagePort;
}

/** One collective asked of the thread. */
export type ThreadOp =
  | {
      readonly op: 'allReduce';
      readonly sab: SharedArrayBuffer;
      readonly offset: number;
      readonly length: number;
      readonly dtype: 'f32' | 'f64';
      readonly reduce: ReduceOp;
    }
  | {
      readonly op: 'allGather';
      readonly sab: SharedArrayBuffer;
      readonly offset: number;
      readonly length: number;
    }
  | {
      readonly op: 'broadcast';
      readonly sab: SharedArrayBuffer;
      readonly offset: number;
      readonly bytes: number;
      readonly root: number;
    }
  | { readonly op: 'close' };

/** What the thread answers for each op (and for start-up). */
export type ThreadReply =
  | { readonly ok: true; readonly port?: number }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string };

const init = workerData as Init;
const ctl = new Int32Array(init.ctl);
const port = parentPort!;

function answer(r: ThreadReply): void {
  init.reply.postMessage(r);
  Atomics.add(ctl, 0, 1);
  Atomics.notify(ctl, 0);
}

function failure(error: unknown): ThreadReply {
  if (error instanceof DtrainError) return { ok: false, code: error.code, message: error.message };
  return { ok: false, code: 'E_WORKER', message: String(error) };
}

async function run(comm: Communicator, m: ThreadOp): Promise<void> {
  if (m.op === 'allReduce') {
    const View = m.dtype === 'f32' ? Float32Array : Float64Array;
    await comm.allReduce(new View(m.sab as unknown as ArrayBuffer, m.offset, m.length), m.reduce);
  } else if (m.op === 'allGather') {
    await comm.allGather(new Float32Array(m.sab as unknown as ArrayBuffer, m.offset, m.length));
  } else if (m.op === 'broadcast') {
    await comm.broadcast(new Uint8Array(m.sab, m.offset, m.bytes), m.root);
  } else await comm.close();
}

async function main(): Promise<void> {
  const endpoint = await openEndpoint(init.bindHost, 0, init.auth);
  answer({ ok: true, port: endpoint.port });
  const peers = await new Promise<PeerEntry[]>((resolve) => port.once('message', resolve));
  const comm = await createCommunicator({ endpoint, rank: init.rank, worldSize: init.worldSize, peers });
  answer({ ok: true });
  // Ops arrive one at a time (the parent waits for each), but queue them anyway.
  let chain = Promise.resolve();
  port.on('message', (m: ThreadOp) => {
    chain = chain.then(() =>
      run(comm, m).then(
        () => answer({ ok: true }),
        (e) => answer(failure(e)),
      ),
    );
    if (m.op === 'close') void chain.then(() => port.close());
  });
}

main().catch((e) => answer(failure(e)));
