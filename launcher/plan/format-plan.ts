/**
 * The text of `dtrain plan` (and `dtrain run --dry-run`): the rank map, then per host what would be
 * uploaded and run. Pure; golden-tested.
 */
import { shellQuote } from '../transports/index.js';
import type { LaunchPlan, RankPlan } from './contract.js';

export function formatPlan(plan: LaunchPlan): string {
  const lines: string[] = [];
  const hostWord = plan.hosts.length === 1 ? 'host' : 'hosts';
  const where = plan.localMode ? 'as local processes on this machine' : 'over SSH';
  lines.push(
    `job ${plan.jobName}: ${plan.framework}, ${plan.parallelism} parallel, ${plan.worldSize} ranks on ${plan.hosts.length} ${hostWord}, ${where}`,
  );
  const tunnels = plan.hosts.some((h) => !h.local) ? ' (remote hosts reach it through SSH tunnels)' : '';
  lines.push(`coordinator ${plan.coordinator.host}:${portText(plan.coordinator.port)}${tunnels}`);
  lines.push('');
  lines.push(...table(plan));
  for (const host of plan.hosts) {
    lines.push('');
    const login = host.local ? 'local processes' : sshTarget(host.user, host.name, host.sshPort);
    lines.push(`host ${host.name} (${login}): ranks ${rangeText(host.ranks)}`);
    lines.push(`  workdir  ${host.workdir}`);
    if (host.uploads.length === 0) lines.push('  upload   nothing');
    else for (const u of host.uploads) lines.push(`  upload   ${u}`);
    for (const s of host.setup) lines.push(`  setup    ${s}`);
    for (const r of host.ranks) {
      const rank = plan.ranks[r];
      if (rank) lines.push(...rankLines(rank));
    }
  }
  lines.push('');
  lines.push('stdin    each rank: its worker spec (rank, world, data places, parameters) and the job token');
  if (plan.secrets.length > 0) {
    lines.push(
      `secrets  ${plan.secrets.join(', ')} (values from this environment, sent on stdin, never logged)`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function table(plan: LaunchPlan): string[] {
  const rows = [['RANK', 'HOST', 'LOCAL', 'GPU', 'PORT', 'DATA']];
  for (const r of plan.ranks) {
    const data = r.shards
      .map((s) => (s.count > 1 ? `${s.role} ${s.index + 1}/${s.count}` : s.role))
      .join(', ');
    rows.push([
      String(r.rank),
      r.hostName,
      String(r.localRank),
      r.gpu === undefined ? '-' : String(r.gpu),
      portText(r.port),
      data || '-',
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

function rankLines(rank: RankPlan): string[] {
  const quote = (word: string) => shellQuote(word, { template: true });
  const env = Object.entries(rank.env)
    .map(([k, v]) => `${k}=${quote(v)}`)
    .join(' ');
  return [`  rank ${rank.rank}  ${rank.argv.map(quote).join(' ')}`, `          env ${env}`];
}

function portText(port: number): string {
  return port === 0 ? 'auto' : String(port);
}

function sshTarget(user: string | undefined, host: string, port: number | undefined): string {
  return `ssh ${user ? `${user}@` : ''}${host}${port ? ` port ${port}` : ''}`;
}

function rangeText(ranks: readonly number[]): string {
  if (ranks.length === 0) return 'none';
  const first = ranks[0]!;
  const last = ranks[ranks.length - 1]!;
  return first === last ? String(first) : `${first}-${last}`;
}
