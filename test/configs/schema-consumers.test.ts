/**
 * No key the job schema accepts is ignored. Every key of configs/job.schema.json (itself checked to
 * be the generated schema by examples.test.ts) must have a consumer below: a file outside configs/
 * and the text by which it reads the JobSpec field. A new schema key without an entry fails here,
 * and so does an entry whose consumer stopped reading its field. `tune:` (search is not implemented)
 * is not in the schema; a file with it is refused (parse-job.test.ts), never trained as one model.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseJob } from '../../configs/parse-job.js';
import { repoRoot } from '../helpers/paths.js';

/** Schema key path (`[]` for list items) → [consumer file, text that reads the field there]. */
const CONSUMERS: Record<string, readonly [string, string]> = {
  name: ['launcher/run-job.ts', 'spec.name'],
  framework: ['launcher/plan/plan-job.ts', 'spec.framework'],
  parallelism: ['launcher/plan/plan-job.ts', 'spec.parallelism'],
  'hosts.[].address': ['launcher/plan/plan-job.ts', 'host.address'],
  'hosts.[].user': ['launcher/plan/plan-job.ts', 'user: host.user'],
  'hosts.[].port': ['launcher/plan/plan-job.ts', 'host.port'],
  'hosts.[].gpus': ['launcher/plan/plan-job.ts', 'host.gpus'],
  'hosts.[].slots': ['launcher/plan/plan-job.ts', 'host.slots'],
  'ssh.identity': ['launcher/transports/ssh/target.ts', '.identity'],
  'ssh.host_keys': ['launcher/transports/ssh/transport.ts', 'host_keys'],
  'ssh.jump': ['launcher/transports/ssh/target.ts', '.jump'],
  'ssh.connect_timeout': ['launcher/transports/ssh/target.ts', 'connect_timeout'],
  'remote.workdir': ['launcher/plan/plan-job.ts', '.workdir'],
  'remote.setup': ['launcher/plan/plan-job.ts', '.setup'],
  'remote.env': ['launcher/plan/plan-job.ts', '.env'],
  'remote.secrets': ['launcher/run-job.ts', '.secrets'],
  'data.train': ['launcher/plan/plan-job.ts', '.train'],
  'data.valid': ['launcher/plan/plan-job.ts', '.valid'],
  'data.test': ['launcher/plan/plan-job.ts', 'data.test'],
  'data.label': ['runtimes/tensorflow/workload.ts', 'data?.label'],
  'data.format': ['runtimes/gbdt/lightgbm/read-all-rows.ts', 'data.format'],
  'data.input': ['launcher/plan/plan-job.ts', 'data.input'],
  params: ['runtimes/gbdt/xgboost/workload.ts', 'spec.params'],
  'model.layers': ['runtimes/tensorflow/model-spec.ts', 'layers'],
  'model.module': ['runtimes/tensorflow/model-spec.ts', 'module'],
  'model.script': ['runtimes/tensorflow/workload.ts', 'script'],
  'pipeline.stages': ['runtimes/tensorflow/workload.ts', '.stages'],
  'pipeline.micro_batches': ['runtimes/tensorflow/workload.ts', 'micro_batches'],
  'checkpoint.every': ['runtimes/gbdt/xgboost/workload.ts', 'spec.checkpoint?.every'],
  'checkpoint.keep': ['runtimes/gbdt/lightgbm/workload.ts', 'spec.checkpoint?.keep'],
  restarts: ['launcher/run-job.ts', 'spec.restarts'],
  output: ['launcher/run-job.ts', 'spec.output'],
  'network.port': ['launcher/plan/plan-job.ts', 'spec.network.port'],
  'network.heartbeat_interval': ['launcher/plan/plan-job.ts', 'heartbeat_interval'],
  'network.heartbeat_timeout': ['launcher/plan/plan-job.ts', 'heartbeat_timeout'],
};

type JsonNode = { [k: string]: unknown };

/** Every key path in the JSON schema whose value is not itself a mapping of named keys. */
function leafKeys(schema: JsonNode): string[] {
  const defs = (schema['$defs'] ?? {}) as Record<string, JsonNode>;
  const out: string[] = [];
  const walk = (node: unknown, prefix: string): void => {
    if (node === null || typeof node !== 'object') return;
    const n = node as JsonNode;
    if (typeof n['$ref'] === 'string') {
      walk(defs[n['$ref'].replace('#/$defs/', '')], prefix);
      return;
    }
    for (const [key, value] of Object.entries((n['properties'] ?? {}) as Record<string, JsonNode>)) {
      const before = out.length;
      walk(value, `${prefix}${key}.`);
      if (out.length === before) out.push(`${prefix}${key}`);
    }
    if (n['items'] !== undefined) walk(n['items'], `${prefix}[].`);
    for (const k of ['anyOf', 'oneOf', 'allOf']) for (const c of (n[k] ?? []) as unknown[]) walk(c, prefix);
  };
  walk(schema, '');
  return [...new Set(out)].sort();
}

test('every key the schema accepts has a consumer outside configs/, and no entry is stale', () => {
  const schema = JSON.parse(readFileSync(join(repoRoot, 'configs/job.schema.json'), 'utf8')) as JsonNode;
  const keys = leafKeys(schema);
  assert.ok(keys.length > 30, keys.join(' '));
  assert.deepEqual(keys, Object.keys(CONSUMERS).sort());
});

test('each consumer reads its field', () => {
  const missing = Object.entries(CONSUMERS).filter(([, [file, text]]) => {
    assert.doesNotMatch(file, /^configs\//);
    return !readFileSync(join(repoRoot, file), 'utf8').includes(text);
  });
  assert.deepEqual(missing, []);
});

test('a key outside the schema is refused, not ignored', () => {
  const { spec, problems } = parseJob('framework: doctor\ntune: {}\nsearch: 1\n', 'job.yaml');
  assert.equal(spec, undefined);
  assert.deepEqual(
    problems.map((p) => p.path),
    ['tune', 'search'],
  );
});
