/**
 * The job file's shape as zod schemas: the single source of the validator (parse-job.ts) and of the
 * JSON Schema editors use (job-schema.ts). It describes the file as written, with its defaults;
 * rules that relate fields to each other (parallelism per framework, params per framework, duplicate
 * hosts) live in check-job.ts, and the file → JobSpec normalisation in build-spec.ts.
 */
import { z } from 'zod';
import { parseHost, USER_MESSAGE, USER_PATTERN } from './host-grammar.js';

export const FRAMEWORKS = ['xgboost', 'lightgbm', 'tensorflow', 'doctor'] as const;
export const PARALLELISMS = ['data', 'async', 'model', 'feature', 'voting'] as const;
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const JOB_NAME = /^[A-Za-z0-9._-]+$/;

/** An integer with bounds, whose every failure reads `must be a whole number ≥ MIN`. */
export function whole(min: number, max?: number) {
  const error =
    max === undefined ? `must be a whole number ≥ ${min}` : `must be a whole number from ${min} to ${max}`;
  const base = z.int({ error }).min(min, { error });
  return max === undefined ? base : base.max(max, { error });
}

/** A number of seconds (or any quantity) that must be above zero. */
function positive() {
  const error = 'must be a number > 0';
  return z.number({ error }).positive({ error });
}

function hostString(form: 'string' | 'address') {
  return z.string().superRefine((text, ctx) => {
    const parsed = parseHost(text, form);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.why, input: text });
  });
}

const envName = z
  .string()
  .regex(ENV_NAME, { error: 'must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)' });

const gpuIds = z
  .array(whole(0))
  .superRefine((ids, ctx) => {
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i)
        ctx.addIssue({ code: 'custom', message: `GPU ${id} is listed twice`, path: [i] });
    });
  })
  .describe('GPU device ids on this host');

export const HostObjectSchema = z
  .strictObject({
    address: hostString('address').describe(
      'Host name, IP address or ~/.ssh/config alias; `host:port` allowed',
    ),
    user: z.string().regex(USER_PATTERN, { error: USER_MESSAGE }).optional().describe('SSH login user'),
    port: whole(1, 65535).optional().describe('SSH port (default: ~/.ssh/config, then 22)'),
    gpus: z
      .union([whole(0), gpuIds], { error: 'must be a GPU count or a list of GPU ids' })
      .optional()
      .describe('A count N (GPUs 0..N-1) or a list of device ids'),
    slots: whole(1).optional().describe('Worker processes on this host (default: number of GPUs, or 1)'),
  })
  .describe('A host with its settings');

export const HostSchema = z.union(
  [
    hostString('string').describe('`[user@]address[:port]`; IPv6 in brackets, e.g. `[fe80::1]:22`'),
    HostObjectSchema,
  ],
  { error: 'must be `[user@]address[:port]` or a mapping with `address:`' },
);

const SshSchema = z
  .strictObject({
    identity: z
      .string()
      .min(1, { error: 'must not be empty' })
      .optional()
      .describe('Private key file (default: ssh-agent, then ~/.ssh/id_*)'),
    host_keys: z
      .enum(['strict', 'accept-new', 'off'])
      .default('strict')
      .describe('Host key checking: strict (known_hosts), accept-new, or off'),
    jump: hostString('string').optional().describe('ProxyJump host, `[user@]address[:port]`'),
    connect_timeout: positive().default(15).describe('Seconds to wait for an SSH connection'),
  })
  .describe('How to reach the hosts');

const RemoteSchema = z
  .strictObject({
    workdir: z
      .string()
      .min(1, { error: 'must not be empty' })
      .default('~/.cache/dtrain')
      .describe('Runtime cache and job folders on each host'),
    setup: z.array(z.string()).default([]).describe('Shell commands run once per host before workers start'),
    env: z
      .record(envName, z.union([z.string(), z.number()], { error: 'must be a string or a number' }))
      .default({})
      .describe('Environment variables for the workers'),
    secrets: z
      .array(envName)
      .default([])
      .describe('Names of local environment variables passed to workers on stdin, never logged'),
  })
  .describe('What to prepare on each host');

