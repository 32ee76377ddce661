/** The last lines of the selected rank's log. */
import { Text } from 'ink';
import type { ReactNode } from 'react';
import type { TuiState } from '../state.js';
import { clip } from '../text.js';
import { Paint } from './paint.js';

export function LogPane(props: { state: TuiState; rank: number; lines: number; width: number }): ReactNode {
  const { width } = props;
  const all = props.state.logs[props.rank] ?? [];
  const shown = props.lines > 0 ? all.slice(-props.lines) : [];
  const title = `── log of rank ${props.rank} `;
  return (
    <>
      <Paint tone="dim">{clip(title + '─'.repeat(Math.max(0, width - title.length)), width)}</Paint>
      {shown.length === 0 && props.lines > 0 ? <Paint tone="dim">(no output yet)</Paint> : null}
      {shown.map((line, i) => (
        // Lines repeat, so position is the key: the pane is redrawn whole.
        // biome-ignore lint/suspicious/noArrayIndexKey: a log tail has no stable identity
        <Text key={i} wrap="truncate">
          {line.startsWith('! ') ? <Paint tone="bad">{clip(line, width)}</Paint> : clip(line, width)}
        </Text>
      ))}
    </>
  );
}
