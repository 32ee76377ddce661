/**
 * `dtrain stop JOB`: asks the job's coordinator to stop the gang (SIGTERM, which it turns into a
 * clean gang stop) and waits for the job to end. When the coordinator is already gone, the ranks it
 * left are killed directly by their process groups — only this job's.
 */
import { DtrainError } from '../configs/errors.js';
import { isTerminal } from './rank-state.js';
import type { JobStore } from './store/index.js';
import type { JobRecord } from './store/index.js';

export function processAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function stopJob(
  store: JobStore,
  query: string,
  options: { timeoutMs?: number } = {},
): Promise<{ record: JobRecord; already: boolean }> {
  const record = store.find(query);
  if (record.state !== 'pending' && record.state !== 'running') return { record, already: true };
  if (processAlive(record.coordinatorPid)) process.kill(record.coordinatorPid, 'SIGTERM');
  const deadline = Date.now() + (options.timeoutMs ?? 15000);
  while (Date.now() < deadline) {
    const now = store.read(record.id);
    if (now.state !== 'pending' && now.state !== 'running') return { record: now, already: false };
    if (!processAlive(now.coordinatorPid)) {
      // An abandoned job: its coordinator died without recording the end.
      for (const r of now.ranks) if (!isTerminal(r.state) && r.pid) killGroup(r.pid);
      return { record: now, already: false };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new DtrainError(
    'E_STOP_TIMEOUT',
    `job ${record.id} did not stop within ${(options.timeoutMs ?? 15000) / 1000}s`,
    {
      category: 'infra',
    },
  );
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
