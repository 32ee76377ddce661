import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { DtrainError } from '../../../configs/errors.js';
import {
  type Connection,
  connect,
  type Frame,
  type Listener,
  listen,
} from '../../../runtimes/protocol/connection.js';
import { encodeFrame } from '../../../runtimes/protocol/frame.js';
import { testAuth } from '../local-mesh.js';

const auth = { ...testAuth('job-a'), timeoutMs: 300 };
const rejects: string[] = [];
let server: Listener;
let accepted: Connection[] = [];

before(async () => {
  server = await listen('127.0.0.1', 0, { ...auth, onReject: (reason) => rejects.push(reason) }, (c) => {
    accepted.push(c);
    // Echo every frame back, payload included.
    c.on('frame', (f: Frame) => void c.send({ ...f.header, echo: true }, f.payload).catch(() => {}));
  });
});

after(async () => {
  for (const c of accepted) c.destroy();
  await server.close();
});

function nextReject(): Promise<string> {
  const seen = rejects.length;
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      if (rejects.length > seen) {
        clearInterval(poll);
        resolve(rejects[seen]!);
      }
    }, 5);
    poll.unref();
  });
}

async function echoes(c: Connection): Promise<void> {
  const got = new Promise<Frame>((resolve) => c.once('frame', resolve));
  await c.send({ t: 'hello', n: 1 }, new Float64Array([Math.PI, -0]));
  const f = await got;
  assert.deepEqual(f.header, { t: 'hello', n: 1, echo: true });
  assert.deepEqual(new Float64Array(new Uint8Array(f.payload!).buffer), new Float64Array([Math.PI, -0]));
}

function authError(code: string, pattern: RegExp) {
  return (e: unknown) =>
    e instanceof DtrainError && e.code === code && e.category === 'infra' && pattern.test(e.message);
}

test('the right token authenticates both ways and frames flow', async () => {
  const c = await connect('127.0.0.1', server.port, { role: 'worker', rank: 3 }, auth);
  assert.deepEqual(c.peer, { role: 'coordinator', rank: -1 });
  await echoes(c);
  assert.deepEqual(accepted.at(-1)!.peer, { role: 'worker', rank: 3 });
  const closed = new Promise((resolve) => c.once('close', resolve));
  c.close();
  assert.equal(await closed, undefined);
});

test('a wrong token is rejected and reported', async () => {
  const reason = nextReject();
  await assert.rejects(
    connect('127.0.0.1', server.port, { role: 'worker', rank: 0 }, { ...auth, token: testAuth().token }),
    authError('E_AUTH', /rejected: bad mac/),
  );
  assert.match(await reason, /bad mac/);
});

test("another job's token is rejected, with its job id or with ours", async () => {
  const other = testAuth('job-b');
  let reason = nextReject();
  await assert.rejects(
    connect('127.0.0.1', server.port, { role: 'peer', rank: 1 }, other),
    authError('E_AUTH', /another job/),
  );
  // The client hangs up on a challenge from another job; the server logs that.
  assert.match(await reason, /closed during the handshake/);
  reason = nextReject();
  await assert.rejects(
    connect('127.0.0.1', server.port, { role: 'peer', rank: 1 }, { ...other, jobId: 'job-a' }),
    authError('E_AUTH', /bad mac/),
  );
  assert.match(await reason, /bad mac/);
});

async function rawClient(bytes: Buffer | undefined): Promise<void> {
  const socket = net.connect(server.port, '127.0.0.1');
  socket.on('error', () => {});
  socket.resume();
  await new Promise((resolve) => socket.once('connect', resolve));
  if (bytes) socket.write(bytes);
  await new Promise((resolve) => socket.once('close', resolve));
}

test('random bytes, an oversized prefix and silence are dropped; the server keeps serving', async () => {
  let reason = nextReject();
  await rawClient(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
  assert.match(await reason, /magic/);
  reason = nextReject();
  const big = encodeFrame({ t: 'auth' }).subarray(0, 12);
  big.writeUInt32BE(1 << 30, 8);
  await rawClient(big);
  assert.match(await reason, /over the limit/);
  reason = nextReject();
  const started = Date.now();
  await rawClient(undefined);
  assert.match(await reason, /timed out/);
  assert.ok(Date.now() - started < 2000);
  const c = await connect('127.0.0.1', server.port, { role: 'client', rank: -1 }, auth);
  await echoes(c);
  c.destroy();
});

test('a fake server without the token is rejected by the client', async () => {
  const fake = await listen('127.0.0.1', 0, { ...testAuth('job-a'), timeoutMs: 300 }, () => {});
  await assert.rejects(
    connect('127.0.0.1', fake.port, { role: 'worker', rank: 0 }, auth),
    authError('E_AUTH', /bad mac|prove/),
  );
  await fake.close();
});

test('connecting to a closed port fails with E_CONNECT', async () => {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  await assert.rejects(
    connect('127.0.0.1', port, { role: 'worker', rank: 0 }, auth),
    authError('E_CONNECT', /cannot connect/),
  );
});

test('sending on a closed connection rejects; close is emitted once', async () => {
  const c = await connect('127.0.0.1', server.port, { role: 'worker', rank: 1 }, auth);
  let closes = 0;
  c.on('close', () => closes++);
  c.destroy();
  await assert.rejects(
    c.send({ t: 'late' }),
    (e: unknown) => e instanceof DtrainError && e.code === 'E_CONN_CLOSED',
  );
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(closes, 1);
  accepted = accepted.filter((a) => !a.closed);
});
