/**
 * Runs one whole program as a user would and measures it from the outside: wall seconds from spawn to
 * exit, and the peak resident memory of its process tree. Node cannot ask the kernel for a child's
 * rusage, and /proc/PID/task/TID/children is not there on every kernel, so a timer walks /proc every
 * POLL_MS: the tree is every process whose parent chain reaches the child, and each process's VmHWM
 * (its own peak so far) is kept; the peak reported is the sum of those peaks. That is an upper bound
 * of what the tree held at one time (dtrain's coordinator and its rank never peak together by much),
 * and growth in the last POLL_MS before a process exits is not seen.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const POLL_MS = 50;

/** What one program run cost, and what it printed. */
export interface ProcessRun {
  readonly seconds: number;
  /** Sum over the process tree of each process's peak RSS, KiB (sampled; see the module comment). */
  readonly peakKiB: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** ppid of every process now, from /proc/PID/stat (the field after the parenthesised name). */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ', 2)[1]);
      out.set(pid, ppid);
    } catch {
      // gone between the listing and the read
    }
  }
  return out;
}

/** VmHWM of `pid` in KiB, or undefined when it is gone. */
function highWater(pid: number): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Records each process of the tree under `root` with the highest VmHWM seen for it. */
function sampleTree(root: number, peaks: Map<number, number>): void {
  const ppid = parents();
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid, hops = 0; p !== undefined && hops < 64; p = ppid.get(p), hops++)
      if (p === root) return true;
    return false;
  };
  for (const pid of ppid.keys()) {
    if (!inTree(pid)) continue;
    const hwm = highWater(pid);
    if (hwm !== undefined) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, hwm));
  }
}

/**
 * Runs `cmd args` to the end (stdin closed, output collected) and measures it; rejects with the tail
 * of its output when it exits non-zero or by a signal.
 */
export function runProcess(
  cmd: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ProcessRun> {
  const started = performance.now();
  const child = spawn(cmd, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: options.env ?? process.env,
  });
  const peaks = new Map<number, number>();
  const root = child.pid;
  const timer = root === undefined ? undefined : setInterval(() => sampleTree(root, peaks), POLL_MS);
  if (root !== undefined) sampleTree(root, peaks);
  let stdout = '';
  let stderr = '';
  // The time a user waits is up to the exit; 'close' comes once the pipes are drained too.
  let exitedAt = Number.NaN;
  child.on('exit', () => {
    exitedAt = performance.now();
  });
  child.stdout.on('data', (b: Buffer) => {
    stdout += b.toString();
  });
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', (e) => {
      clearInterval(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      const seconds = ((Number.isNaN(exitedAt) ? performance.now() : exitedAt) - started) / 1000;
      clearInterval(timer);
      if (code === 0) {
        let peakKiB = 0;
        for (const kib of peaks.values()) peakKiB += kib;
        resolve({ seconds, peakKiB, stdout, stderr });
        return;
      }
      // dtrain's progress lines say nothing about why it failed; the lines after them do.
      const lines = `${stderr}\n${stdout}`
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.startsWith('progress '));
      const tail = lines.slice(-6).join(' | ');
      reject(new Error(`${cmd} ${args.join(' ')} exited with ${signal ?? `code ${code}`}: ${tail}`));
    });
  });
}
