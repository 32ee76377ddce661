/**
 * Model (pipeline) parallelism, `parallelism: model` with `pipeline: {stages, micro_batches}`: the
 * layers of a sequential model are cut into one contiguous stage per rank; each step's batch is
 * split into micro-batches that flow forward stage to stage (activations sent to the next rank),
 * then backward (gradients of the activations sent to the previous rank), GPipe's synchronous
 * fill-and-drain schedule. tfjs keeps no tape between calls, so a stage keeps only its input of
 * each micro-batch in flight and recomputes its forward inside the backward call (GPipe's
 * re-materialisation). After the last micro-batch every stage applies the mean of its gradients
 * with its own optimizer, so a step equals one full-batch step of the whole model.
 */
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { DtrainError } from '../../configs/errors.js';
import type { Frame } from '../protocol/index.js';
import type { WorkloadContext } from '../workload.js';
import { type TrainRun, batchTensors, correctCount } from './sync-trainer.js';
import { epochOrder, stepsPerEpoch } from './tf-data.js';

export interface PipelineRun extends TrainRun {
  readonly ctx: WorkloadContext;
  readonly stages: number;
  readonly microBatches: number;
}

/** Which layers stage `s` of `stages` owns: contiguous, balanced by parameter count. */
export function stageBounds(paramCounts: readonly number[], stages: number): number[] {
  const total = paramCounts.reduce((a, b) => a + Math.max(1, b), 0);
  const bounds = [0];
  let acc = 0;
  for (let i = 0; i < paramCounts.length && bounds.length < stages; i++) {
    acc += Math.max(1, paramCounts[i]!);
    const left = paramCounts.length - (i + 1);
    const need = stages - bounds.length;
    if (acc >= (total * bounds.length) / stages || left === need) bounds.push(i + 1);
  }
  bounds.push(paramCounts.length);
  return bounds;
}

export async function trainPipeline(run: PipelineRun): Promise<void> {
  const { tf, model, rank, world } = run;
  if (run.stages !== world)
    throw new DtrainError(
      'E_PIPELINE',
      `pipeline.stages is ${run.stages} but the job has ${world} ranks: one stage per rank`,
      {
        category: 'config',
      },
    );
  const layers = model.layers as Layer[];
  const bounds = stageBounds(
    layers.map((l) => l.countParams()),
    world,
  );
  if (bounds.length !== world + 1 || bounds.some((b, i) => i > 0 && b <= bounds[i - 1]!))
    throw new DtrainError('E_PIPELINE', `cannot cut ${layers.length} layers into ${world} stages`, {
      category: 'config',
    });
  const mine = layers.slice(bounds[rank]!, bounds[rank + 1]!);
  const vars = mine.flatMap((l) => l.trainableWeights.map((w) => (w as unknown as { val: Variable }).val));
  const first = rank === 0;
  const last = rank === world - 1;
  const forward = (h: Tensor, training: boolean) =>
    mine.reduce((x, l) => l.apply(x, { training }) as Tensor, h);
  const classify = run.labelMode !== 'value';
  const stats = new Float64Array(3);
  run.ctx.log(
    'info',
    `stage ${rank + 1}/${world}: layers ${bounds[rank]! + 1}–${bounds[rank + 1]!} (${mine.map((l) => l.name).join(', ')})`,
  );

  for (let epoch = run.startEpoch; epoch < run.epochs; epoch++) {
    const order = epochOrder(run.table.rows, run.seed, epoch, run.shuffle);
    // Every stage sees the whole batch (in pieces): the global batch is batch_size.
    const steps = stepsPerEpoch(run.table.rows, run.batch);
    for (let step = 0; step < steps; step++) {
      if (run.signal.aborted) return;
      const idx = order.subarray(step * run.batch, Math.min(order.length, (step + 1) * run.batch));
      const m = Math.min(run.microBatches, idx.length);
      const pieces = Array.from({ length: m }, (_, k) =>
        idx.subarray(Math.floor((idx.length * k) / m), Math.floor((idx.length * (k + 1)) / m)),
      );
      const inputs: Tensor[] = [];
      const acc = new Map<string, Tensor>();
      stats.fill(0);
      // Fill: every micro-batch forward through this stage.
      for (let k = 0; k < m; k++) {
        const h = first
          ? tf.core.keep(batchTensors(run, pieces[k]!).xs)
          : await recvTensor(run, rank - 1, 'pp-act', tf);
        inputs.push(h);
        if (!last) {
          const out = tf.core.tidy(() => forward(h, true));
          await sendTensor(run, rank + 1, 'pp-act', out);
          out.dispose();
        }
      }
      // Drain: backward in reverse, recomputing each micro-batch's forward. The last stage starts;
      // every other stage gets the gradient of its output from the next one, in the same order.
      for (let k = m - 1; k >= 0; k--) {
        const h = inputs[k]!;
        const dy = last ? undefined : await recvTensor(run, rank + 1, 'pp-grad', tf);
        const dh = tf.core.tidy(() => {
          const wrt = [...(first ? [] : [h]), ...vars];
          const f = last
            ? () => {
                const { ys } = batchTensors(run, pieces[k]!);
                const pred = forward(h, true);
                if (classify) stats[1]! += correctCount(tf, run.labelMode, ys, pred).dataSync()[0] ?? 0;
                const loss = tf.core.sum(run.loss(ys, pred)) as Scalar;
                stats[0]! += loss.dataSync()[0] ?? 0;
                return loss as Tensor;
              }
            : () => forward(h, true);
          const { grads } = tf.core.engine().gradients(f, wrt, dy);
          const vg = first ? grads : grads.slice(1);
          vars.forEach((v, i) => {
            const prev = acc.get(v.name);
            acc.set(v.name, tf.core.keep(prev ? tf.core.add(prev, vg[i]!) : tf.core.clone(vg[i]!)));
            prev?.dispose();
          });
          return first ? undefined : grads[0]!;
        });
        dy?.dispose();
        h.dispose();
        if (dh) {
          await sendTensor(run, rank - 1, 'pp-grad', dh);
          dh.dispose();
        }
      }
      // The summed per-sample gradients over the whole batch, as its mean.
      const total = idx.length;
      const mean: Record<string, Tensor> = {};
      for (const [name, g] of acc) {
        mean[name] = tf.core.div(g, total);
        g.dispose();
      }
      run.model.optimizer.applyGradients(mean);
      for (const t of Object.values(mean)) t.dispose();
      await run.comm.broadcast(stats, world - 1);
      run.onStep({
        epoch,
        step,
        steps,
        loss: stats[0]! / total,
        accuracy: classify ? stats[1]! / total : undefined,
        samples: total,
      });
    }
    await shareStages(run, layers, bounds);
    await run.onEpoch(epoch);
  }
}

