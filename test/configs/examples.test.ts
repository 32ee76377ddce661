import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { starterJob } from '../../configs/init-template.js';
import { jobJsonSchemaText } from '../../configs/job-schema.js';
import { type Framework, formatProblem } from '../../configs/job-spec.js';
import { parseJob } from '../../configs/parse-job.js';
import { FRAMEWORKS } from '../../configs/schema.js';
import { repoRoot } from '../helpers/paths.js';

const examples = join(repoRoot, 'configs/examples');
const files = readdirSync(examples)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

test('the examples are all there', () => {
  for (const name of [
    'quickstart',
    'xgboost-local',
    'xgboost-data',
    'lightgbm-data',
    'lightgbm-feature',
    'lightgbm-voting',
    'tensorflow-data',
    'tensorflow-async',
    'tensorflow-model',
    'tensorflow-script',
    'doctor-cluster',
  ]) {
    assert.ok(files.includes(`${name}.yaml`), `configs/examples/${name}.yaml is missing`);
  }
});

for (const file of files) {
  test(`example ${file} validates`, () => {
    const { spec, problems } = parseJob(readFileSync(join(examples, file), 'utf8'), file);
    assert.deepEqual(problems.map(formatProblem), []);
    assert.ok(spec);
    const [, framework, mode] = /^(\w+)-(\w+)/.exec(file) ?? [];
    if (framework !== undefined && framework !== 'quickstart') assert.equal(spec.framework, framework);
    if (mode === 'data' || mode === 'async' || mode === 'model' || mode === 'feature' || mode === 'voting') {
      assert.equal(spec.parallelism, mode);
    }
  });
}

test('quickstart is an xgboost job on four local slots with its data shipped beside it', () => {
  const { spec } = parseJob(readFileSync(join(examples, 'quickstart.yaml'), 'utf8'), 'quickstart.yaml');
  assert.equal(spec?.framework, 'xgboost');
  for (const file of [spec?.data?.train, spec?.data?.valid])
    assert.ok(existsSync(join(examples, file!)), file);
  assert.deepEqual(spec?.hosts, [
    { address: 'localhost', port: undefined, user: undefined, gpus: [], slots: 4, local: true },
  ]);
});

for (const framework of FRAMEWORKS) {
  test(`the ${framework} starter job validates and runs locally`, () => {
    const { spec, problems } = parseJob(starterJob(framework as Framework), 'job.yaml');
    assert.deepEqual(problems.map(formatProblem), []);
    assert.equal(spec?.framework, framework);
    assert.deepEqual(
      spec?.hosts.map((h) => [h.address, h.slots, h.local]),
      [['localhost', 2, true]],
    );
  });
}

test('configs/job.schema.json is the generated schema (run `npm run schema` to update it)', () => {
  const stored = readFileSync(join(repoRoot, 'configs/job.schema.json'), 'utf8');
  assert.ok(stored === jobJsonSchemaText(), 'configs/job.schema.json is out of date: run `npm run schema`');
});

test('the schema documents fields for editors', () => {
  const schema = JSON.parse(jobJsonSchemaText()) as {
    $schema: string;
    properties: Record<string, { description?: string }>;
    required: string[];
  };
  assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  assert.deepEqual(schema.required, ['framework']);
  assert.match(schema.properties['framework']?.description ?? '', /doctor/);
  assert.ok(schema.properties['hosts']?.description);
});

test("the starter job's commented SSH hosts validate once uncommented", () => {
  const text = starterJob('xgboost')
    .replace('  - address: localhost\n    slots: 2\n', '')
    .replace(/^# ( {2}|ssh:)/gm, '$1');
  const { spec, problems } = parseJob(text, 'job.yaml');
  assert.deepEqual(problems.map(formatProblem), []);
  assert.deepEqual(
    spec?.hosts.map((h) => [h.user, h.address, h.port, h.gpus.length, h.slots]),
    [
      ['ml', 'gpu-a', undefined, 2, 2],
      ['ml', 'gpu-b', 2222, 0, 1],
    ],
  );
});
