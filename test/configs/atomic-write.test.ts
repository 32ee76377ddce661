/**
 * The one atomic writer: the file ends up with the whole new content and the asked-for mode, and a
 * write that fails part way leaves the old file as it was and no temporary file behind.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { appendFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeFileAtomic, writeFileAtomicSync } from '../../configs/atomic-write.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'dtrain-atomic-'));

test('replaces the content whole, with the mode given', async () => {
  const dir = scratch();
  const a = join(dir, 'a.json');
  writeFileAtomicSync(a, 'one');
  writeFileAtomicSync(a, new TextEncoder().encode('two'), { mode: 0o600 });
  assert.equal(readFileSync(a, 'utf8'), 'two');
  assert.equal(statSync(a).mode & 0o777, 0o600);
  const b = join(dir, 'b.txt');
  await writeFileAtomic(b, 'x'.repeat(1 << 20));
  await writeFileAtomic(b, async (temp) => {
    await writeFile(temp, 'filled ');
    await appendFile(temp, 'by the caller');
  });
  assert.equal(readFileSync(b, 'utf8'), 'filled by the caller');
  assert.deepEqual(readdirSync(dir).sort(), ['a.json', 'b.txt']);
});

test('a failed write leaves the old file and no temporary file', async () => {
  const dir = scratch();
  const path = join(dir, 'state.json');
  writeFileSync(path, 'old');
  // Fails after the temporary file exists: the data cannot be written.
  assert.throws(() => writeFileAtomicSync(path, 42 as unknown as string), { code: 'ERR_INVALID_ARG_TYPE' });
  // A download cut off half way.
  await assert.rejects(
    writeFileAtomic(path, async (temp) => {
      await writeFile(temp, 'ne');
      throw new Error('connection reset');
    }),
    /connection reset/,
  );
  // The rename itself fails: a folder stands where the file goes.
  const blocked = join(dir, 'blocked');
  mkdirSync(join(blocked, 'inside'), { recursive: true });
  assert.throws(() => writeFileAtomicSync(blocked, 'new'), { code: 'EISDIR' });
  await assert.rejects(writeFileAtomic(blocked, 'new'), { code: 'EISDIR' });
  assert.equal(readFileSync(path, 'utf8'), 'old');
  assert.deepEqual(readdirSync(dir).sort(), ['blocked', 'state.json']);
});
