import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DtrainError } from '../../../configs/errors.js';
import {
  encodeFrame,
  type Frame,
  FrameDecoder,
  HANDSHAKE_LIMITS,
  MAX_HEADER_BYTES,
  PREFIX_BYTES,
} from '../../../runtimes/protocol/frame.js';

const LIMITS = { maxHeader: MAX_HEADER_BYTES, maxPayload: 1 << 20 };

function decodeAll(bytes: Buffer, cuts: number[], limits = LIMITS): Frame[] {
  const frames: Frame[] = [];
  const d = new FrameDecoder((f) => frames.push(f), limits);
  let pos = 0;
  for (const cut of [...cuts, bytes.length]) {
    d.push(bytes.subarray(pos, cut));
    pos = cut;
  }
  return frames;
}

function protocolError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(
    fn,
    (e: unknown) => e instanceof DtrainError && e.code === 'E_PROTOCOL' && pattern.test(e.message),
  );
}

test('a frame round-trips, split at every byte boundary and in every pair of cuts', () => {
  const payload = new Float32Array([1.5, -2, 3.25]);
  const bytes = encodeFrame({ t: 'x', n: 7, s: 'é' }, payload);
  for (let a = 0; a <= bytes.length; a++) {
    for (let b = a; b <= bytes.length; b += 5) {
      const frames = decodeAll(bytes, [a, b]);
      assert.equal(frames.length, 1);
      assert.deepEqual(frames[0]!.header, { t: 'x', n: 7, s: 'é' });
      assert.deepEqual(new Float32Array(new Uint8Array(frames[0]!.payload!).buffer), payload);
    }
  }
});

test('several frames in one chunk, with and without payload', () => {
  const bytes = Buffer.concat([
    encodeFrame({ t: 'a' }),
    encodeFrame({ t: 'b' }, new Uint8Array([9])),
    encodeFrame({ t: 'c' }),
  ]);
  const frames = decodeAll(bytes, []);
  assert.deepEqual(
    frames.map((f) => [f.header.t, f.payload ? [...f.payload] : undefined]),
    [
      ['a', undefined],
      ['b', [9]],
      ['c', undefined],
    ],
  );
});

test('a payload target receives the bytes in place', () => {
  const dest = new Uint8Array(16).subarray(4, 8);
  const frames: Frame[] = [];
  const d = new FrameDecoder(
    (f) => frames.push(f),
    LIMITS,
    () => dest,
  );
  d.push(encodeFrame({ t: 'p' }, new Uint8Array([1, 2, 3, 4])));
  assert.deepEqual([...dest], [1, 2, 3, 4]);
  assert.equal(frames[0]!.payload!.buffer, dest.buffer);
  assert.equal(frames[0]!.payload!.byteOffset, 4);
});

test('an oversized payload length is rejected from the prefix alone', () => {
  const prefix = encodeFrame({ t: 'x' }).subarray(0, PREFIX_BYTES);
  prefix.writeUInt32BE(0xffffffff, 8);
  const d = new FrameDecoder(() => assert.fail('no frame'), LIMITS);
  protocolError(() => d.push(prefix), /payload of 4294967295 bytes is over the limit/);
  const h = new FrameDecoder(() => assert.fail('no frame'), HANDSHAKE_LIMITS);
  const big = encodeFrame({ t: 'x' }, new Uint8Array(1)).subarray(0, PREFIX_BYTES);
  protocolError(() => h.push(big), /over the limit of 0/);
  const header = Buffer.from(prefix);
  header.writeUInt32BE(2048, 4);
  header.writeUInt32BE(0, 8);
  protocolError(() => new FrameDecoder(() => {}, HANDSHAKE_LIMITS).push(header), /header of 2048 bytes/);
});

test('bad magic, bad version, bad JSON and a header without t are rejected', () => {
  const good = encodeFrame({ t: 'x' });
  const magic = Buffer.from(good);
  magic.writeUInt16BE(0x4745, 0);
  protocolError(() => decodeAll(magic, []), /magic/);
  const version = Buffer.from(good);
  version.writeUInt8(9, 2);
  protocolError(() => decodeAll(version, []), /version 9/);
  const json = Buffer.from(good);
  json.write('}', PREFIX_BYTES);
  protocolError(() => decodeAll(json, []), /not valid JSON/);
  const noT = encodeFrame({ t: 'x' });
  noT.write('{"u"  :1}'.slice(0, noT.length - PREFIX_BYTES), PREFIX_BYTES);
  protocolError(() => decodeAll(noT, []), /JSON|string `t`/);
  protocolError(
    () =>
      decodeAll(
        Buffer.concat([good.subarray(0, 4), Buffer.from([0, 0, 0, 2, 0, 0, 0, 0]), Buffer.from('[]')]),
        [],
      ),
    /not a JSON object/,
  );
});

test('stop() hands back the bytes after the current frame', () => {
  const bytes = Buffer.concat([encodeFrame({ t: 'a' }), encodeFrame({ t: 'b' })]);
  const d: FrameDecoder = new FrameDecoder(() => d.stop(), LIMITS);
  const rest = d.push(bytes);
  assert.deepEqual(rest, encodeFrame({ t: 'b' }));
});
