/**
 * bench:liveness — issue 16's acceptance 1: on the synthetic rows × 28 CSV (2 % missing), with the
 * default `network:` settings (1 s heartbeats, 10 s timeout) and the machine loaded by `--busy` spinning
 * processes, a one-rank local `dtrain run` of xgboost (max_depth 8), lightgbm (num_leaves 255) and
 * lightgbm GOSS must each succeed: parsing, binning, training and the checkpoint writes hold the
 * rank's main thread for long stretches, and its heartbeats must keep flowing regardless. It only has
 * to finish; the times are printed for reference, never judged.
 *
 *   npm run bench:liveness -- [--rows 1000000] [--busy 2] [--rounds 20] [--jobs xgboost,lightgbm,goss]
 *                             [--timeout S]   (not the acceptance: heartbeat_timeout S, interval S/4)
 *
 * While each job runs, the rank's state.json is read every 200 ms for the longest `busy` (seconds its
 * main thread had not answered, as its heartbeats report) — the stretch that would have been taken
 * for a dead rank before heartbeats moved to their own thread. Summary:
 * `bench liveness: rows=… busy_loops=… xgboost=ok(12.3s) lightgbm=… goss=… max_busy_s=… pass=N/M loadavg=…`,
 * each job `ok`, `lost` (a rank declared silent: the failure this bench is about) or `fail` (another).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultCacheDir } from './datasets.js';
import { ensureSynthetic, TRAIN_SEED } from './gbdt-data.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    busy: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '20' },
    jobs: { type: 'string', default: 'xgboost,lightgbm,goss' },
    // Not the acceptance: a short timeout (seconds; interval a quarter of it) shows the margin.
    timeout: { type: 'string' },
  },
});
const rows = Number(values.rows);
const busyLoops = Number(values.busy);
const rounds = Number(values.rounds);
const BIN = new URL('../../bin/dtrain.js', import.meta.url).pathname;

const PARAMS: Record<string, { framework: string; params: string }> = {
  xgboost: {
    framework: 'xgboost',
    params: `objective: binary:logistic\n  eta: 0.1\n  max_depth: 8\n  max_bin: 256\n  num_boost_round: ${rounds}`,
  },
  lightgbm: {
    framework: 'lightgbm',
    params: `objective: binary\n  learning_rate: 0.1\n  num_leaves: 255\n  min_data_in_leaf: 20\n  num_iterations: ${rounds}`,
  },
  goss: {
    framework: 'lightgbm',
    params: `objective: binary\n  boosting: goss\n  learning_rate: 0.1\n  num_leaves: 255\n  min_data_in_leaf: 20\n  num_iterations: ${rounds}`,
  },
};

const network =
  values.timeout === undefined
    ? ''
    : `network: {heartbeat_interval: ${Number(values.timeout) / 4}, heartbeat_timeout: ${Number(values.timeout)}}\n`;

function jobYaml(name: string, train: string): string {
  const p = PARAMS[name]!;
  // Without --timeout no `network:` block: the defaults are what the failures ran with.
  return `name: liveness-${name}
framework: ${p.framework}
hosts:
  - address: localhost
    slots: 1
data:
  train: ${train}
  label: label
params:
  ${p.params}
checkpoint: {every: 5, keep: 2}
${network}`;
}

interface Outcome {
  readonly code: number;
  readonly seconds: number;
  readonly maxBusy: number;
  readonly error: string | undefined;
}

function runJob(name: string, train: string): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'dtrain-liveness-'));
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, jobYaml(name, train));
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'run', file, '--json'], {
    cwd: dir,
    env: { ...process.env, DTRAIN_HOME: join(dir, 'home') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let jobId: string | undefined;
  let maxBusy = 0;
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    jobId ??= /"jobId":"([^"]+)"/.exec(out)?.[1];
  });
  child.stderr.on('data', () => {});
  const poll = setInterval(() => {
    if (!jobId) return;
    try {
      const state = readFileSync(join(dir, 'home', 'jobs', jobId, 'state.json'), 'utf8');
      for (const r of (JSON.parse(state) as { ranks: { busy?: number }[] }).ranks)
        maxBusy = Math.max(maxBusy, r.busy ?? 0);
    } catch {
      // not written yet
    }
  }, 200);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearInterval(poll);
      const end = out
        .split('\n')
        .filter((l) => l.includes('"type":"job-end"'))
        .map((l) => JSON.parse(l) as { error?: string })[0];
      resolve({ code: code ?? 1, seconds: (performance.now() - started) / 1000, maxBusy, error: end?.error });
    });
  });
}

function startBusyLoops(n: number): ChildProcess[] {
  return Array.from({ length: n }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}

const train = ensureSynthetic(defaultCacheDir(), 'binary', rows, TRAIN_SEED);
const loops = startBusyLoops(busyLoops);
const results: [string, Outcome][] = [];
try {
  const timing =
    values.timeout === undefined ? 'default network settings' : `heartbeat_timeout ${values.timeout} s`;
  console.log(`synthetic binary ${rows} × 28, ${rounds} rounds, ${timing}, ${busyLoops} busy loops`);
  for (const name of values.jobs.split(',')) {
    const o = await runJob(name, train);
    results.push([name, o]);
    const what = o.code === 0 ? 'ok' : `FAILED (exit ${o.code}): ${o.error ?? '?'}`;
    console.log(
      `${name.padEnd(9)} ${what}  ${o.seconds.toFixed(1)} s  longest busy main thread ${o.maxBusy.toFixed(1)} s  load ${loadavg()[0]!.toFixed(1)}`,
    );
  }
} finally {
  for (const l of loops) l.kill('SIGKILL');
}
const pass = results.filter(([, o]) => o.code === 0).length;
// 'lost' is the failure this bench is about; 'fail' is any other (reported, but another matter).
const verdict = (o: Outcome) =>
  o.code === 0 ? 'ok' : /sent nothing for|heard nothing from/.test(o.error ?? '') ? 'lost' : 'fail';
const fields = results.map(([n, o]) => `${n}=${verdict(o)}(${o.seconds.toFixed(1)}s)`);
const maxBusy = Math.max(0, ...results.map(([, o]) => o.maxBusy));
console.log(
  `bench liveness: rows=${rows} busy_loops=${busyLoops} ${fields.join(' ')} max_busy_s=${maxBusy.toFixed(1)} pass=${pass}/${results.length} loadavg=${loadavg()[0]!.toFixed(1)}`,
);
process.exitCode = pass === results.length ? 0 : 1;