const DataSchema = z
  .strictObject({
    train: z
      .string()
      .min(1, { error: 'must not be empty' })
      .describe('Training data file (csv, libsvm or idx)'),
    valid: z.string().min(1, { error: 'must not be empty' }).optional().describe('Validation data file'),
    test: z.string().min(1, { error: 'must not be empty' }).optional().describe('Test data file'),
    label: z
      .union([z.string().min(1), whole(0)], { error: 'must be a column name or a 0-based column index' })
      .optional()
      .describe('Label column: a name or a 0-based index'),
    format: z.enum(['csv', 'libsvm', 'idx']).optional().describe('File format (default: by extension)'),
    input: z
      .enum(['ship', 'host'])
      .optional()
      .describe(
        'ship (default; tensorflow: host): dtrain shards the file and sends each worker its part; host: workers read the path on their host',
      ),
  })
  .describe('Training data');

const LayerSchema = z
  .record(
    z.string(),
    z.union([z.record(z.string(), z.unknown()), z.null()], { error: 'must be a mapping of layer settings' }),
  )
  .describe('One layer: `- dense: {units: 128, activation: relu}`');

const ModelSchema = z
  .strictObject({
    layers: z
      .array(LayerSchema)
      .min(1, { error: 'must have at least one layer' })
      .optional()
      .describe('Layers in order'),
    module: z.string().min(1).optional().describe('A module whose default export builds the model'),
    script: z.string().min(1).optional().describe('A training script that receives the dtrain context'),
  })
  .describe('tensorflow only: exactly one of layers, module or script');

const PipelineSchema = z
  .strictObject({
    stages: whole(2).describe('Pipeline stages (the model is split into this many parts)'),
    micro_batches: whole(1).default(4).describe('Micro-batches per batch'),
  })
  .describe('Model (pipeline) parallelism, for tensorflow with `parallelism: model`');

const CheckpointSchema = z
  .strictObject({
    every: whole(1).describe('Save a checkpoint every N rounds (epochs for tensorflow)'),
    keep: whole(1).default(3).describe('Checkpoints to keep'),
  })
  .describe('Periodic checkpoints, used by restarts');

const NetworkSchema = z
  .strictObject({
    port: whole(0, 65535).default(0).describe('Coordinator port; 0 = pick free ports at run time'),
    heartbeat_interval: positive().default(1).describe('Seconds between worker heartbeats'),
    heartbeat_timeout: positive().default(10).describe('Seconds of silence before a rank counts as lost'),
  })
  .describe('Ports and liveness');

/** The whole job file. */
export const JobFileSchema = z
  .strictObject({
    name: z
      .string()
      .regex(JOB_NAME, { error: 'must use only letters, digits, `.`, `_` and `-`' })
      .max(64, { error: 'must be at most 64 characters' })
      .optional()
      .describe('Job name (default: the file name without extension)'),
    framework: z
      .enum(FRAMEWORKS)
      .describe('xgboost | lightgbm | tensorflow | doctor (measures the network, trains nothing)'),
    parallelism: z
      .enum(PARALLELISMS)
      .optional()
      .describe(
        'tensorflow: data | async | model; xgboost: data; lightgbm: data | feature | voting (default: data)',
      ),
    hosts: z
      .array(HostSchema)
      .min(1, { error: 'must list at least one host' })
      .optional()
      .describe('Omitted: one local host'),
    ssh: SshSchema.prefault({}),
    remote: RemoteSchema.prefault({}),
    data: DataSchema.optional(),
    params: z.record(z.string(), z.unknown()).default({}).describe("The framework's own parameter names"),
    model: ModelSchema.optional(),
    pipeline: PipelineSchema.optional(),
    checkpoint: CheckpointSchema.optional(),
    restarts: whole(0).default(0).describe('Whole-job restarts from the last checkpoint'),
    output: z
      .string()
      .min(1, { error: 'must not be empty' })
      .default('runs/')
      .describe('Where models, metrics and logs come back to'),
    network: NetworkSchema.prefault({}),
  })
  .meta({ title: 'dtrain job file', description: 'One YAML file describing a distributed training job' });

/** The job file after zod: shapes checked, defaults filled, not yet normalised. */
export type JobFile = z.output<typeof JobFileSchema>;
