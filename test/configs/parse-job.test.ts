import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatProblem, type JobSpec } from '../../configs/job-spec.js';
import { parseJob } from '../../configs/parse-job.js';

function ok(text: string, file = 'job.yaml', dir?: string): JobSpec {
  const { spec, problems } = parseJob(text, file, dir === undefined ? {} : { dir });
  assert.deepEqual(problems.map(formatProblem), []);
  assert.ok(spec);
  return spec;
}

function lines(text: string, file = 'job.yaml'): string[] {
  const { spec, problems } = parseJob(text, file);
  assert.equal(spec, undefined);
  return problems.map(formatProblem);
}

test('a minimal file gets every default', () => {
  const spec = ok('framework: doctor\n', 'jobs/My Job!.yaml', '/home/me');
  assert.deepEqual(spec, {
    name: 'My-Job-',
    framework: 'doctor',
    parallelism: 'data',
    hosts: [{ address: 'localhost', port: undefined, user: undefined, gpus: [], slots: 1, local: true }],
    ssh: { identity: undefined, host_keys: 'strict', jump: undefined, connect_timeout: 15 },
    remote: { workdir: '~/.cache/dtrain', setup: [], env: {}, secrets: [] },
    data: undefined,
    params: {},
    model: undefined,
    pipeline: undefined,
    checkpoint: undefined,
    restarts: 0,
    output: 'runs/',
    network: { port: 0, heartbeat_interval: 1, heartbeat_timeout: 10 },
    source: { file: '/home/me/jobs/My Job!.yaml', dir: '/home/me/jobs' },
  });
});

test('source is empty without a folder for a relative name, absolute names are kept', () => {
  assert.deepEqual(ok('framework: doctor\n', 'job.yaml').source, { file: '', dir: '' });
  assert.deepEqual(ok('framework: doctor\n', '/srv/x.yml').source, { file: '/srv/x.yml', dir: '/srv' });
  assert.equal(ok('framework: doctor\n', '/srv/x.yml').name, 'x');
  assert.equal(ok('framework: doctor\n', '...yaml').name, 'job');
});

test('hosts: strings and mappings, GPU counts and lists, slot defaults', () => {
  const spec = ok(`framework: tensorflow
parallelism: async
hosts:
  - ml@gpu-a:2222
  - address: gpu-b
    gpus: 2
  - address: 10.0.0.12
    user: ml
    gpus: [1, 3]
    slots: 1
  - address: gpu-c:2200
model: {module: ./model.js}
`);
  assert.deepEqual(spec.hosts, [
    { user: 'ml', address: 'gpu-a', port: 2222, gpus: [], slots: 1, local: false },
    { address: 'gpu-b', port: undefined, user: undefined, gpus: [0, 1], slots: 2, local: false },
    { address: '10.0.0.12', port: undefined, user: 'ml', gpus: [1, 3], slots: 1, local: false },
    { address: 'gpu-c', port: 2200, user: undefined, gpus: [], slots: 1, local: false },
  ]);
  assert.equal(spec.parallelism, 'async');
});

test('env values become strings; data and pipeline get their defaults', () => {
  const spec = ok(`framework: tensorflow
parallelism: model
hosts: [{address: localhost, slots: 2}]
remote: {env: {OMP_NUM_THREADS: 2, MODE: fast}}
data: {train: t.csv, label: label}
model: {layers: [{dense: {units: 4}}, {dense: {units: 1}}]}
pipeline: {stages: 2}
`);
  assert.deepEqual(spec.remote.env, { OMP_NUM_THREADS: '2', MODE: 'fast' });
  assert.deepEqual(spec.data, {
    train: 't.csv',
    valid: undefined,
    test: undefined,
    label: 'label',
    format: undefined,
    input: 'host', // tensorflow's default: its ranks read whole files
  });
  assert.deepEqual(spec.pipeline, { stages: 2, micro_batches: 4 });
  // Search is not implemented: a tune: block is refused at its key, whatever it holds, never ignored.
  assert.deepEqual(lines('framework: xgboost\ndata: {train: t.csv}\ntune: {space: {eta: [0.1, 0.3]}}\n'), [
    'job.yaml:3:1  tune: hyper-parameter search is not implemented yet; remove the tune: block',
  ]);
  assert.deepEqual(lines('framework: doctor\ntune: 7\n'), [
    'job.yaml:2:1  tune: hyper-parameter search is not implemented yet; remove the tune: block',
  ]);
  assert.deepEqual(ok('framework: doctor\ncheckpoint: {every: 5}\n').checkpoint, { every: 5, keep: 3 });
});

test('params keep what was written, LightGBM aliases included', () => {
  const spec = ok(`framework: lightgbm
data: {train: t.csv}
params: {num_trees: 10, shrinkage_rate: 0.1, max_leaf: 8, n_estimators: 3, metric: [auc]}
`);
  assert.deepEqual(spec.params, {
    num_trees: 10,
    shrinkage_rate: 0.1,
    max_leaf: 8,
    n_estimators: 3,
    metric: ['auc'],
  });
});