/**
 * Every stage's weights to every rank, so each holds the whole trained model: evaluation is then
 * split over the ranks as in data parallelism, and rank 0 writes the model.
 */
async function shareStages(
  run: PipelineRun,
  layers: readonly Layer[],
  bounds: readonly number[],
): Promise<void> {
  const { tf } = run;
  for (let s = 0; s + 1 < bounds.length; s++) {
    const owned = layers.slice(bounds[s]!, bounds[s + 1]!);
    const ws = owned.flatMap((l) => l.getWeights());
    const flat = new Float32Array(ws.reduce((n, w) => n + w.size, 0));
    if (run.rank === s) {
      let at = 0;
      for (const w of ws) {
        flat.set(w.dataSync() as Float32Array, at);
        at += w.size;
      }
    }
    await run.comm.broadcast(flat, s);
    if (run.rank === s) continue;
    let at = 0;
    for (const l of owned) {
      const next = l.getWeights().map((w) => {
        const t = tf.core.tensor(flat.slice(at, at + w.size), w.shape, 'float32');
        at += w.size;
        return t;
      });
      l.setWeights(next);
      for (const t of next) t.dispose();
    }
  }
}

async function sendTensor(run: PipelineRun, to: number, t: string, x: Tensor): Promise<void> {
  const data = x.dataSync() as Float32Array;
  await run.ctx.comm.sendTo(to, { t, shape: x.shape }, data);
}

async function recvTensor(run: PipelineRun, from: number, t: string, tf: PipelineRun['tf']): Promise<Tensor> {
  const frame: Frame = await run.ctx.comm.recvFrom(from, t);
  const shape = (frame.header as unknown as { shape: number[] }).shape;
  const p = frame.payload!;
  const values = new Float32Array(p.byteLength / 4);
  new Uint8Array(values.buffer).set(p);
  return tf.core.keep(tf.core.tensor(values, shape, 'float32'));
}
