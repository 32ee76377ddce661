/**
 * The worker: the entry the launcher starts on a host, once per rank, as
 *   node worker.js --coordinator HOST:PORT
 * with the bootstrap line on stdin: the job token, the secrets and its WorkerSpec, checked on arrival.
 * Who it is (rank, world, data, framework parameters) it learns only from that WorkerSpec; argv
 * names only the address to dial, which the transport may rewrite. It dials the coordinator,
 * authenticates, opens its own peer port, registers, waits for the peer table (the start message),
 * forms the communicator, runs the framework's workload and reports. The coordinator link, with its
 * heartbeats, runs on a thread of its own (coordinator-link.ts), so long synchronous phases here
 * never look like a dead rank. It exits by itself when the coordinator goes away, so a dead launcher
 * leaves no worker behind.
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DtrainError, EXIT } from '../configs/errors.js';
import { createCommunicator, openEndpoint } from './comm/index.js';
import { openCoordinatorLink } from './coordinator-link.js';
import { doctorWorkload } from './doctor/index.js';
import { parseBootstrap, parseStart, type StartMsg, type WorkerData } from './protocol/index.js';
import { lightgbmWorkload, xgboostWorkload } from './gbdt/index.js';
import type { Workload } from './workload.js';

/** Where the coordinator is reachable from this host (argv's one word, set by the transport). */
interface Args {
  readonly coordinatorHost: string;
  readonly coordinatorPort: number;
}

const WORKLOADS: Readonly<Record<string, Workload>> = {
  doctor: doctorWorkload,
  xgboost: xgboostWorkload,
  lightgbm: lightgbmWorkload,
  // tfjs is loaded only by tensorflow jobs.
  tensorflow: async (ctx) => (await import('./tensorflow/index.js')).tensorflowWorkload(ctx),
};

function parseArgs(argv: readonly string[]): Args {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    const v = i >= 0 ? argv[i + 1] : undefined;
    if (v === undefined) throw new Error(`missing ${flag}`);
    return v;
  };
  const coordinator = get('--coordinator');
  const colon = coordinator.lastIndexOf(':');
  return {
    coordinatorHost: coordinator.slice(0, colon).replace(/^\[|\]$/g, ''),
    coordinatorPort: Number(coordinator.slice(colon + 1)),
  };
}

