import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DtrainError } from '../../../configs/errors.js';
import { initBackend } from '../../../runtimes/tensorflow/backend.js';
import { repoRoot } from '../../helpers/paths.js';

// tfjs-node and tfjs-node-gpu are not installed here (their install downloads libtensorflow).

/** A workdir whose node_modules holds `@tensorflow/<pkg>` packages with the given index.js. */
function fakeWorkdir(packages: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dtrain-tf-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [pkg, source] of Object.entries(packages)) {
    const root = join(dir, 'node_modules', '@tensorflow', pkg);
    mkdirSync(root, { recursive: true });
    writeFileSync(
      join(root, 'package.json'),
      JSON.stringify({ name: `@tensorflow/${pkg}`, main: 'index.js' }),
    );
    writeFileSync(join(root, 'index.js'), source);
  }
  return dir;
}

/** The index.js of a package that fails to load, as a native addon without its library does. */
const throwing = (message: string) => `throw new Error(${JSON.stringify(message)});\n`;

test('auto with GPUs tries tfjs-node-gpu and tfjs-node, then takes wasm with our kernels', async () => {
  const choice = await initBackend({ want: 'auto', gpus: 2 });
  assert.equal(choice.name, 'wasm');
  assert.equal(
    choice.reason,
    'wasm (tfjs-node-gpu: not installed on this host; tfjs-node: not installed on this host)',
  );
  assert.deepEqual(choice.tried, [
    { name: 'node-gpu', error: 'not installed on this host' },
    { name: 'node', error: 'not installed on this host' },
  ]);
  const { core, layers } = choice.tf;
  assert.equal(core.getBackend(), 'wasm');
  assert.ok(
    core.getKernel('Conv2DBackpropFilter', 'wasm'),
    'the missing filter-gradient kernel is registered',
  );
  // layers builds on the same engine: its weights live on the chosen backend.
  const model = layers.sequential({ layers: [layers.layers.dense({ units: 2, inputShape: [3] })] });
  assert.equal(core.engine().state.tensorInfo.get(model.getWeights()[0]!.dataId)?.backend, core.backend());
  model.dispose();
});

test('auto without GPUs does not try tfjs-node-gpu', async () => {
  const choice = await initBackend({ want: 'auto', gpus: 0 });
  assert.equal(choice.reason, 'wasm (tfjs-node: not installed on this host)');
});

test('a package that is installed but cannot load is told apart from a missing one', async () => {
  const workdir = fakeWorkdir({
    'tfjs-node': throwing(
      'libtensorflow.so.2: cannot open shared object file\n    at Module._extensions..node',
    ),
    'tfjs-node-gpu': throwing('libcudart.so.11.0: cannot open shared object file: No such file or directory'),
  });
  const choice = await initBackend({ want: 'auto', gpus: 1, searchDirs: ['/nonexistent', workdir] });
  assert.equal(choice.name, 'wasm');
  assert.equal(
    choice.reason,
    'wasm (tfjs-node-gpu: failed to load: libcudart.so.11.0: cannot open shared object file: No such file or directory; ' +
      'tfjs-node: failed to load: libtensorflow.so.2: cannot open shared object file)',
  );
  await assert.rejects(initBackend({ want: 'node', gpus: 0, searchDirs: [workdir] }), {
    message:
      'tensorflow backend node is unavailable: tfjs-node: failed to load: libtensorflow.so.2: cannot open shared object file',
  });
});

test('a named backend that cannot start fails the rank, saying which and why', async () => {
  await assert.rejects(initBackend({ want: 'node', gpus: 0 }), (error: unknown) => {
    assert.ok(error instanceof DtrainError);
    assert.equal(error.code, 'E_BACKEND');
    assert.equal(error.category, 'worker');
    assert.equal(
      error.message,
      'tensorflow backend node is unavailable: tfjs-node: not installed on this host',
    );
    assert.equal(
      error.detail,
      "install @tensorflow/tfjs-node in the job's workdir on this host, or set params.backend: auto",
    );
    return true;
  });
});

test('cpu on request', async () => {
  const choice = await initBackend({ want: 'cpu', gpus: 4 });
  assert.equal(choice.name, 'cpu');
  assert.equal(choice.reason, 'cpu (as requested)');
  assert.deepEqual(choice.tried, []);
  assert.equal(choice.tf.core.getBackend(), 'cpu');
  // Back to wasm: a started wasm backend is reused.
  assert.equal((await initBackend({ want: 'wasm', gpus: 0 })).reason, 'wasm (as requested)');
});

test('a tfjs-node that loads is used as the whole API, and the reason says where it came from', async () => {
  // Stands in for tfjs-node as dtrain relies on it: module.exports is the whole tfjs API (layers
  // included) and registers a 'tensorflow' backend; here that backend is the cpu backend's kernels.
  const modules = join(repoRoot, 'node_modules', '@tensorflow');
  const workdir = fakeWorkdir({
    'tfjs-node': `const core = require(${JSON.stringify(join(modules, 'tfjs-core'))});
const { MathBackendCPU } = require(${JSON.stringify(join(modules, 'tfjs-backend-cpu'))});
core.registerBackend('tensorflow', () => new MathBackendCPU(), 3);
for (const k of core.getKernelsForBackend('cpu')) core.registerKernel({ ...k, backendName: 'tensorflow' });
module.exports = { ...core, ...require(${JSON.stringify(join(modules, 'tfjs-layers'))}) };
`,
  });
  const choice = await initBackend({ want: 'auto', gpus: 1, searchDirs: [workdir] });
  assert.equal(choice.name, 'node');
  assert.equal(
    choice.reason,
    `node (tfjs-node-gpu: not installed on this host; tfjs-node from ${join(workdir, 'node_modules', '@tensorflow', 'tfjs-node')})`,
  );
  assert.equal(choice.tf.core, choice.tf.layers);
  assert.equal(choice.tf.core.getBackend(), 'tensorflow');
});