test('every problem at once, sorted by position', () => {
  assert.deepEqual(
    lines(`framework: lightgbm
parallelism: async
hosts:
  - address: gpu-a
    gpus: -2
    slots: 0
checkpoint: {every: 0, kep: 2}
network: {heartbeat_interval: 0}
`),
    [
      'job.yaml:1:1  data: is required for lightgbm: at least `train:`',
      'job.yaml:2:14  parallelism: must be one of data, feature, voting for lightgbm (got "async")',
      'job.yaml:5:11  hosts.0.gpus: must be a whole number ≥ 0 (got -2)',
      'job.yaml:6:12  hosts.0.slots: must be a whole number ≥ 1 (got 0)',
      'job.yaml:7:21  checkpoint.every: must be a whole number ≥ 1 (got 0)',
      'job.yaml:7:24  checkpoint.kep: unknown key; did you mean `keep`?',
      'job.yaml:8:31  network.heartbeat_interval: must be a number > 0 (got 0)',
    ],
  );
});

test('a missing key points at its parent mapping; an empty value at its key', () => {
  assert.deepEqual(lines('framework: doctor\nhosts:\n  - user: ml\n    slots: 2\n'), [
    'job.yaml:3:5  hosts.0.address: is required',
  ]);
  assert.deepEqual(lines('framework: doctor\nssh:\n'), ['job.yaml:2:1  ssh: must be a mapping (got null)']);
});

test('long values are shortened in (got …)', () => {
  const [line] = lines(`framework: doctor\nsecrets: 1\nremote: {setup: {a: "${'x'.repeat(60)}"}}\n`).slice(1);
  assert.equal(
    line,
    'job.yaml:3:17  remote.setup: must be a list (got {"a":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…)',
  );
});

test('YAML syntax errors and non-mappings are problems with positions', () => {
  assert.deepEqual(lines('framework: doctor\nframework: xgboost\n'), [
    'job.yaml:2:1  framework: is given twice (first on line 1)',
  ]);
  assert.deepEqual(lines('- a\n- b\n'), ['job.yaml:1:1  must be a mapping (got ["a","b"])']);
  assert.deepEqual(lines(''), ['job.yaml:1:1  the file is empty; a job needs at least `framework:`']);
});

test('tensorflow needs a model, others must not have one; pipeline only with model parallelism', () => {
  assert.deepEqual(lines('framework: tensorflow\n'), [
    'job.yaml:1:1  model: is required for tensorflow: `layers`, `module` or `script`',
  ]);
  assert.deepEqual(lines('framework: doctor\nmodel: {script: x.js}\npipeline: {stages: 2}\n'), [
    'job.yaml:2:1  model: is only for tensorflow jobs',
    'job.yaml:3:1  pipeline: is only for tensorflow with `parallelism: model`',
  ]);
  assert.deepEqual(lines('framework: tensorflow\nparallelism: model\nmodel: {module: m.js}\n'), [
    'job.yaml:1:1  pipeline: is required for model parallelism: `{stages: N, micro_batches: M}`',
  ]);
});

test('doctor params are sizes and iterations', () => {
  assert.deepEqual(lines('framework: doctor\nparams: {sizes: [0, 1024], iteration: 3}\n'), [
    'job.yaml:2:18  params.sizes.0: must be a whole number ≥ 1 (got 0)',
    'job.yaml:2:28  params.iteration: unknown doctor parameter; did you mean `iterations`?',
  ]);
});

test('lightgbm ranking params: the query column and eval_at are checked with their positions', () => {
  const spec = ok(`framework: lightgbm
data: {train: t.csv}
params: {objective: lambdarank, group_column: "name:qid", eval_at: [1, 5], label_gain: [0, 1, 3]}
`);
  assert.equal(spec.params['group_column'], 'name:qid');
  assert.deepEqual(
    lines(`framework: lightgbm
data: {train: t.csv}
params:
  objective: lambdarank
  query: [qid]
  ndcg_eval_at: [0, 5]
  label_gain: "1,x"
  lambdarank_truncation_level: 0
`),
    [
      'job.yaml:5:10  params.query: must be the query column: a header name (name:qid or qid) or a 0-based index not counting the label (got ["qid"])',
      'job.yaml:6:17  params.ndcg_eval_at: must be a list of positions >= 1, e.g. [1, 3, 5] (got [0,5])',
      'job.yaml:7:15  params.label_gain: must be a list of gains >= 0, one per relevance grade (got "1,x")',
      'job.yaml:8:32  params.lambdarank_truncation_level: must be an integer >= 1 (got 0)',
    ],
  );
});