async function readLine(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += chunk.toString();
    const nl = text.indexOf('\n');
    if (nl >= 0) return text.slice(0, nl);
  }
  return text;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const bootstrap = parseBootstrap(await readLine(process.stdin));
  const w = bootstrap.worker;
  for (const [k, v] of Object.entries(bootstrap.secrets)) process.env[k] = v;
  // The xgboost runtime's thread count reads the host's rank count from here; set from the WorkerSpec.
  process.env['DTRAIN_LOCAL_WORLD_SIZE'] = String(w.localWorldSize);
  const auth = { token: bootstrap.token, jobId: w.jobId };
  const me = { role: w.role, rank: w.rank };
  // Frames may arrive as soon as the link is up; the handlers exist before it is opened.
  const stop = new AbortController();
  let started!: (m: StartMsg) => void;
  let byeReceived!: () => void;
  const bye = new Promise<void>((resolve) => {
    byeReceived = resolve;
  });
  const startPromise = new Promise<StartMsg>((resolve) => {
    started = resolve;
  });
  const link = await openCoordinatorLink({
    host: args.coordinatorHost,
    port: args.coordinatorPort,
    me,
    auth,
    onFrame: (header) => {
      const m = header as { t: string; reason?: string };
      if (m.t === 'start') {
        try {
          started(parseStart(header, w.worldSize));
        } catch (error) {
          exitSoon(EXIT.badInput, (error as Error).message);
        }
      } else if (m.t === 'bye') byeReceived();
      else if (m.t === 'stop') {
        stop.abort();
        exitSoon(EXIT.jobFailed, `stopped by the coordinator: ${m.reason ?? ''}`);
      }
    },
    onLost: (why) => exitSoon(EXIT.jobFailed, why),
  });
  const { bindHost, advertiseHost, port } = w.network;
  const endpoint = await openEndpoint(bindHost, port, auth);
  const send = (m: { t: string; [k: string]: unknown }) => link.send(m).catch(() => {});

  await send({ t: 'register', rank: w.rank, host: advertiseHost, port: endpoint.port, pid: process.pid });
  const start = await startPromise;
  link.setTiming(w.network.heartbeatInterval, w.network.heartbeatTimeout);
  busyForTest();

  const outputDir = expandHome(w.outputDir);
  mkdirSync(outputDir, { recursive: true });
  const workload = WORKLOADS[w.job.framework];
  try {
    if (!workload)
      throw new DtrainError(
        'E_NOT_IMPLEMENTED',
        `framework ${w.job.framework} is not built into this worker yet`,
        {
          category: 'config',
        },
      );
    const comm = await createCommunicator({
      endpoint,
      rank: w.rank,
      worldSize: w.worldSize,
      peers: start.peers,
    });
    await workload({
      jobId: w.jobId,
      rank: w.rank,
      worldSize: w.worldSize,
      comm,
      mesh: { auth, bindHost, peers: start.peers },
      spec: w.job,
      worker: w,
      outputDir,
      data: onThisHost(w.data),
      resumeFrom: w.resumeFrom,
      progress: (p) => void send({ t: 'progress', rank: w.rank, ...p }),
      log: (level, line) => void send({ t: 'log', rank: w.rank, level, line }),
      backend: (name, reason) => void send({ t: 'backend', rank: w.rank, name, reason }),
      result: (data) => void send({ t: 'result', rank: w.rank, data }),
      signal: stop.signal,
    });
    await comm.close();
    await send({ t: 'done', rank: w.rank });
    await Promise.race([bye, new Promise((r) => setTimeout(r, 5000))]);
    link.close();
    process.exit(EXIT.ok);
  } catch (error) {
    const code = error instanceof DtrainError ? error.code : 'E_WORKER';
    const category = error instanceof DtrainError ? error.category : 'worker';
    const message = error instanceof Error ? error.message : String(error);
    // An unexpected error's stack goes to the rank's log (stderr), for whoever debugs it.
    if (!(error instanceof DtrainError) && error instanceof Error && error.stack)
      process.stderr.write(`${error.stack}\n`);
    await send({ t: 'fail', rank: w.rank, code, category, message });
    exitSoon(EXIT.jobFailed, `failed: ${message}`);
  }
}

/**
 * Test hook: DTRAIN_TEST_BUSY_MS holds the main thread in a synchronous loop for that long once the
 * job starts, as a long parse or binning phase would, so tests can check that heartbeats keep
 * flowing (and that a rank frozen meanwhile is still found out). Unset, it does nothing.
 */
function busyForTest(): void {
  const ms = Number(process.env['DTRAIN_TEST_BUSY_MS'] ?? 0);
  if (!(ms > 0)) return;
  process.stderr.write(`dtrain worker: test hook: busy for ${ms} ms\n`);
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // Spinning on purpose: nothing else may run on this thread meanwhile.
  }
}

/** `~/x` → the home folder's x (remote workdirs are written with ~; node does not expand it). */
function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/** The WorkerSpec's data places with `~/` made this host's home. */
function onThisHost(data: WorkerData): WorkerData {
  return {
    ...(data.train ? { train: expandHome(data.train) } : {}),
    ...(data.valid ? { valid: expandHome(data.valid) } : {}),
    dir: expandHome(data.dir),
  };
}

let exiting = false;
function exitSoon(code: number, why: string): void {
  if (exiting) return;
  exiting = true;
  process.stderr.write(`dtrain worker: ${why}\n`);
  // Give the last frames a moment to leave, then go whatever happens.
  setTimeout(() => process.exit(code), 50);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  exitSoon(EXIT.badInput, `could not start: ${message}`);
});
