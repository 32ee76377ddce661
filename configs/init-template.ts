/**
 * The commented starter job that `dtrain init` writes. It runs on this machine as written (two local
 * worker processes) and shows, in comments, how to grow it into a cluster job.
 */
import type { Framework } from './job-spec.js';

const HOSTS = `# Where the workers run. As written: two worker processes on this machine.
hosts:
  - address: localhost
    slots: 2
# To train across machines, list SSH hosts instead (name, IP or ~/.ssh/config alias):
#   - address: gpu-a
#     user: ml
#     gpus: 2              # a count or a list of device ids; slots default to the GPU count
#   - ml@gpu-b:2222        # or the short form [user@]address[:port]
# ssh:
#   host_keys: strict      # strict | accept-new | off
`;

const DATA = `data:
  train: data/train.csv    # csv or libsvm (by extension, or set format:)
  valid: data/valid.csv
  label: 0                 # label column: a name or a 0-based index
  input: ship              # ship: dtrain sends each worker its shard; host: workers read the path themselves
`;

const PARALLELISM: Record<Framework, string> = {
  xgboost: 'parallelism: data        # the one mode of xgboost',
  lightgbm: 'parallelism: data        # data | feature | voting',
  tensorflow: 'parallelism: data        # data | async | model (model also needs pipeline:)',
  doctor: 'parallelism: data',
};

const BODY: Record<Framework, string> = {
  xgboost: `${DATA}
# XGBoost's own parameter names.
params:
  objective: binary:logistic
  eta: 0.1
  max_depth: 6
  num_boost_round: 100
  eval_metric: [auc, logloss]
`,
  lightgbm: `${DATA}
# LightGBM's own parameter names (aliases work too).
params:
  objective: binary
  learning_rate: 0.1
  num_leaves: 31
  num_iterations: 100
  metric: [auc, binary_logloss]
`,
  tensorflow: `${DATA}
# The model: layers here, or module: ./model.js, or script: ./train.js.
model:
  layers:
    - dense: {units: 64, activation: relu}
    - dense: {units: 1, activation: sigmoid}
params:
  optimizer: adam
  learning_rate: 0.001
  loss: binaryCrossentropy
  metrics: [accuracy]
  epochs: 10
  batch_size: 256
`,
  doctor: `# A doctor job trains nothing: it measures all-reduce and broadcast between the workers.
params:
  sizes: [1024, 1048576, 16777216]   # bytes per collective
  iterations: 20
`,
};

/** The starter job file text for `framework`; it validates as written. */
export function starterJob(framework: Framework): string {
  return `# dtrain job file. Check it with: dtrain validate job.yaml
# Every field: configs/job.schema.json (editors with yaml-language-server complete from it).
name: my-${framework}-job
framework: ${framework}
${PARALLELISM[framework]}

${HOSTS}
${BODY[framework]}
# Models, metrics and logs come back here.
output: runs/
`;
}
