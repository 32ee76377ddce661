/**
 * Provisioning against a "host" that is this machine: the bundle is built from dist/ and runs; it is
 * uploaded once per content hash and never left half-written; setup runs once per host and hash and
 * names the failing command; the Node check reads versions and refuses old or missing ones.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DtrainError } from '../../../configs/errors.js';
import {
  buildWorkerBundle,
  checkNode,
  type ExecResult,
  type RemoteHost,
  runSetup,
  uploadBundle,
  type WorkerBundle,
} from '../../../launcher/provision/index.js';
import { repoRoot } from '../../helpers/paths.js';
import { localRemote } from './local-remote.js';

const home = mkdtempSync(join(tmpdir(), 'dtrain-home-'));
let built: Promise<WorkerBundle> | undefined;
const bundle = () => {
  built ??= buildWorkerBundle({ distDir: join(repoRoot, 'dist'), home });
  return built;
};

test('the worker bundle: one ESM file plus its thread scripts, cached by content hash, and it runs', async () => {
  const b = await bundle();
  assert.match(b.hash, /^[0-9a-f]{16}$/);
  assert.equal(b.dir, join(home, 'bundles', b.hash));
  const names = b.files.map((f) => f.name).sort();
  assert.ok(names.includes('worker.mjs') && names.includes('package.json'), names.join(','));
  assert.ok(names.includes('hist-worker.js'), 'GBDT thread script travels beside the worker');
  assert.ok(names.includes('link-thread.js'), 'the heartbeat (coordinator link) thread travels too');
  assert.ok(existsSync(join(b.dir, '.complete')));
  for (const f of b.files) assert.equal(readFileSync(f.path).length, f.size);
  // No import is left unresolved: the bundle starts and fails only on its missing arguments.
  const run = spawnSync(process.execPath, [join(b.dir, 'worker.mjs')], {
    input: '',
    encoding: 'utf8',
    cwd: tmpdir(),
  });
  assert.doesNotMatch(run.stderr, /Cannot find (module|package)|ERR_MODULE_NOT_FOUND/, run.stderr);
  assert.match(run.stderr, /--job|missing/, run.stderr);
  const again = await buildWorkerBundle({ distDir: join(repoRoot, 'dist'), home });
  assert.equal(again.hash, b.hash, 'the same runtime gives the same hash');
});

test('upload: once per hash; the second time nothing is copied', async () => {
  const b = await bundle();
  const workdir = mkdtempSync(join(tmpdir(), 'dtrain-workdir-'));
  const remote = localRemote();
  const first = await uploadBundle(remote, b, workdir);
  assert.equal(first.state, 'uploaded');
  assert.equal(first.dir, `${workdir}/bundles/${b.hash}`);
  for (const f of b.files) assert.deepEqual(readFileSync(join(first.dir, f.name)), readFileSync(f.path));
  assert.equal(readFileSync(join(first.dir, '.complete'), 'utf8').trim(), b.hash);
  assert.deepEqual(readdirSync(join(workdir, 'bundles')), [b.hash], 'no temporary folder left');
  const other = localRemote();
  const second = await uploadBundle(other, b, workdir);
  assert.equal(second.state, 'present');
  assert.deepEqual(other.puts, []);
});

test('upload: a damaged copy is refused and leaves no bundle folder', async () => {
  const b = await bundle();
  const workdir = mkdtempSync(join(tmpdir(), 'dtrain-workdir-'));
  const remote = localRemote('gpu-x', {
    afterPut: async (path) => {
      if (path.endsWith('worker.mjs')) writeFileSync(path, 'truncated');
    },
  });
  await assert.rejects(uploadBundle(remote, b, workdir), (e) => {
    assert.ok(e instanceof DtrainError);
    assert.equal(e.category, 'infra');
    assert.match(e.message, /worker bundle arrived damaged on gpu-x \(worker\.mjs\)/);
    assert.match(e.detail ?? '', /the host has 9 bytes/);
    return true;
  });
  assert.deepEqual(readdirSync(join(workdir, 'bundles')), [], 'the temporary folder is removed');
});

test('upload: a folder without .complete (an interrupted tool) is replaced', async () => {
  const b = await bundle();
  const workdir = mkdtempSync(join(tmpdir(), 'dtrain-workdir-'));
  execFileSync('mkdir', ['-p', `${workdir}/bundles/${b.hash}`]);
  writeFileSync(`${workdir}/bundles/${b.hash}/worker.mjs`, 'half');
  const r = await uploadBundle(localRemote(), b, workdir);
  assert.equal(r.state, 'uploaded');
  assert.equal(
    readFileSync(`${r.dir}/worker.mjs`).length,
    b.files.find((f) => f.name === 'worker.mjs')!.size,
  );
});

test('setup: runs in the workdir with remote.env, once per host and bundle hash', async () => {
  const workdir = mkdtempSync(join(tmpdir(), 'dtrain-workdir-'));
  const commands = ['echo "$GREETING" >> setup.log', 'echo second >> setup.log'];
  const options = { commands, env: { GREETING: "hello 'world' $(no)" }, bundleHash: 'aaaa', workdir };
  assert.equal(await runSetup(localRemote(), options), 'done');
  assert.equal(readFileSync(join(workdir, 'setup.log'), 'utf8'), "hello 'world' $(no)\nsecond\n");
  assert.equal(await runSetup(localRemote(), options), 'skipped');
  assert.equal(
    await runSetup(localRemote(), { ...options, bundleHash: 'bbbb' }),
    'done',
    'a new runtime runs setup again',
  );
  assert.equal(readFileSync(join(workdir, 'setup.log'), 'utf8').split('\n').length, 5);
  assert.equal(await runSetup(localRemote(), { ...options, commands: [] }), 'skipped');
});

test('setup: the first failing command is named with its last stderr lines; no marker is written', async () => {
  const workdir = mkdtempSync(join(tmpdir(), 'dtrain-workdir-'));
  const options = {
    commands: ['true', 'echo boom >&2; exit 7', 'touch never'],
    env: {},
    bundleHash: 'cccc',
    workdir,
  };
  await assert.rejects(runSetup(localRemote('gpu-b'), options), (e) => {
    assert.ok(e instanceof DtrainError);
    assert.equal(e.message, 'setup failed on gpu-b: `echo boom >&2; exit 7` exited with code 7');
    assert.equal(e.detail, 'boom');
    return true;
  });
  assert.ok(!existsSync(join(workdir, 'never')));
  assert.deepEqual(
    readdirSync(workdir).filter((f) => f.endsWith('.done')),
    [],
  );
});

function fakeNode(result: Partial<ExecResult>): RemoteHost {
  return {
    name: 'gpu-c',
    exec: async () => ({ code: 0, signal: null, stdout: '', stderr: '', ...result }),
    putFile: async () => {},
    rename: async () => {},
  };
}

test('node check: the version found, or a message naming the host and what it has', async () => {
  assert.equal(await checkNode(fakeNode({ stdout: 'v20.11.1\n' })), 'v20.11.1');
  assert.equal(await checkNode(fakeNode({ stdout: 'v22.3.0\n' })), 'v22.3.0');
  await assert.rejects(checkNode(fakeNode({ stdout: 'v18.19.0\n' })), {
    code: 'E_NODE_OLD',
    message: 'gpu-c has Node v18.19.0; dtrain needs Node ≥ 20',
  });
  await assert.rejects(checkNode(fakeNode({ code: 127, stderr: 'sh: 1: node: not found' })), {
    code: 'E_NODE_MISSING',
    message: 'gpu-c has no `node` on its PATH; dtrain needs Node ≥ 20 there',
  });
  await assert.rejects(checkNode(fakeNode({ stdout: 'weird\n' })), { code: 'E_NODE_MISSING' });
});
