/**
 * `input: ship` for remote hosts: split each data file into one part per rank (data-shards.ts) and
 * copy each remote rank its parts, to the paths the plan gave it (its WorkerSpec's data.train/valid).
 * Local ranks read their byte range of the file itself, which holds the same rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { DtrainError } from '../configs/errors.js';
import { writeShards } from './data-shards.js';
import type { HostPlan, LaunchPlan } from './plan/contract.js';
import type { StepSink, Transport } from './transports/index.js';

export async function shipData(
  plan: LaunchPlan,
  transport: Transport,
  cwd: string,
  onStep: StepSink,
): Promise<void> {
  // Every rank's job part is the same; the data files as written are there.
  const data = plan.ranks[0]?.worker.job.data;
  const remote = plan.hosts.filter((h) => !h.local);
  if (data?.input !== 'ship' || remote.length === 0) return;
  if (plan.framework === 'tensorflow') {
    // Its ranks read whole files and draw their shard per epoch; shipping per-rank parts would be wrong.
    throw new DtrainError(
      'E_DATA_SHIP',
      'tensorflow jobs on remote hosts read the data files there: set data.input: host and put the files on every host',
      { category: 'config' },
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'dtrain-shards-'));
  try {
    const parts = new Map<string, string[]>();
    for (const role of ['train', 'valid'] as const) {
      const file = data[role];
      if (!file) continue;
      const path = resolve(plan.sourceDir || cwd, file);
      const csv = (data.format ?? (extname(file) === '.csv' ? 'csv' : 'libsvm')) === 'csv';
      parts.set(role, writeShards(path, plan.worldSize, dir, role, extname(file), csv));
    }
    await Promise.all(remote.map((host) => shipHost(plan, host, parts, transport, onStep)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function shipHost(
  plan: LaunchPlan,
  host: HostPlan,
  parts: ReadonlyMap<string, string[]>,
  transport: Transport,
  onStep: StepSink,
): Promise<void> {
  onStep(host.name, 'data', 'running');
  let count = 0;
  for (const rank of host.ranks) {
    const places = plan.ranks[rank]!.worker.data;
    for (const [role, files] of parts) {
      const to = role === 'train' ? places.train : places.valid;
      if (to === undefined) continue;
      await transport.put(host, files[rank]!, to);
      count++;
    }
  }
  onStep(host.name, 'data', 'done', `${count} data part${count === 1 ? '' : 's'}`);
}
