/**
 * Provisioning as a checklist per host: each step done (✓), running (spinner), failed (✗), skipped
 * (–), or still to come (·). Shown until training starts, and whenever a step failed.
 */
import { Text } from 'ink';
import type { ReactNode } from 'react';
import type { HostView, TuiState } from '../state.js';
import { clip, fit, SPINNER } from '../text.js';
import { Paint, type Tone } from './paint.js';

/** The steps a transport reports, in order (launcher/events.ts). */
export const STEPS = ['connect', 'host-key', 'node', 'upload', 'setup', 'data', 'start'] as const;

export function showProvisioning(s: TuiState): boolean {
  if (!s.hosts.some((h) => h.steps.length > 0)) return false;
  const before = s.phase === 'starting' || s.phase === 'provisioning' || s.phase === 'connecting';
  return before || s.hosts.some((h) => h.steps.some((x) => x.state === 'failed'));
}

export function Provisioning(props: {
  state: TuiState;
  now: number;
  width: number;
  rows: number;
}): ReactNode {
  const { state: s, width } = props;
  const spin = SPINNER[Math.floor(props.now / 100) % SPINNER.length]!;
  const nameWidth = Math.min(16, Math.max(4, ...s.hosts.map((h) => h.name.length)));
  const hosts = s.hosts.slice(0, Math.max(0, props.rows - 1));
  const more = s.hosts.length - hosts.length;
  return (
    <>
      <Paint tone="dim" bold>
        {clip(`provisioning${more > 0 ? ` (${more} more hosts)` : ''}`, width)}
      </Paint>
      {hosts.map((h) => (
        <HostLine key={h.name} host={h} spin={spin} nameWidth={nameWidth} width={width} />
      ))}
    </>
  );
}

function HostLine(props: { host: HostView; spin: string; nameWidth: number; width: number }): ReactNode {
  const h = props.host;
  const known = new Set(h.steps.map((x) => x.step));
  const items: { step: string; mark: string; tone: Tone }[] = h.steps.map((x) => ({
    step: x.step,
    mark: x.state === 'done' ? '✓' : x.state === 'failed' ? '✗' : x.state === 'skipped' ? '–' : props.spin,
    tone: x.state === 'done' ? 'ok' : x.state === 'failed' ? 'bad' : x.state === 'skipped' ? 'dim' : 'info',
  }));
  if (!h.ready && !h.steps.some((x) => x.state === 'failed'))
    for (const step of STEPS) if (!known.has(step)) items.push({ step, mark: '·', tone: 'dim' });
  const failed = h.steps.find((x) => x.state === 'failed');
  let room = props.width - props.nameWidth - 2;
  const shown: typeof items = [];
  for (const it of items) {
    const need = it.step.length + 3;
    if (need > room) break;
    shown.push(it);
    room -= need;
  }
  const tail = h.ready ? ' ready' : failed?.detail ? ` ${failed.detail}` : '';
  return (
    <Text wrap="truncate">
      {`${fit(h.name, props.nameWidth)}  `}
      {shown.map((it) => (
        <Text key={it.step}>
          <Paint tone={it.tone}>{it.mark}</Paint>
          {` ${it.step} `}
        </Text>
      ))}
      {tail ? <Paint tone={failed ? 'bad' : 'ok'}>{clip(tail, Math.max(0, room))}</Paint> : null}
    </Text>
  );
}
