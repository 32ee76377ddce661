/**
 * The Communicator: collectives and point-to-point messages over a full mesh of authenticated
 * connections (mesh.ts builds it). All ranks must call collectives in the same order with buffers of
 * the same length; each works in place and resolves once this rank's part is done and its buffer may be
 * reused. A peer lost without saying goodbye fails the running and every later call with E_PEER_LOST.
 */
import { DtrainError } from '../../configs/errors.js';
import type { Connection, Frame, FrameHeader } from '../protocol/index.js';
import { blockOffsets, offsetsFromCounts } from './blocks.js';
import { DirectScatterOp } from './direct-scatter.js';
import type { FloatArray, ReduceOp } from './kernels.js';
import { Mailbox } from './mailbox.js';
import type { DataHeader, Op, OpContext } from './op.js';
import { RingOp } from './ring.js';
import { BroadcastOp, GatherReduceOp, StreamOp } from './small-ops.js';

/**
 * Tuning knobs. Defaults from bench/comm.ts on the 2-core dev box (4 ranks): 512 KiB segments beat
 * 128 K/256 K/1 M for ≥ 16 MiB; gathering to rank 0 beats the ring up to 64 KiB (316 vs 990 µs).
 */
export interface CommTuning {
  /** Ring and chain segment size in bytes (default 512 KiB). */
  readonly segmentBytes?: number;
  /**
   * Below this many bytes all-reduce gathers to rank 0, reduce-scatter sends blocks straight to their
   * owners and broadcast is a star (default 256 KiB).
   */
  readonly smallBytes?: number;
}

/** This rank's block after reduceScatter, in elements. */
export interface Block {
  readonly offset: number;
  readonly length: number;
}

const BYE = 'dc.bye';

export function peerLost(rank: number, why: string, cause?: unknown): DtrainError {
  return new DtrainError('E_PEER_LOST', `peer rank ${rank} was lost: ${why}`, { category: 'worker', cause });
}

export class Communicator {
  readonly rank: number;
  readonly worldSize: number;
  readonly #conns: readonly (Connection | undefined)[];
  readonly #segmentBytes: number;
  readonly #smallBytes: number;
  readonly #scratch: ArrayBuffer[] = [];
  #acc = new ArrayBuffer(0);
  #q = 0;
  #active: Op | undefined;
  readonly #stash = new Map<number, { from: number; frame: Frame }[]>();
  readonly #mail: Mailbox;
  readonly #departed = new Set<number>();
  #failure: DtrainError | undefined;
  #closing = false;
  #closeCalled = false;
  readonly #closedConns = new Set<number>();
  #tail: Promise<void> = Promise.resolve();
  readonly #ctx: OpContext;
  readonly #barrierBuf = new Float64Array(1);
  #bytesSent = 0;

