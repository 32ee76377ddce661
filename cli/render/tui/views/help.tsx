/** The `?` overlay: every key and what it does. */
import { Text } from 'ink';
import type { ReactNode } from 'react';
import { clip, fit } from '../text.js';
import { helpLines } from '../ui.js';
import { Paint } from './paint.js';

export function Help(props: { canDetach: boolean; width: number }): ReactNode {
  const lines = helpLines(props.canDetach);
  return (
    <>
      <Paint bold>keys</Paint>
      {lines.map(([key, what]) => (
        <Text key={key} wrap="truncate">
          <Paint tone="info">{fit(key, 9)}</Paint>
          {clip(what, Math.max(0, props.width - 9))}
        </Text>
      ))}
    </>
  );
}
