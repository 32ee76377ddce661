import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runProcess } from '../../bench/side-process.js';

// A child that touches `mib` MiB and holds them for `ms` milliseconds.
const hold = (mib: number, ms: number) =>
  `const b = Buffer.alloc(${mib} << 20, 1); setTimeout(() => console.log(b[7]), ${ms});`;

test("the peak counts a grandchild's memory, and the wall time covers the whole run", async () => {
  // The parent holds little; its child holds 200 MiB: a peak read from the parent alone would miss it.
  const parent = `require('node:child_process').spawnSync(process.execPath, ['-e', ${JSON.stringify(hold(200, 400))}], { stdio: 'inherit' });`;
  const run = await runProcess(process.execPath, ['-e', parent]);
  assert.equal(run.stdout.trim(), '1');
  assert.ok(run.peakKiB >= 200 * 1024, `peak ${run.peakKiB} KiB`);
  assert.ok(run.peakKiB < 600 * 1024, `peak ${run.peakKiB} KiB`);
  assert.ok(run.seconds >= 0.4, `${run.seconds} s`);
});

test('a program that fails rejects with its exit code and its last output', async () => {
  await assert.rejects(
    runProcess(process.execPath, ['-e', "console.error('no such data'); process.exit(3)"]),
    /exited with code 3: no such data/,
  );
});
