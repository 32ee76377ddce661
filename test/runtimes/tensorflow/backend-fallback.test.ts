import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { initBackend } from '../../../runtimes/tensorflow/backend.js';

// Its own file, so its own process: the wasm module starts (or fails to) once per process.
// In order: two broken binaries caught before tfjs sees them, then one that only fails inside tfjs.

const dir = mkdtempSync(join(tmpdir(), 'dtrain-wasm-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const binary = join(dir, 'tfjs-backend-wasm-simd.wasm');
const notInstalled = 'tfjs-node-gpu: not installed on this host; tfjs-node: not installed on this host';

test('a wasm folder without the binary falls back to cpu, saying why', async () => {
  const choice = await initBackend({ want: 'auto', gpus: 1, wasmDir: dir });
  assert.equal(choice.name, 'cpu');
  assert.equal(
    choice.reason,
    `cpu (${notInstalled}; wasm: failed to load: ENOENT: no such file or directory, open '${binary}')`,
  );
  assert.equal(choice.tf.core.getBackend(), 'cpu');
});

test('a binary that is not WebAssembly falls back to cpu', async () => {
  writeFileSync(binary, 'not wasm');
  const choice = await initBackend({ want: 'auto', gpus: 0, wasmDir: dir });
  assert.equal(choice.name, 'cpu');
  assert.equal(
    choice.reason,
    `cpu (tfjs-node: not installed on this host; wasm: failed to load: ${binary} is not a valid WebAssembly module)`,
  );
});

test('a wasm init that tfjs reports as setBackend() === false falls back to cpu with its error', async () => {
  writeFileSync(binary, Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])); // a valid, empty module
  const choice = await initBackend({ want: 'auto', gpus: 0, wasmDir: dir });
  assert.equal(choice.name, 'cpu');
  assert.match(choice.reason, /^cpu \(tfjs-node: not installed on this host; wasm: failed to initialise: \S/);
  assert.equal(choice.tf.core.getBackend(), 'cpu');
  await assert.rejects(
    initBackend({ want: 'wasm', gpus: 0, wasmDir: dir }),
    /^DtrainError: tensorflow backend wasm is unavailable: wasm: failed to/,
  );
});
