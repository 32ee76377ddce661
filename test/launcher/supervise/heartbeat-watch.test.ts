/**
 * The coordinator's heartbeat check never blames a rank for the coordinator's own stalls: a real
 * process sends a byte every 100 ms over TCP while this process's event loop is blocked for 2 s,
 * once in a timer and once in the socket's own data handler (read by the poll that sits between a
 * check being asked for and running); every check, even the first after the stall, must find the
 * sender recently heard (its bytes waited in the socket buffer, unread). The bound allows for this
 * shared machine starving the sender a while, but not for the stall itself. (On Node 20's libuv,
 * timers run after the poll, so the timer case holds even for a bare setInterval; it pins the
 * contract. The data case fails for a bare setInterval and for a check without its second round.)
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { watchHeartbeats } from '../../../launcher/supervise/heartbeat-watch.js';

const STALL_MS = 2000;
const SENDER = `
const s = require('node:net').connect(Number(process.argv[1]), '127.0.0.1');
s.on('connect', () => setInterval(() => s.write('.'), 100));
s.on('error', () => process.exit(0));
s.on('close', () => process.exit(0));
`;

function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // blocking on purpose: this is the coordinator's stall
  }
}

async function silencesAcrossStall(where: 'timer' | 'data'): Promise<number[]> {
  let lastHeard = performance.now();
  let armed = false;
  let stalled = false;
  const silences: number[] = [];
  let socket: Socket | undefined;
  const server = createServer((s) => {
    socket = s;
    s.on('data', () => {
      lastHeard = performance.now();
      if (armed && !stalled) {
        stalled = true;
        spin(STALL_MS);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const child = spawn(process.execPath, ['-e', SENDER, String(port)], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  let checks = 0;
  const watch = watchHeartbeats(50, () => {
    silences.push(performance.now() - lastHeard);
    if (where === 'data' && ++checks === 5) {
      // Holding this check past the sender's next byte and the watch's next tick makes the next
      // check be asked for with that byte already waiting: its handler then stalls the very poll
      // between the asking and the check.
      armed = true;
      spin(150);
    }
  });
  if (where === 'timer')
    setTimeout(() => {
      stalled = true;
      spin(STALL_MS);
    }, 300);
  await new Promise((r) => setTimeout(r, STALL_MS + 1500));
  watch.stop();
  socket?.destroy();
  child.kill();
  server.close();
  assert.ok(stalled, 'the loop was stalled');
  return silences;
}

for (const where of ['timer', 'data'] as const) {
  test(`a ${STALL_MS / 1000} s stall of the coordinator's loop (in a ${where} callback) shows no rank silent`, async () => {
    const silences = await silencesAcrossStall(where);
    assert.ok(silences.length > 10, `${silences.length} checks ran`);
    const worst = Math.max(...silences);
    assert.ok(worst < STALL_MS / 2, `a check found the sender silent for ${worst.toFixed(0)} ms`);
  });
}
