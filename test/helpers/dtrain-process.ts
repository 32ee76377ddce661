/**
 * Runs the real dtrain binary as a child process, as a user would, with its own job store. Tests
 * read its JSON event lines as they come and can signal it or its ranks.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const REPO = resolve(import.meta.dirname, '..', '..', '..');
export const BIN = join(REPO, 'bin', 'dtrain.js');

export interface Run {
  readonly child: ChildProcess;
  readonly events: Record<string, unknown>[];
  stdout: string;
  stderr: string;
  /** Resolves with the exit code (or 128+signal). */
  readonly exited: Promise<number>;
  /** Resolves with the first event matching. */
  waitFor(
    pred: (e: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
}

export function tempDir(prefix = 'dtrain-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a job file into `dir` and returns its path. */
export function writeJob(dir: string, name: string, yaml: string): string {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  return path;
}

export function startDtrain(
  args: readonly string[],
  options: { home: string; cwd?: string; env?: Record<string, string> },
): Run {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? REPO,
    env: { ...process.env, DTRAIN_HOME: options.home, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: Record<string, unknown>[] = [];
  const waiters: {
    pred: (e: Record<string, unknown>) => boolean;
    resolve: (e: Record<string, unknown>) => void;
  }[] = [];
  const run: Run = {
    child,
    events,
    stdout: '',
    stderr: '',
    exited: new Promise((res) =>
      child.once('exit', (code, signal) => res(code ?? 128 + signalNumber(signal))),
    ),
    waitFor(pred, timeoutMs = 30000) {
      const found = events.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((res, rej) => {
        const timer = setTimeout(
          () => rej(new Error(`timed out waiting for an event; stderr: ${run.stderr}`)),
          timeoutMs,
        );
        waiters.push({
          pred,
          resolve: (e) => {
            clearTimeout(timer);
            res(e);
          },
        });
      });
    },
  };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    run.stdout += `${line}\n`;
    if (!line.startsWith('{')) return;
    try {
      const e = JSON.parse(line) as Record<string, unknown>;
      events.push(e);
      for (const w of waiters.filter((w) => w.pred(e))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    } catch {
      // not an event line
    }
  });
  child.stderr!.on('data', (d: Buffer) => {
    run.stderr += d.toString();
  });
  return run;
}

/** Runs dtrain to completion and returns its exit code and output. */
export async function runDtrain(
  args: readonly string[],
  options: { home: string; cwd?: string; env?: Record<string, string> },
): Promise<{ code: number; stdout: string; stderr: string; events: Record<string, unknown>[] }> {
  const run = startDtrain(args, options);
  const code = await run.exited;
  // Let the last stdout lines drain.
  await new Promise((r) => setImmediate(r));
  return { code, stdout: run.stdout, stderr: run.stderr, events: run.events };
}

function signalNumber(signal: NodeJS.Signals | null): number {
  const table: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return signal ? (table[signal] ?? 0) : 0;
}
