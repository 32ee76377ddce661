/**
 * Starts a job's coordinator as a background process, detached from the terminal (its own session,
 * no inherited stdio), like a tmux server: closing the terminal leaves the job running, and any
 * later `dtrain attach` reads it back from the store. The caller names the command that runs the
 * coordinator (the CLI's own `run --no-tui`); this module only starts it and learns the job's id by
 * finding the job whose record names the child as its coordinator.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DtrainError, EXIT } from '../configs/errors.js';
import { JobStore } from './store/job-store.js';

export interface DetachOptions {
  /** The program and arguments that run the coordinator in the foreground (e.g. node dtrain.js run …). */
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly home: string;
  /** How long to wait for the job's record to appear (default 30 s). */
  readonly timeoutMs?: number;
}

export interface Detached {
  readonly jobId: string;
  readonly pid: number;
  /** The coordinator's own output (its plain event lines and errors): jobs/<id>/coordinator.log. */
  readonly logFile: string;
}

export async function startDetached(options: DetachOptions): Promise<Detached> {
  const store = new JobStore(options.home);
  const spool = join(options.home, 'detached');
  mkdirSync(spool, { recursive: true, mode: 0o700 });
  const outPath = join(spool, `start-${process.pid}-${Date.now()}.log`);
  const out = openSync(outPath, 'a', 0o600);
  let exit: { code: number | null; signal: string | null } | undefined;
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: { ...options.env, DTRAIN_DETACHED: '1' } as NodeJS.ProcessEnv,
    detached: true,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const pid = child.pid;
  child.once('exit', (code, signal) => {
    exit = { code, signal };
  });
  child.unref();
  if (pid === undefined)
    throw new DtrainError('E_DETACH', `could not start the background coordinator (${options.command})`, {
      category: 'internal',
    });
  const deadline = Date.now() + (options.timeoutMs ?? 30000);
  for (;;) {
    const job = store.list().find((j) => j.coordinatorPid === pid);
    if (job) {
      const logFile = join(store.jobDir(job.id), 'coordinator.log');
      // Same file system (both under the store), and the child's descriptor follows the rename.
      if (existsSync(outPath)) renameSync(outPath, logFile);
      return { jobId: job.id, pid, logFile };
    }
    if (exit) {
      const output = readFileSync(outPath, 'utf8').trim();
      rmSync(outPath, { force: true });
      throw new DtrainError(
        relayedCode(exit.code),
        output.split('\n')[0]?.replace(/^dtrain: /, '') ||
          `the background coordinator exited with ${exit.signal ?? `code ${exit.code}`} before the job started`,
        {
          ...(output.includes('\n') ? { detail: output.split('\n').slice(1).join('\n') } : {}),
        },
      );
    }
    if (Date.now() > deadline) {
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        // gone meanwhile
      }
      throw new DtrainError('E_DETACH', `the background coordinator (pid ${pid}) created no job in time`, {
        category: 'internal',
        detail: `its output: ${outPath}`,
      });
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The child's own exit code carried over: bad input and infrastructure as such, anything else as failed. */
function relayedCode(status: number | null): 'E_DETACH_INPUT' | 'E_DETACH_INFRA' | 'E_DETACH_FAILED' {
  if (status === EXIT.badInput) return 'E_DETACH_INPUT';
  if (status === EXIT.infra) return 'E_DETACH_INFRA';
  return 'E_DETACH_FAILED';
}