  /** Internal: use createCommunicator. `conns[j]` is the connection to rank j (none for this rank). */
  constructor(rank: number, conns: readonly (Connection | undefined)[], tuning: CommTuning) {
    this.rank = rank;
    this.worldSize = conns.length;
    this.#conns = conns;
    this.#segmentBytes = Math.max(64, tuning.segmentBytes ?? 512 * 1024);
    this.#smallBytes = tuning.smallBytes ?? 256 * 1024;
    this.#mail = new Mailbox(conns.length);
    this.#ctx = {
      rank,
      worldSize: conns.length,
      send: (to, header, view) => this.#send(to, header, view),
      scratch: (from, bytes) => this.#scratchFor(from, bytes),
      aligned: (from, payload, like) => {
        const Ctor = like.constructor as new (b: ArrayBufferLike, o: number, l: number) => typeof like;
        const eb = like.BYTES_PER_ELEMENT;
        let bytes: Uint8Array = payload;
        if (payload.byteOffset % eb !== 0) {
          bytes = this.#scratchFor(from, payload.length);
          bytes.set(payload);
        }
        return new Ctor(bytes.buffer, bytes.byteOffset, bytes.byteLength / eb);
      },
      accumulator: (like) => {
        if (this.#acc.byteLength < like.byteLength) this.#acc = new ArrayBuffer(like.byteLength);
        const Ctor = like.constructor as new (b: ArrayBuffer, o: number, l: number) => typeof like;
        return new Ctor(this.#acc, 0, like.length);
      },
    };
    conns.forEach((c, j) => {
      if (!c) return;
      c.payloadTarget = (h, length) => this.#target(h, length, j);
      c.on('frame', (f: Frame) => this.#onFrame(j, f));
      c.on('close', (err: Error | undefined) => this.#onClose(j, err));
    });
  }

  /** Element-wise all-reduce in place; the result is bit-identical on all ranks and equal to referenceAllReduce. */
  allReduce(buf: FloatArray, op: ReduceOp): Promise<void> {
    if (this.worldSize === 1 || buf.length === 0) return this.#run(undefined);
    if (buf.byteLength < this.#smallBytes) return this.#run((q) => new GatherReduceOp(this.#ctx, q, buf, op));
    return this.#ring(buf, op, blockOffsets(buf.length, this.worldSize), true, true);
  }

  /**
   * Reduce-scatter in place: block r of `buf` (contiguous, for rank r: counts[r] elements, default the
   * near-equal split of blocks.ts) ends on rank r reduced in rank order r+1, r+2, …, r (mod n) — with
   * the default split the same bits as allReduce; the rest of `buf` is left unspecified. Each rank
   * sends every block but its own once: straight to its owner below the small size, else in the ring.
   */
  async reduceScatter(buf: FloatArray, op: ReduceOp, counts?: readonly number[]): Promise<Block> {
    const n = this.worldSize;
    const offsets = counts
      ? offsetsFromCounts(counts, n, buf.length, 'reduceScatter')
      : blockOffsets(buf.length, n);
    if (n > 1 && buf.byteLength < this.#smallBytes)
      await this.#run((q) => new DirectScatterOp(this.#ctx, q, buf, op, offsets));
    else if (n > 1) await this.#ring(buf, op, offsets, true, false);
    return { offset: offsets[this.rank]!, length: offsets[this.rank + 1]! - offsets[this.rank]! };
  }

  /** Each rank contributes its block of `buf` (counts[r] elements, default the near-equal split); all get all. */
  allGather(buf: FloatArray, counts?: readonly number[]): Promise<void> {
    const n = this.worldSize;
    const offsets = counts ? offsetsFromCounts(counts, n, buf.length) : blockOffsets(buf.length, n);
    if (n === 1) return this.#run(undefined);
    return this.#ring(buf, 'sum', offsets, false, true);
  }

  /** Copies `buf` of rank `root` into `buf` on every rank (raw bytes, any view type). */
  broadcast(buf: ArrayBufferView, root: number): Promise<void> {
    this.#checkRank(root, true);
    if (this.worldSize === 1 || buf.byteLength === 0) return this.#run(undefined);
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    return this.#run((q) => new BroadcastOp(this.#ctx, q, bytes, root, this.#segmentBytes, this.#smallBytes));
  }

  /** Payload bytes this rank has handed to its connections so far (collectives and sendTo; no headers). */
  get bytesSent(): number {
    return this.#bytesSent;
  }

  /** Resolves once every rank has entered the barrier. */
  barrier(): Promise<void> {
    return this.allReduce(this.#barrierBuf, 'sum');
  }

  /**
   * Raw-throughput probe for measure.ts: sends `count` frames of `payload` to rank `to` while receiving
   * `count` frames of the same size from rank `from` (-1: none) into scratch, contents discarded.
   */
  stream(to: number, from: number, payload: Uint8Array, count: number): Promise<void> {
    return this.#run((q) => new StreamOp(this.#ctx, q, to, from, payload, count));
  }

  /** Point-to-point: sends one frame to `rank`. Types starting with 'dc' are reserved. */
  sendTo(rank: number, header: FrameHeader, payload?: ArrayBufferView): Promise<void> {
    this.#checkRank(rank, false);
    if (header.t.startsWith('dc'))
      return Promise.reject(new RangeError(`message type ${header.t} is reserved`));
    if (this.#failure) return Promise.reject(this.#failure);
    return this.#send(rank, header, payload);
  }

  /** Point-to-point: the next frame of type `t` from `rank` (frames of other types wait their turn). */
  recvFrom(rank: number, t: string): Promise<Frame> {
    this.#checkRank(rank, false);
    if (this.#failure) return Promise.reject(this.#failure);
    return this.#mail.take(
      rank,
      t,
      this.#departed.has(rank) ? peerLost(rank, 'it closed its communicator') : undefined,
    );
  }

  /** Says goodbye to every peer and closes the connections; collectives in flight elsewhere still finish. */
  async close(): Promise<void> {
    if (this.#closeCalled) return;
    this.#closeCalled = true;
    await this.#tail;
    this.#closing = true;
    const closed = this.#conns.map((c, j) =>
      c && !this.#closedConns.has(j)
        ? new Promise<void>((resolve) => {
            c.once('close', () => resolve());
            c.send({ t: BYE }).catch(() => {});
            c.close();
          })
        : undefined,
    );
    await Promise.race([Promise.all(closed), new Promise((r) => setTimeout(r, 2000).unref())]);
  }

  /** Drops every connection at once, without goodbye: peers see this rank as lost (tests, emergencies). */
  abort(): void {
    this.#closeCalled = true;
    this.#closing = true;
    for (const c of this.#conns) c?.destroy();
  }

  #checkRank(rank: number, selfOk: boolean): void {
    if (!Number.isInteger(rank) || rank < 0 || rank >= this.worldSize || (!selfOk && rank === this.rank)) {
      throw new RangeError(`rank ${rank} is not a peer of rank ${this.rank} (world size ${this.worldSize})`);
    }
  }

  #ring(buf: FloatArray, op: ReduceOp, offsets: number[], rs: boolean, ag: boolean): Promise<void> {
    const segElems = Math.max(1, Math.floor(this.#segmentBytes / buf.BYTES_PER_ELEMENT));
    const plan = { buf, op, offsets, segElems, reduceScatter: rs, allGather: ag };
    return this.#run((q) => new RingOp(this.#ctx, q, plan));
  }

  /** Runs collectives one at a time, in call order. `make` undefined: a local no-op that still checks health. */
  #run(make: ((q: number) => Op) | undefined): Promise<void> {
    const result = this.#tail.then(async () => {
      if (this.#failure) throw this.#failure;
      if (this.#closing)
        throw new DtrainError('E_INTERNAL', 'the communicator is closed', { category: 'internal' });
      const gone = this.#departed.values().next();
      if (!gone.done) throw peerLost(gone.value, 'it closed its communicator');
      if (!make) return;
      const op = make(this.#q++);
      this.#active = op;
      try {
        op.start();
        const early = this.#stash.get(op.q);
        this.#stash.delete(op.q);
        for (const { from, frame } of early ?? []) this.#deliver(op, from, frame);
        await op.done;
      } finally {
        this.#active = undefined;
      }
    });
    this.#tail = result.catch(() => {});
    return result;
  }

  #deliver(op: Op, from: number, frame: Frame): void {
    try {
      op.onData(from, frame.header as unknown as DataHeader, frame.payload);
    } catch (e) {
      this.#fail(e as DtrainError);
    }
  }

  #target(h: FrameHeader, length: number, from: number): Uint8Array | undefined {
    const op = this.#active;
    return h.t === 'dc' && op !== undefined && h.q === op.q
      ? op.target(from, h as unknown as DataHeader, length)
      : undefined;
  }

  #onFrame(from: number, frame: Frame): void {
    const h = frame.header;
    if (h.t === BYE) this.#departed.add(from);
    else if (h.t !== 'dc') this.#mail.put(from, frame);
    else if (this.#failure)
      return; // fail-stop: nothing more is delivered
    else if (this.#active !== undefined && h.q === this.#active.q) this.#deliver(this.#active, from, frame);
    else if (typeof h.q === 'number' && h.q >= this.#q) {
      const list = this.#stash.get(h.q) ?? [];
      list.push({ from, frame });
      this.#stash.set(h.q, list);
    } else
      this.#fail(
        new DtrainError('E_PROTOCOL', `peer rank ${from} sent a stale collective frame`, {
          category: 'infra',
        }),
      );
  }

  #onClose(from: number, err: Error | undefined): void {
    this.#closedConns.add(from);
    if (this.#closing) return;
    if (this.#departed.has(from)) {
      this.#mail.fail(from, peerLost(from, 'it closed its communicator'));
      return;
    }
    this.#fail(peerLost(from, err ? err.message : 'the connection closed', err));
  }

  #fail(error: DtrainError): void {
    this.#failure ??= error;
    this.#active?.fail(this.#failure);
    this.#mail.failAll(this.#failure);
  }

  #send(to: number, header: FrameHeader, view?: ArrayBufferView): Promise<void> {
    const c = this.#conns[to];
    if (!c || c.closed) return Promise.reject(this.#failure ?? peerLost(to, 'the connection is closed'));
    this.#bytesSent += view?.byteLength ?? 0;
    return c.send(header, view).catch((e: unknown) => {
      this.#fail(peerLost(to, (e as Error).message, e));
      throw this.#failure;
    });
  }

  #scratchFor(from: number, bytes: number): Uint8Array {
    let buf = this.#scratch[from];
    if (buf === undefined || buf.byteLength < bytes) {
      buf = new ArrayBuffer(Math.max(bytes, this.#segmentBytes));
      this.#scratch[from] = buf;
    }
    return new Uint8Array(buf, 0, bytes);
  }
}
