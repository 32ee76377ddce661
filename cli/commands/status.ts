/** `dtrain status [JOB]`: every job, or one job rank by rank, from the job store. */
import type { Command } from 'commander';
import { dtrainHome, type JobRecord, JobStore } from '../../launcher/index.js';
import { type CliIO, println } from '../io.js';
import { columns, formatDuration } from '../render/format.js';
import { liveState } from '../render/live-state.js';

export function registerStatus(program: Command, io: CliIO): void {
  program
    .command('status')
    .description('list jobs, or show one job rank by rank')
    .argument('[job]', 'job id, unique id prefix, job name (its latest run) or "latest"')
    .option('--json', 'print JSON')
    .action((query: string | undefined, opts: { json?: boolean }) => {
      const store = new JobStore(dtrainHome(io.env));
      const now = Date.now();
      if (query === undefined) {
        const jobs = store.list();
        if (opts.json)
          return println(io.stdout, JSON.stringify(jobs.map((j) => ({ ...j, state: liveState(j) }))));
        if (jobs.length === 0) return println(io.stdout, `no jobs yet in ${store.jobsDir}`);
        for (const line of jobTable(jobs, now)) println(io.stdout, line);
        return;
      }
      const job = store.find(query);
      if (opts.json) return println(io.stdout, JSON.stringify({ ...job, state: liveState(job) }));
      for (const line of jobDetail(job, now)) println(io.stdout, line);
    });
}

function jobTable(jobs: readonly JobRecord[], now: number): string[] {
  const rows = [['JOB', 'STATE', 'FRAMEWORK', 'RANKS', 'STARTED', 'ELAPSED']];
  for (const j of jobs) {
    rows.push([
      j.id,
      liveState(j),
      `${j.framework}/${j.parallelism}`,
      String(j.worldSize),
      new Date(j.createdAt).toISOString().replace('T', ' ').slice(0, 19),
      formatDuration(((j.endedAt ?? now) - (j.startedAt ?? j.createdAt)) / 1000),
    ]);
  }
  return columns(rows);
}

/** A rank whose heartbeats say its main thread is busy (a long parse, a checkpoint) or stuck. */
function busyNote(seconds: number | undefined): string {
  return seconds === undefined ? '' : `, busy ${formatDuration(seconds)}`;
}

function jobDetail(j: JobRecord, now: number): string[] {
  const lines = [
    `job ${j.id}  ${liveState(j)}${j.exitCode !== undefined ? ` (exit ${j.exitCode})` : ''}`,
    `  ${j.framework}, ${j.parallelism} parallel, ${j.worldSize} ranks${j.local ? ', local' : ''}`,
    `  file    ${j.jobFile}`,
    `  output  ${j.output}`,
    `  elapsed ${formatDuration(((j.endedAt ?? now) - (j.startedAt ?? j.createdAt)) / 1000)}`,
  ];
  if (j.error) lines.push(`  error   ${j.error}`);
  if (j.restartOf) lines.push(`  restart of ${j.restartOf}`);
  if (j.restartedAs) lines.push(`  restarted as ${j.restartedAs}`);
  lines.push('');
  const rows = [['RANK', 'HOST', 'STATE', 'PID', 'STEP', 'LAST SEEN', 'EXIT']];
  for (const r of j.ranks) {
    rows.push([
      String(r.rank),
      r.host,
      r.state,
      r.pid ? String(r.pid) : '-',
      r.total > 0 ? `${r.step}/${r.total}` : '-',
      r.lastSeen ? `${formatDuration((now - r.lastSeen) / 1000)} ago${busyNote(r.busy)}` : '-',
      r.signal ? r.signal : r.exitCode === undefined || r.exitCode === null ? '-' : String(r.exitCode),
    ]);
  }
  lines.push(...columns(rows));
  return lines;
}
