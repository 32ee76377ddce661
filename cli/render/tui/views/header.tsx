/** The top two lines: which job, how it is spread, how long it has run, where it stands. */
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { TuiState } from '../state.js';
import { age, clip, clock, rate } from '../text.js';
import { Paint, type Tone } from './paint.js';

export function headerStatus(s: TuiState, stopRequested: boolean): { text: string; tone: Tone } {
  if (s.end) {
    const tone: Tone = s.end.state === 'succeeded' ? 'ok' : s.end.state === 'stopped' ? 'warn' : 'bad';
    return { text: `${s.end.state} (exit ${s.end.exitCode})`, tone };
  }
  if (s.phase === 'stopping' || stopRequested) return { text: 'stopping…', tone: 'warn' };
  if (s.phase === 'training') return { text: 'running', tone: 'ok' };
  return { text: s.phase, tone: 'info' };
}

export function Header(props: {
  state: TuiState;
  now: number;
  stopRequested: boolean;
  width: number;
}): ReactNode {
  const { state: s, now, width } = props;
  const elapsed = s.end ? s.end.elapsed : s.startedAt === undefined ? 0 : (now - s.startedAt) / 1000;
  const status = headerStatus(s, props.stopRequested);
  const right = `${status.text}  ${clock(elapsed)}`;
  const title = clip(`dtrain ${s.jobId || '…'}`, Math.max(1, width - right.length - 2));
  const gap = Math.max(1, width - title.length - right.length);
  const hosts = `${s.hosts.length} host${s.hosts.length === 1 ? '' : 's'}`;
  const what = `${s.framework || '?'} · ${s.parallelism || '?'} parallel · ${s.worldSize} ranks on ${hosts}${s.local ? ' (local)' : ''}`;
  const r0 = s.ranks[0];
  const unit = s.framework === 'tensorflow' ? 'samples' : 'rows';
  const total = s.ranks.reduce((sum, r) => sum + (r.state === 'running' ? (r.samplesPerSec ?? 0) : 0), 0);
  const extras = [
    s.eta !== undefined && !s.end ? `ETA ${age(s.eta)}` : '',
    total > 0 ? `${rate(total)} ${unit}/s` : r0 && r0.rate > 0 ? `${rate(r0.rate)} ${r0.unit}/s` : '',
  ].filter(Boolean);
  const line2 = extras.length && !s.end ? `${what} · ${extras.join(' · ')}` : what;
  return (
    <Box flexDirection="column">
      <Text>
        <Paint bold>{title}</Paint>
        {' '.repeat(gap)}
        <Paint tone={status.tone} bold>
          {status.text}
        </Paint>
        {`  ${clock(elapsed)}`}
      </Text>
      <Paint tone="dim">{clip(line2, width)}</Paint>
    </Box>
  );
}
