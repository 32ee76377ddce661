/**
 * Runs Python snippets with /usr/bin/python3 or $DTRAIN_PYTHON (numpy, sklearn, xgboost 1.7) for
 * reference values.
 * The snippet sees `inp` (the JSON input, with null for NaN) and calls `emit(value)` once; numpy
 * arrays and scalars become lists and numbers, NaN becomes null.
 */
import { spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';
import { cannotRun } from './skip.js';

// DTRAIN_PYTHON lets a run point at another interpreter (or a missing one, to check the skip path).
const PYTHON = process.env['DTRAIN_PYTHON'] ?? '/usr/bin/python3';

const PRELUDE = `
import json, sys, math
import numpy as np
inp = json.loads(sys.stdin.read() or 'null')
def _plain(o):
    if isinstance(o, np.ndarray): return _plain(o.tolist())
    if isinstance(o, (list, tuple)): return [_plain(x) for x in o]
    if isinstance(o, dict): return {k: _plain(v) for k, v in o.items()}
    if isinstance(o, np.generic): o = o.item()
    if isinstance(o, float) and not math.isfinite(o): return None
    return o
def emit(value):
    sys.stdout.write('\\n@@EMIT@@' + json.dumps(_plain(value)) + '\\n')
`;

/** Runs `code` after the prelude with `input` on stdin; returns what it emitted. Throws on failure. */
export function runPython<T>(code: string, input?: unknown): T {
  const r = spawnSync(PYTHON, ['-c', PRELUDE + code], {
    input: JSON.stringify(input ?? null),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  const marker = r.stdout?.lastIndexOf('@@EMIT@@') ?? -1;
  if (r.status !== 0 || marker < 0)
    throw new Error(
      `python3 failed (status ${r.status}${r.error ? `, ${r.error.message}` : ''}):\n${r.stderr}`,
    );
  return JSON.parse(r.stdout.slice(marker + 8)) as T;
}

let available: string | undefined;

/** '' when numpy, sklearn and xgboost import, else the reason they do not. Cached. */
export function xgboostProblem(): string {
  if (available === undefined) {
    const r = spawnSync(PYTHON, ['-c', 'import numpy, sklearn, xgboost; print(xgboost.__version__)'], {
      encoding: 'utf8',
    });
    available = r.status === 0 ? '' : (r.error?.message ?? r.stderr.trim().split('\n').pop() ?? 'unknown');
  }
  return available;
}

/**
 * True when the reference Python stack is usable. Otherwise skips the test (returns false), or, when
 * DTRAIN_REQUIRE_ALL is set, fails it with the reason.
 */
export function needXgboost(t: TestContext): boolean {
  const problem = xgboostProblem();
  return (
    problem === '' ||
    cannotRun(
      t,
      `python3-xgboost is not usable (${problem}): apt-get install python3-xgboost python3-sklearn`,
    )
  );
}

/** Float32 values as JSON-safe numbers (NaN → null), for `runPython` input. */
export function jsonFloats(values: ArrayLike<number>): (number | null)[] {
  return Array.from(values, (v) => (Number.isNaN(v) ? null : v));
}

/** Parses emitted numbers back, null → NaN. */
export function floatsFrom(values: readonly (number | null)[]): Float32Array {
  return Float32Array.from(values, (v) => (v === null ? Number.NaN : v));
}
