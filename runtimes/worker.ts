/**
 * The worker: the entry the launcher starts on a host, once per rank, as
 *   node worker.js --job ID --rank R --coordinator HOST:PORT
 * with the bootstrap line (job token, secrets) on stdin. It dials the coordinator, authenticates,
 * opens its own peer port, registers, waits for the peer table, forms the communicator, runs the
 * framework's workload and reports. The coordinator link, with its heartbeats, runs on a thread of
 * its own (coordinator-link.ts), so long synchronous phases here never look like a dead rank. It
 * exits by itself when the coordinator goes away, so a dead launcher leaves no worker behind.
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DtrainError, EXIT } from '../configs/errors.js';
import type { JobSpec } from '../configs/job-spec.js';
import { createCommunicator, openEndpoint } from './comm/index.js';
import { openCoordinatorLink } from './coordinator-link.js';
import { doctorWorkload } from './doctor/doctor-workload.js';
import { parseBootstrap, type StartMsg } from './protocol/index.js';
import { lightgbmWorkload, xgboostWorkload } from './gbdt/index.js';
import type { Workload } from './workload.js';

interface Args {
  readonly job: string;
  readonly rank: number;
  readonly coordinatorHost: string;
  readonly coordinatorPort: number;
}

const WORKLOADS: Readonly<Record<string, Workload>> = {
  doctor: doctorWorkload,
  xgboost: xgboostWorkload,
  lightgbm: lightgbmWorkload,
  // tfjs is loaded only by tensorflow jobs.
  tensorflow: async (ctx) => (await import('./tensorflow/workload.js')).tensorflowWorkload(ctx),
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
    job: get('--job'),
    rank: Number(get('--rank')),
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
  for (const [k, v] of Object.entries(bootstrap.secrets)) process.env[k] = v;
  const auth = { token: bootstrap.token, jobId: args.job };
  const me = { role: 'worker' as const, rank: args.rank };
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
      if (m.t === 'start') started(header as unknown as StartMsg);
      else if (m.t === 'bye') byeReceived();
      else if (m.t === 'stop') {
        stop.abort();
        exitSoon(EXIT.jobFailed, `stopped by the coordinator: ${m.reason ?? ''}`);
      }
    },
    onLost: (why) => exitSoon(EXIT.jobFailed, why),
  });
  // A rank on a cluster host (DTRAIN_HOST set) is reached by its peers at that host's address; a
  // local rank only on loopback. The coordinator may be a tunnel on loopback either way.
  const clusterHost = process.env['DTRAIN_HOST'];
  const bindHost = clusterHost ? '0.0.0.0' : '127.0.0.1';
  const endpoint = await openEndpoint(bindHost, Number(process.env['DTRAIN_PORT'] ?? 0), auth);
  const advertise = clusterHost ?? '127.0.0.1';
  const send = (m: { t: string; [k: string]: unknown }) => link.send(m).catch(() => {});

  await send({ t: 'register', rank: args.rank, host: advertise, port: endpoint.port, pid: process.pid });
  const start = await startPromise;
  link.setTiming(start.heartbeatInterval, start.heartbeatTimeout);
  busyForTest();

  const spec = start.spec as JobSpec;
  mkdirSync(expandHome(start.outputDir), { recursive: true });
  const workload = WORKLOADS[spec.framework];
  try {
    if (!workload)
      throw new DtrainError(
        'E_NOT_IMPLEMENTED',
        `framework ${spec.framework} is not built into this worker yet`,
        {
          category: 'config',
        },
      );
    const comm = await createCommunicator({
      endpoint,
      rank: args.rank,
      worldSize: start.worldSize,
      peers: start.peers,
    });
    await workload({
      jobId: args.job,
      rank: args.rank,
      worldSize: start.worldSize,
      comm,
      mesh: { auth, bindHost, peers: start.peers },
      spec,
      outputDir: expandHome(start.outputDir),
      data: dataPlaces(spec),
      resumeFrom: start.resumeFrom,
      progress: (p) => void send({ t: 'progress', rank: args.rank, ...p }),
      log: (level, line) => void send({ t: 'log', rank: args.rank, level, line }),
      backend: (name, reason) => void send({ t: 'backend', rank: args.rank, name, reason }),
      result: (data) => void send({ t: 'result', rank: args.rank, data }),
      signal: stop.signal,
    });
    await comm.close();
    await send({ t: 'done', rank: args.rank });
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
    await send({ t: 'fail', rank: args.rank, code, category, message });
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

/** The shipped data parts the launcher named for this rank, or the folder relative paths start from. */
function dataPlaces(spec: JobSpec): { train?: string; valid?: string; dir: string } {
  const env = process.env;
  const train = env['DTRAIN_DATA_TRAIN'];
  const valid = env['DTRAIN_DATA_VALID'];
  return {
    ...(train ? { train: expandHome(train) } : {}),
    ...(valid ? { valid: expandHome(valid) } : {}),
    dir: expandHome(env['DTRAIN_DATA_DIR'] ?? spec.source.dir),
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
