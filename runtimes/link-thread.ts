/**
 * The thread that owns a worker's link to the coordinator (started by coordinator-link.ts). It dials
 * and authenticates the connection, sends the heartbeats, watches the coordinator's pings and relays
 * every other frame between the socket and the worker's main thread. Heartbeats leave on this
 * thread's own event loop, so a main thread that parses, bins, trains or serialises synchronously for
 * minutes never looks dead; a process that is really stopped (SIGSTOP, a dead host) stops this thread
 * too, and goes silent as it should.
 *
 * Each heartbeat carries how long the main thread has not answered (`busy`, seconds) once that
 * exceeds two heartbeat intervals, so `dtrain status` can tell a busy rank from a stuck one.
 *
 * A lost coordinator (the socket closed, or no frame for the timeout) is reported to the main thread,
 * which exits; a main thread too busy to do so within LOST_GRACE_MS is ended from here, because
 * `process.exit` on a worker thread ends only the thread and a worker must not outlive its launcher.
 */
import { writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { type Connection, connect, type Peer } from './protocol/index.js';
import type { LinkData, MainToLink, LinkToMain } from './link-messages.js';

const LOST_GRACE_MS = 3000;

const data = workerData as LinkData;
const port = parentPort!;
const post = (m: LinkToMain) => port.postMessage(m);

let intervalMs = data.intervalMs;
let timeoutMs = data.timeoutMs;
let lastHeard = Date.now();
let lastMain = Date.now();
let lost = false;
let conn: Connection | undefined;
let heartbeat: NodeJS.Timeout | undefined;
let watch: NodeJS.Timeout | undefined;

function beat(): void {
  if (!conn) return;
  const quiet = Date.now() - lastMain;
  const busy = quiet > 2 * intervalMs ? Math.round(quiet / 100) / 10 : undefined;
  conn.send({ t: 'heartbeat', rank: data.me.rank, ...(busy === undefined ? {} : { busy }) }).catch(() => {});
}

function startHeartbeat(): void {
  if (heartbeat) clearInterval(heartbeat);
  heartbeat = setInterval(beat, intervalMs);
}

function loseCoordinator(why: string): void {
  if (lost) return;
  lost = true;
  if (heartbeat) clearInterval(heartbeat);
  post({ op: 'lost', why });
  // Not unref'd: the kill must not depend on what else keeps this thread's loop alive.
  setTimeout(() => {
    // Written straight to fd 2: a worker thread's process.stderr goes through the (busy) main thread.
    // Whoever read it may be gone with the coordinator (EPIPE); the kill must happen regardless.
    try {
      writeSync(2, `dtrain worker: ${why}; the main thread is busy, ending the process\n`);
    } catch {}
    process.kill(process.pid, 'SIGKILL');
  }, LOST_GRACE_MS);
}

port.on('message', (m: MainToLink) => {
  lastMain = Date.now();
  switch (m.op) {
    case 'send':
      if (!conn) return post({ op: 'sent', id: m.id, error: 'not connected' });
      conn.send(m.msg).then(
        () => post({ op: 'sent', id: m.id }),
        (e: Error) => post({ op: 'sent', id: m.id, error: e.message }),
      );
      return;
    case 'timing':
      intervalMs = m.intervalMs;
      timeoutMs = m.timeoutMs;
      startHeartbeat();
      return;
    case 'alive':
      return;
    case 'close':
      if (heartbeat) clearInterval(heartbeat);
      if (watch) clearInterval(watch);
      lost = true;
      conn?.close();
      port.close();
      return;
  }
});

async function main(): Promise<void> {
  const me: Peer = data.me;
  try {
    conn = await connect(data.host, data.port, me, data.auth);
  } catch (e) {
    post({ op: 'failed', message: e instanceof Error ? e.message : String(e) });
    port.close();
    return;
  }
  lastHeard = Date.now();
  conn.on('frame', (frame) => {
    lastHeard = Date.now();
    // Pings only prove the coordinator is alive; this thread is their only reader.
    if (frame.header.t !== 'ping') post({ op: 'frame', header: frame.header });
  });
  conn.on('close', () => loseCoordinator('lost the coordinator; exiting'));
  watch = setInterval(() => {
    if (Date.now() - lastHeard > timeoutMs)
      loseCoordinator(`heard nothing from the coordinator for ${timeoutMs / 1000}s`);
  }, 500);
  watch.unref();
  startHeartbeat();
  post({ op: 'connected' });
}

void main();
