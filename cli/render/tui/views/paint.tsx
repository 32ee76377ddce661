/**
 * Colour, or its absence: every coloured span goes through <Paint>, which drops colours when the
 * terminal asks for none (NO_COLOR, TERM=dumb). Marks like ! and ✗ carry the meaning without colour.
 */
import { Text } from 'ink';
import { createContext, type ReactNode, useContext } from 'react';

export const ColorContext = createContext(true);

export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'dim' | 'plain';

const COLORS: Record<Tone, string | undefined> = {
  ok: 'green',
  warn: 'yellow',
  bad: 'red',
  info: 'cyan',
  dim: 'gray',
  plain: undefined,
};

export function Paint(props: {
  tone?: Tone;
  bold?: boolean;
  inverse?: boolean;
  children: ReactNode;
}): ReactNode {
  const color = useContext(ColorContext);
  const tone = props.tone ?? 'plain';
  const c = color ? COLORS[tone] : undefined;
  return (
    <Text
      {...(c ? { color: c } : {})}
      {...(props.bold ? { bold: true } : {})}
      {...(props.inverse ? { inverse: true } : {})}
    >
      {props.children}
    </Text>
  );
}
