/** The last line: key hints, the stop question, or how the job ended. */
import { Text } from 'ink';
import type { ReactNode } from 'react';
import type { TuiState } from '../state.js';
import { clip } from '../text.js';
import type { UiState } from '../ui.js';
import { Paint } from './paint.js';

export function Footer(props: {
  state: TuiState;
  ui: UiState;
  canDetach: boolean;
  width: number;
}): ReactNode {
  const { state: s, ui, width } = props;
  if (s.end) {
    const text = s.end.error ? `${s.end.state}: ${s.end.error}` : `job ${s.end.state}`;
    return (
      <Paint tone={s.end.state === 'succeeded' ? 'ok' : 'bad'} bold>
        {clip(text, width)}
      </Paint>
    );
  }
  if (ui.overlay === 'confirm-stop')
    return (
      <Text wrap="truncate">
        <Paint tone="warn" bold inverse>
          {clip(`Stop job ${s.jobId}? Every rank on every host stops. [y/N]`, width)}
        </Paint>
      </Text>
    );
  if (ui.stopRequested || s.phase === 'stopping')
    return (
      <Paint tone="warn">
        {clip(`stopping: ${s.stopReason ?? 'waiting for every rank to exit'}`, width)}
      </Paint>
    );
  const full = `↑↓ select  l logs  m metric  ${props.canDetach ? 'd detach  ' : ''}s stop  q ${props.canDetach ? 'quit (job goes on)' : 'quit'}  ? help`;
  return <Paint tone="dim">{width >= full.length ? full : clip('? help  s stop  q quit', width)}</Paint>;
}
