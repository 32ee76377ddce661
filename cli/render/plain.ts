/**
 * The renderer for pipes, CI and `--no-tui`: one line per event, or with `--json` the event itself as
 * one JSON object per line (a stable interface). Progress lines are rank 0's, which stand for the job.
 */
import type { EventSink, JobEvent } from '../../launcher/index.js';
import { formatDoctorTable, isDoctorResult } from './doctor-table.js';
import { formatDuration, formatNumber, rankRange } from './format.js';

export function plainRenderer(out: NodeJS.WritableStream, options: { json: boolean }): EventSink {
  if (options.json) return (event) => out.write(`${JSON.stringify(event)}\n`);
  return (event) => {
    for (const line of plainLines(event)) out.write(`${line}\n`);
  };
}

export function plainLines(e: JobEvent): string[] {
  switch (e.type) {
    case 'job-start': {
      const where = e.local ? ', as local processes' : '';
      const hosts = `${e.hosts.length} host${e.hosts.length === 1 ? '' : 's'}`;
      return [
        `job ${e.jobId}: ${e.framework}, ${e.parallelism} parallel, ${e.worldSize} ranks on ${hosts}${where}`,
      ];
    }
    case 'coordinator-ready':
      return [`coordinator listening on ${e.host}:${e.port}`];
    case 'host-step':
      if (e.state === 'running') return [];
      return [`host ${e.host}: ${e.step} ${e.state}${e.detail ? ` (${e.detail})` : ''}`];
    case 'host-ready':
      return [`host ${e.host} ready (ranks ${rankRange(e.ranks)})`];
    case 'rank-start':
      return [`rank ${e.rank} started on ${e.host} (pid ${e.pid})`];
    case 'rank-ready':
      return [`rank ${e.rank} connected (peer port ${e.port})`];
    case 'training-start':
      return [`all ${e.worldSize} ranks connected; running`];
    case 'progress': {
      if (e.rank !== 0) return [];
      const rate = e.rate > 0 ? `${formatNumber(e.rate)} ${e.unit}/s` : '';
      const eta = e.eta !== undefined && e.step < e.total ? `ETA ${formatDuration(e.eta)}` : '';
      const extra = [rate, eta].filter(Boolean).join(', ');
      const metrics = Object.entries(e.metrics ?? {})
        .map(([k, v]) => `${k}=${formatNumber(v)}`)
        .join(' ');
      return [
        `progress ${e.unit} ${e.step}/${e.total}${extra ? ` (${extra})` : ''}${metrics ? ` ${metrics}` : ''}`,
      ];
    }
    case 'log':
      return [`[rank ${e.rank}${e.stream === 'stderr' ? ' stderr' : ''}] ${e.line}`];
    case 'backend':
      return [`rank ${e.rank} computes on ${e.reason}`];
    case 'result':
      if (e.rank !== 0) return [];
      if (isDoctorResult(e.data)) return formatDoctorTable(e.data);
      return modelLines(e.data);
    case 'rank-exit':
      return [
        `rank ${e.rank} on ${e.host} ${e.signal ? `was killed by ${e.signal}` : `exited with code ${e.code}`}`,
      ];
    case 'rank-lost':
      return [`rank ${e.rank} on ${e.host} is silent for ${e.silentFor.toFixed(1)}s: lost`];
    case 'stopping':
      return [`stopping the job: ${e.reason}`];
    case 'restarting':
      return [
        `restarting (${e.attempt} of ${e.restarts}) after: ${e.reason}${e.resumeFrom ? '; continuing from the latest checkpoint' : '; from the beginning (no checkpoint)'}`,
      ];
    case 'connection-rejected':
      return [`rejected a connection from ${e.remote}: ${e.reason}`];
    case 'job-end':
      if (e.state === 'succeeded') return [`job succeeded in ${formatDuration(e.elapsed)}`];
      return [
        `job ${e.state} after ${formatDuration(e.elapsed)}: ${e.error ?? 'no reason given'}`,
        ...(e.detail ? e.detail.split('\n').map((l) => `  ${l}`) : []),
      ];
  }
}

/** A training result: where the model is and how many rounds it has. */
function modelLines(data: unknown): string[] {
  if (typeof data !== 'object' || data === null) return [];
  const d = data as { model?: unknown; rounds?: unknown; bestIteration?: unknown };
  if (typeof d.model !== 'string') return [];
  const rounds = typeof d.rounds === 'number' ? `${d.rounds} rounds` : '';
  const best = typeof d.bestIteration === 'number' ? `, best round ${d.bestIteration + 1}` : '';
  return [`model written to ${d.model}${rounds ? ` (${rounds}${best})` : ''}`];
}
