/**
 * Asynchronous data parallel training (`parallelism: async`), as TensorFlowOnSpark's async mode: rank
 * 0 holds the authoritative weights and the optimizer (the parameter server) and also trains on its
 * own slice; every other rank computes gradients on the weights it last pulled, pushes them with that
 * weight version and gets the current weights back, without waiting for anyone else. A gradient
 * computed on version v that arrives when the server is at version V is `V − v` steps stale; one
 * staler than `max_staleness` is dropped rather than applied (bounded staleness). At each epoch's end
 * the ranks meet, take the server's weights and evaluate together.
 */
import { type FlatLayout, flatLayout, trainableVariables, unpackGrads } from './flat-weights.js';
import { batchGradients, type TrainRun } from './sync-trainer.js';
import { epochOrder, rankSlice, stepsPerEpoch } from './tf-data.js';
import type { WorkloadContext } from '../workload.js';

export interface AsyncRun extends TrainRun {
  readonly ctx: WorkloadContext;
  readonly maxStaleness: number;
}

interface ServerState {
  version: number;
  applied: number;
  dropped: number;
  stalenessSum: number;
}

export async function trainAsync(run: AsyncRun): Promise<void> {
  const layout = flatLayout(trainableVariables(run.model));
  const state: ServerState = { version: 0, applied: 0, dropped: 0, stalenessSum: 0 };
  const serving = run.rank === 0 ? serveAll(run, layout, state) : Promise.resolve();
  // Rank 0's own loop must not end before the others are done, or nobody would answer them.
  await Promise.all([workLoop(run, layout, state), serving]);
}

/** Rank 0: answers every other rank's pushes until each says it is done. */
async function serveAll(run: AsyncRun, layout: FlatLayout, state: ServerState): Promise<void> {
  const flat = new Float32Array(layout.size + 1);
  const serveOne = async (r: number) => {
    for (;;) {
      const frame = await run.ctx.comm.recvFrom(r, 'ps-push');
      const h = frame.header as { t: string; v: number; n: number; done?: boolean };
      if (h.done) return;
      const p = frame.payload!;
      new Uint8Array(flat.buffer).set(p.subarray(0, flat.byteLength));
      apply(run, layout, state, flat, h.n, h.v);
      await run.ctx.comm.sendTo(r, { t: 'ps-weights', v: state.version }, currentWeights(layout));
    }
  };
  await Promise.all(Array.from({ length: run.world - 1 }, (_, i) => serveOne(i + 1)));
}

/** Applies a pushed gradient sum over `n` samples computed on weight version `v`, unless too stale. */
function apply(
  run: AsyncRun,
  layout: FlatLayout,
  state: ServerState,
  flat: Float32Array,
  n: number,
  v: number,
): void {
  const staleness = state.version - v;
  if (staleness > run.maxStaleness) {
    state.dropped++;
    return;
  }
  const grads = unpackGrads(run.tf, layout, flat, 1 / n);
  run.model.optimizer.applyGradients(grads);
  for (const g of Object.values(grads)) g.dispose();
  state.version++;
  state.applied++;
  state.stalenessSum += staleness;
}

function currentWeights(layout: FlatLayout): Float32Array {
  const out = new Float32Array(layout.size);
  layout.vars.forEach((v, i) => {
    out.set(v.dataSync() as Float32Array, layout.offsets[i]!);
  });
  return out;
}

function setWeights(run: AsyncRun, layout: FlatLayout, flat: Float32Array): void {
  layout.vars.forEach((v, i) => {
    const at = layout.offsets[i]!;
    const t = run.tf.core.tensor(flat.slice(at, at + v.size), v.shape, 'float32');
    v.assign(t);
    t.dispose();
  });
}

/** Every rank: train its slice of each epoch, talking to the server after every step. */
async function workLoop(run: AsyncRun, layout: FlatLayout, state: ServerState): Promise<void> {
  const { rank, world } = run;
  const flat = new Float32Array(layout.size + 1);
  const classify = run.labelMode !== 'value';
  let version = 0;
  for (let epoch = run.startEpoch; epoch < run.epochs; epoch++) {
    const order = epochOrder(run.table.rows, run.seed, epoch, run.shuffle);
    const steps = stepsPerEpoch(run.table.rows, run.batch * world);
    for (let step = 0; step < steps; step++) {
      if (run.signal.aborted) return;
      const idx = rankSlice(order, step, run.batch, rank, world);
      if (idx.length === 0) continue;
      const { loss, correct } = batchGradients(run, layout, idx, flat, idx.length);
      if (rank === 0) {
        apply(run, layout, state, flat, idx.length, state.version);
        // Between own steps the event loop answers the other ranks' pushes.
        await new Promise((r) => setImmediate(r));
      } else {
        const reply = run.ctx.comm.recvFrom(0, 'ps-weights');
        await run.ctx.comm.sendTo(0, { t: 'ps-push', v: version, n: idx.length }, flat);
        const frame = await reply;
        version = (frame.header as unknown as { v: number }).v;
        const w = new Float32Array(layout.size);
        new Uint8Array(w.buffer).set(frame.payload!.subarray(0, w.byteLength));
        setWeights(run, layout, w);
      }
      run.onStep({
        epoch,
        step,
        steps,
        loss,
        accuracy: classify ? correct / idx.length : undefined,
        samples: idx.length,
      });
    }
    // Epoch end: everyone takes the server's weights, then evaluates and checkpoints together.
    await run.comm.allReduce(new Float64Array(1), 'sum');
    const w = rank === 0 ? currentWeights(layout) : new Float32Array(layout.size);
    await run.comm.broadcast(w, 0);
    if (rank !== 0) setWeights(run, layout, w);
    if (rank === 0 && state.applied + state.dropped > 0) {
      const mean = state.applied ? state.stalenessSum / state.applied : 0;
      run.ctx.log(
        'info',
        `epoch ${epoch + 1}: ${state.applied} updates applied, ${state.dropped} dropped as staler than ${run.maxStaleness}, mean staleness ${mean.toFixed(2)}`,
      );
    }
    await run.onEpoch(epoch);
  }
  if (rank !== 0) await run.ctx.comm.sendTo(0, { t: 'ps-push', v: version, n: 0, done: true });
}
