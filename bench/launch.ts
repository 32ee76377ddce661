/**
 * bench launch: seconds from `dtrain run` to the first training step (the first progress event of
 * rank 0) for a 4-host SSH job on the namespace test bed, cold (nothing on the hosts: bundle upload,
 * setup) and warm (bundle already there), alternating, next to the same job mapped onto local
 * processes (--local) as the baseline measured in the same run. Needs root (namespaces, sshd).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { clusterEnv, clusterJob } from '../test/cluster/cluster-job.js';
import { createTestbed } from '../test/cluster/testbed.js';
import { startDtrain, tempDir } from '../test/helpers/dtrain-process.js';

const reps = Number(process.argv[process.argv.indexOf('--reps') + 1]) || 2;

async function firstStep(
  args: string[],
  home: string,
  env: Record<string, string>,
): Promise<{ first: number; total: number }> {
  const started = performance.now();
  const run = startDtrain(args, { home, env });
  await run.waitFor((e) => e.type === 'progress' && e.rank === 0 && Number(e.step) >= 1, 120_000);
  const first = (performance.now() - started) / 1000;
  const code = await run.exited;
  if (code !== 0) throw new Error(`dtrain exited ${code}: ${run.stderr}${run.stdout.slice(-1500)}`);
  return { first, total: (performance.now() - started) / 1000 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const bed = await createTestbed({ hosts: 4, name: 'bench-launch' });
try {
  const dir = tempDir('dtrain-bench-launch-');
  const job = clusterJob(bed, dir, { name: 'launch', slots: 1, rounds: 3 });
  const env = clusterEnv(bed, bed.knownHostsPath);
  const home = tempDir();
  const rows: Record<'cold' | 'warm' | 'local', number[]> = { cold: [], warm: [], local: [] };
  for (let i = 0; i < reps; i++) {
    // Cold: no bundle and no job folders on any host, and no local bundle cache.
    for (const h of bed.hosts) rmSync(join(h.home, '.cache', 'dtrain'), { recursive: true, force: true });
    rmSync(join(home, 'bundles'), { recursive: true, force: true });
    rows.cold.push((await firstStep(['run', job, '--json'], home, env)).first);
    rows.warm.push((await firstStep(['run', job, '--json'], home, env)).first);
    rows.local.push((await firstStep(['run', job, '--json', '--local'], home, env)).first);
  }
  const base = median(rows.local);
  console.log('time from `dtrain run` to the first training step, 4 hosts × 1 rank (s)');
  console.log(`${'mode'.padEnd(28)}${'median'.padStart(8)}${'runs'.padStart(24)}${'vs local'.padStart(10)}`);
  for (const [mode, label] of [
    ['local', 'local processes (baseline)'],
    ['warm', 'ssh, bundle already there'],
    ['cold', 'ssh, cold (upload + setup)'],
  ] as const) {
    const xs = rows[mode];
    console.log(
      `${label.padEnd(28)}${median(xs).toFixed(2).padStart(8)}${xs
        .map((x) => x.toFixed(2))
        .join(' ')
        .padStart(24)}${(median(xs) / base).toFixed(2).padStart(10)}`,
    );
  }
  console.log(
    `bench launch: hosts=4 local_s=${base.toFixed(2)} warm_s=${median(rows.warm).toFixed(2)} cold_s=${median(rows.cold).toFixed(2)} warm_ratio=${(median(rows.warm) / base).toFixed(2)} cold_ratio=${(median(rows.cold) / base).toFixed(2)}`,
  );
} finally {
  await bed.destroy();
}
