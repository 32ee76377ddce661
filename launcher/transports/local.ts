/**
 * Runs ranks as processes on this machine, as `horovodrun -H localhost:4` does: no SSH, but the same
 * coordinator, protocol and collectives as a cluster run. Each rank gets its own process group so a
 * gang stop reaches anything it started, and nothing else.
 */
import { spawn } from 'node:child_process';
import { copyFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { HostPlan, RankPlan } from '../plan/contract.js';
import type { RankExit, RankProcess, StartOptions, StepSink, Transport } from './types.js';

export interface LocalTransportOptions {
  /** Base environment for the workers (the launcher's own, less anything it filters). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export function localTransport(options: LocalTransportOptions): Transport {
  return {
    name: 'local',
    prepare: async (_host: HostPlan, _onStep: StepSink) => {},
    start: async (rank, start) => startLocal(rank, start, options),
    // A local host is this machine: files are already where they are.
    put: async (_host, from, to) => copyFile(from, to),
    fetch: async (_host, from, to) => {
      if (from !== to) await copyFile(from, to);
    },
    outputDir: (_host, local) => local,
    close: async () => {},
  };
}

function startLocal(
  rank: RankPlan,
  start: StartOptions,
  options: LocalTransportOptions,
): Promise<RankProcess> {
  const [command, ...args] = rank.argv;
  const executable = command === 'node' ? process.execPath : command!;
  const child = spawn(executable, args, {
    cwd: options.cwd,
    env: { ...options.env, ...rank.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  const exited = new Promise<RankExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: 127, signal: null }));
  });
  for (const stream of ['stdout', 'stderr'] as const) {
    const lines = createInterface({ input: child[stream], crlfDelay: Number.POSITIVE_INFINITY });
    lines.on('line', (line) => start.onLine(stream, line));
  }
  // A worker that exits before reading stdin would raise EPIPE here; its exit is reported instead.
  child.stdin.on('error', () => {});
  child.stdin.end(`${start.bootstrap}\n`);
  return new Promise((resolve, reject) => {
    child.once('spawn', () =>
      resolve({
        rank: rank.rank,
        pid: child.pid!,
        exited,
        kill: (signal) => killGroup(child.pid!, signal),
      }),
    );
    child.once('error', (error) => reject(error));
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone
  }
}
