/**
 * The job store on disk (layout in types.ts). Reading is safe from any process at any time; writing
 * goes through a JobWriter owned by the job's coordinator.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../../configs/atomic-write.js';
import { DtrainError } from '../../configs/errors.js';
import type { JobSpec } from '../../configs/job-spec.js';
import type { JobEvent } from '../events.js';
import type { LaunchPlan } from '../plan/contract.js';
import type { JobRecord } from './types.js';

/** $DTRAIN_HOME, else ~/.dtrain. */
export function dtrainHome(env: Readonly<Record<string, string | undefined>>): string {
  return env['DTRAIN_HOME'] || join(homedir(), '.dtrain');
}

/** Writes a store file (the user's own: mode 600) so that readers see the old or the whole new content. */
export function writeFileAtomic(path: string, content: string): void {
  writeFileAtomicSync(path, content, { mode: 0o600 });
}

export class JobStore {
  readonly jobsDir: string;

  constructor(readonly home: string) {
    this.jobsDir = join(home, 'jobs');
  }

  /** Creates a new job folder with a fresh id `NAME-YYYYMMDD-HHMMSS-XXXX`; mkdir makes it unique. */
  createJobDir(name: string, now: Date): { id: string; dir: string } {
    mkdirSync(this.jobsDir, { recursive: true, mode: 0o700 });
    const stamp = now
      .toISOString()
      .replace(/[-:]/g, '')
      .replace('T', '-')
      .replace(/\.\d+Z$/, '');
    for (let attempt = 0; ; attempt++) {
      const id = `${name}-${stamp}-${randomBytes(2).toString('hex')}`;
      const dir = join(this.jobsDir, id);
      try {
        mkdirSync(dir, { mode: 0o700 });
        mkdirSync(join(dir, 'logs'));
        return { id, dir };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 20) throw error;
      }
    }
  }

  jobDir(id: string): string {
    return join(this.jobsDir, id);
  }

  logPath(id: string, rank: number): string {
    return join(this.jobsDir, id, 'logs', `rank-${rank}.log`);
  }

  eventsPath(id: string): string {
    return join(this.jobsDir, id, 'events.jsonl');
  }

  /** Every job with a readable state, oldest first. */
  list(): JobRecord[] {
    if (!existsSync(this.jobsDir)) return [];
    const out: JobRecord[] = [];
    for (const id of readdirSync(this.jobsDir)) {
      const record = this.tryRead(id);
      if (record) out.push(record);
    }
    return out.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  /** Finds a job by id, unique id prefix, job name (its latest run) or `latest`. */
  find(query: string): JobRecord {
    const jobs = this.list();
    if (query === 'latest' || query === 'last') {
      const last = jobs[jobs.length - 1];
      if (last) return last;
    }
    const exact = jobs.find((j) => j.id === query);
    if (exact) return exact;
    const byName = jobs.filter((j) => j.name === query);
    if (byName.length > 0) return byName[byName.length - 1]!;
    const byPrefix = jobs.filter((j) => j.id.startsWith(query));
    if (byPrefix.length === 1) return byPrefix[0]!;
    if (byPrefix.length > 1)
      throw new DtrainError('E_JOB_AMBIGUOUS', `job "${query}" matches ${byPrefix.length} jobs`, {
        category: 'config',
        detail: byPrefix.map((j) => `  ${j.id}`).join('\n'),
      });
    throw new DtrainError('E_JOB_NOT_FOUND', `no job "${query}" in ${this.jobsDir}`, {
      category: 'config',
      detail: 'dtrain status lists the jobs this machine knows',
    });
  }

  read(id: string): JobRecord {
    return JSON.parse(readFileSync(join(this.jobsDir, id, 'state.json'), 'utf8')) as JobRecord;
  }

  /** Records in a failed job that it was restarted as `next` (its coordinator has finished with it). */
  markRestarted(id: string, next: string): void {
    const record = this.read(id);
    writeFileAtomic(
      join(this.jobsDir, id, 'state.json'),
      `${JSON.stringify({ ...record, restartedAs: next }, null, 2)}\n`,
    );
  }

  /** The job spec a job ran with (from job.json). */
  readSpec(id: string): JobSpec {
    const job = JSON.parse(readFileSync(join(this.jobsDir, id, 'job.json'), 'utf8')) as { spec: JobSpec };
    return job.spec;
  }

  /** The plan a job ran with (from job.json): where each rank runs, on which GPU. */
  readPlan(id: string): LaunchPlan {
    const job = JSON.parse(readFileSync(join(this.jobsDir, id, 'job.json'), 'utf8')) as { plan: LaunchPlan };
    return job.plan;
  }

  /** The job's events as stored; a torn last line (a crash mid-append) is ignored. */
  readEvents(id: string): JobEvent[] {
    const path = this.eventsPath(id);
    if (!existsSync(path)) return [];
    const out: JobEvent[] = [];
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        out.push(JSON.parse(line) as JobEvent);
      } catch {
        // only the last line can be torn; skip it
      }
    }
    return out;
  }

  private tryRead(id: string): JobRecord | undefined {
    try {
      return this.read(id);
    } catch {
      return undefined;
    }
  }
}
