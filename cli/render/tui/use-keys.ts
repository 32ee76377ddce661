/** The key hook: Ink's input, translated to the pure bindings of ui.ts. */
import { useInput } from 'ink';
import type { Key } from './ui.js';

export function useKeys(onKeyPress: (key: Key) => void, active: boolean): void {
  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') return onKeyPress({ name: 'ctrl-c' });
      if (key.upArrow) return onKeyPress({ name: 'up' });
      if (key.downArrow) return onKeyPress({ name: 'down' });
      if (key.pageUp) return onKeyPress({ name: 'pageup' });
      if (key.pageDown) return onKeyPress({ name: 'pagedown' });
      if (key.home) return onKeyPress({ name: 'home' });
      if (key.end) return onKeyPress({ name: 'end' });
      if (key.escape) return onKeyPress({ name: 'escape' });
      if (key.return) return onKeyPress({ name: 'return' });
      if (input.length === 1) onKeyPress({ name: 'char', char: input });
    },
    { isActive: active },
  );
}
